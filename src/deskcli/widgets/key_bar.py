"""The keys of the current screen in one line at the bottom, drawn as a single widget.

Textual's ``Footer`` builds one widget per key and rebuilds them all whenever the
bindings change (every stage switch, every focus change): with the twenty keys of
a call screen that cost ~40 ms per switch, most of the stage-switch budget. This
bar draws the same information (key and description, groups joined, disabled keys
dimmed) as one line of text from ``screen.active_bindings``. Keys are for the
keyboard; the mouse is optional in deskcli.
"""

from __future__ import annotations

from itertools import groupby

from rich.text import Text
from textual.widget import Widget


class KeyBar(Widget):
    """Every shown key of the screen, in the order the screen lists them."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        shown = [active for active in self.screen.active_bindings.values() if active.binding.show]
        seen: set[str] = set()
        unique = []
        for active in shown:
            if active.binding.action in seen:
                continue
            seen.add(active.binding.action)
            unique.append(active)
        for group, members_iter in groupby(unique, key=lambda active: active.binding.group):
            members = list(members_iter)
            if group is not None and len(members) > 1:
                keys = "".join(self.app.get_key_display(active.binding) for active in members)
                text.append(keys, style="bold")
                text.append(f" {group.description}  ", style="")
                continue
            for active in members:
                style = "bold" if active.enabled else "dim"
                text.append(self.app.get_key_display(active.binding), style=style)
                text.append(f" {active.binding.description}  ", style="" if active.enabled else "dim")
        return text
