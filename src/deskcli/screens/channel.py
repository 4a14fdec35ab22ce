"""How the call came in, when it is not the phone: one key picks the channel.

Seed (call handling): "A 'call' could be a face-to-face request, a telephone call, a
fax or e-mail, and so on." The phone stays the default with no extra key (``n`` on the
queue); this dialog is for the others.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from deskcli.core.enums import Channel
from deskcli.screens.modal import Dialog

CHANNEL_KEYS = (
    ("f", Channel.FACE_TO_FACE, "Face to face"),
    ("e", Channel.EMAIL, "E-mail"),
    ("c", Channel.CHAT, "Chat"),
    ("x", Channel.FAX, "Fax"),
    ("p", Channel.PHONE, "Phone"),
)
"""Each channel, the key that picks it and its name."""


class ChannelScreen(Dialog[str | None]):
    """Returns the channel picked (a :class:`Channel` value), or ``None`` when cancelled."""

    DEFAULT_CSS = "ChannelScreen { align: center middle; }"
    BINDINGS = [
        Binding(key, f"pick('{channel.value}')", label, id=f"channel.{channel.value}")
        for key, channel, label in CHANNEL_KEYS
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("How did this call come in?", classes="dialog-title")
            yield Static("   ".join(f"{key} {label}" for key, _channel, label in CHANNEL_KEYS), id="channel-keys", markup=False)
            yield Static("one key picks it · escape cancels", classes="dialog-help")

    def action_pick(self, channel: str) -> None:
        """This is how the call came in."""
        self.dismiss(Channel(channel).value)
