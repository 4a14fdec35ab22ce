"""The customers matching the lookup, drawn in one batch; the highlight moves without focus.

The analyst keeps typing in the lookup while ↑ and ↓ move the highlight here, so the
list never needs the focus (and the first arrow press moves, not just focuses).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from deskcli.widgets.safe import visible


class MatchLike(Protocol):
    """What a match shows (``deskcli.services.lookup.customers.CustomerMatch``)."""

    id: int
    name: str
    organisation: str
    phone: str
    is_vip: bool
    caution_flags: list[str] | None


def match_label(match: MatchLike) -> Text:
    """One match: the name in bold, organisation, phone, VIP and caution marks."""
    label = Text()
    label.append(visible(match.name), style="bold")
    if match.organisation:
        label.append(f"  {visible(match.organisation)}")
    if match.phone:
        label.append(f"  {visible(match.phone)}", style="dim")
    if match.is_vip:
        label.append("  ★VIP", style="bold")
    if match.caution_flags:
        label.append("  ⚠", style="bold")
    return label


class MatchList(OptionList):
    """The lookup's matches."""

    def show_matches(self, found: Sequence[MatchLike]) -> None:
        """Replace the matches (one clear and one add: each add on its own lays the list out again)."""
        self.clear_options()
        self.add_options([Option(match_label(match), id=str(match.id)) for match in found])
        if found:
            self.highlighted = 0

    def move_highlight(self, step: int) -> None:
        """The next (or previous) match, stopping at the ends."""
        if not self.option_count:
            return
        current = self.highlighted if self.highlighted is not None else -1
        self.highlighted = max(0, min(self.option_count - 1, current + step))
