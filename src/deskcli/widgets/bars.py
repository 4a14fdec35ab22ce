"""Horizontal bars drawn as text: one line per item, the bar scaled to the largest value.

Plain ``rich.text.Text`` (no markup): labels from the database go in as text. Block
characters with eighths give a smooth end to each bar; without colour the bar is
still its length.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from deskcli.widgets.safe import visible

_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, largest: float, width: int) -> str:
    """A bar of up to ``width`` cells for ``value`` out of ``largest``."""
    if largest <= 0 or value <= 0:
        return ""
    cells = value / largest * width
    whole = int(cells)
    part = _EIGHTHS[int((cells - whole) * 8)] if whole < width else ""
    return ("█" * whole + part.strip()) or "▏"


def bars(items: Sequence[tuple[str, float | None, str]], *, width: int = 28, label_width: int = 26) -> Text:
    """``(label, value, value as text)`` items as bars; an item without a value shows ``-``."""
    known = [value for _label, value, _text in items if value is not None]
    largest = max(known, default=0.0)
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, (label, value, shown) in enumerate(items):
        if index:
            text.append("\n")
        name = visible(label)
        text.append(name[:label_width].ljust(label_width) + " ")
        text.append(bar(value or 0.0, largest, width).ljust(width), style="bold")
        text.append(" " + (shown if value is not None else "-"))
    return text
