"""A checkbox whose state is a glyph, not a shade: ``[X]`` ticked, ``[ ]`` not.

Textual's checkbox draws the same "X" either way and tells them apart by colour,
which vanishes with ``NO_COLOR``.
"""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    """A checkbox that reads the same without colour."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:
        """The glyph inside the box: X when ticked, a space when not."""
        return "X" if self.value else " "
