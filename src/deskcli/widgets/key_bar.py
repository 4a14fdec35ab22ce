"""The keys of the current screen in one line at the bottom, drawn as a single widget.

Textual's ``Footer`` builds one widget per key and rebuilds them all whenever the
bindings change (every stage switch, every focus change): with the twenty keys of
a call screen that cost ~40 ms per switch, most of the stage-switch budget. This
bar draws the same information (key and description, groups joined, disabled keys
dimmed) as one line of text from ``screen.active_bindings``.

When the keys do not fit (80 columns), the ones that matter on a live call are kept:
the screen's main key first, then hang-up, queue and promise, then the screen's
other keys, and the rest give way
to ``F1 …`` (every key, in a list). ``^p`` (the command palette) is always shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from rich.text import Text
from textual.widget import Widget

ESSENTIAL = ("call.hang_up", "call.queue", "call.promise")
"""Call keys kept on a narrow bar, after the screen's own keys."""
TAIL_WIDTH = len("  ^p Palette  F1 …")


@dataclass(frozen=True)
class _Item:
    keys: str
    label: str
    enabled: bool
    rank: int
    """Lower is kept first when the bar is too narrow."""
    order: int


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

    def on_resize(self) -> None:
        self.refresh()

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    def _items(self) -> list[_Item]:
        shown = [active for active in self.screen.active_bindings.values() if active.binding.show]
        seen: set[str] = set()
        unique = []
        for active in shown:
            if active.binding.action in seen or active.binding.action in ("command_palette", "toggle_keys"):
                continue
            seen.add(active.binding.action)
            unique.append(active)
        items: list[_Item] = []
        for order, (group, members_iter) in enumerate(groupby(unique, key=lambda active: active.binding.group)):
            members = list(members_iter)
            ids = [active.binding.id or "" for active in members]
            if group is not None and len(members) > 1:
                keys = "".join(self.app.get_key_display(active.binding) for active in members)
                rank = 3 if ids[0].startswith("call.stage") else 2
                items.append(_Item(keys, group.description, True, rank, order))
                continue
            for index, active in enumerate(members):
                binding_id = active.binding.id or ""
                if binding_id in ESSENTIAL:
                    rank = 1
                elif binding_id.startswith(("call.", "app.")):
                    rank = 4
                elif not any(item.rank in (0, 2) for item in items):
                    rank = 0  # the screen's main key (listed first)
                else:
                    rank = 2  # the screen's other keys
                items.append(
                    _Item(self.app.get_key_display(active.binding), active.binding.description, active.enabled, rank, order * 100 + index)
                )
        return items

    def render(self) -> Text:
        items = self._items()
        width = self.size.width or 200
        kept: list[_Item] = []
        used = 0
        dropped = False
        for item in sorted(items, key=lambda item: (item.rank, item.order)):
            cost = len(item.keys) + len(item.label) + 3
            if used + cost > width - TAIL_WIDTH:
                dropped = True
                continue
            kept.append(item)
            used += cost
        text = Text(no_wrap=True, overflow="ellipsis")
        for item in sorted(kept, key=lambda item: item.order):
            text.append(item.keys, style="bold" if item.enabled else "dim")
            text.append(f" {item.label}  ", style="" if item.enabled else "dim")
        text.append("^p", style="bold")
        text.append(" Palette  ")
        text.append("F1", style="bold")
        text.append(" …" if dropped else " Keys")
        return text
