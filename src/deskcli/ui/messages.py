"""Messages the console's machinery posts up to the app and its screens (past tense)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message

from deskcli.ui.autosave import SaveState
from deskcli.ui.phone_events import PhoneEvent


class RuntimeReady(Message):
    """Settings and the database are open (posted to each screen)."""


class WriteFinished(Message):
    """A write (or the read after it) finished on a worker thread; run its callback here.

    Posting a message never waits, so the writer thread never waits for the UI thread
    (which may itself be waiting for the writer while quitting).
    """

    def __init__(self, callback: Callable[..., Any], value: object) -> None:
        super().__init__()
        self.callback = callback
        self.value = value


class SaveStateChanged(Message):
    """How the typing of a call stands after a save attempt (saved, or not and why)."""

    def __init__(self, state: SaveState) -> None:
        super().__init__()
        self.state = state


class PromisesDueChanged(Message):
    """How many of the analyst's promises are due or overdue now."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class NoticesChanged(Message):
    """The current messages changed (the notice line redraws)."""


class PhoneRang(Message):
    """The phone system (or ``deskcli ring``) sent an event: a call, its answer or its end."""

    def __init__(self, event: PhoneEvent) -> None:
        super().__init__()
        self.event = event
