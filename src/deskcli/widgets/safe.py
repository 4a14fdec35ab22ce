"""Text from the database is shown as text: never markup, never terminal control codes.

A customer called ``[@click=app.quit]x[/]`` is displayed literally, and an escape
sequence pasted into a note shows as visible symbols instead of reaching the
terminal.
"""

from __future__ import annotations

from rich.text import Text

# C0 controls (except tab and newline) become their Unicode "control picture";
# DEL and the C1 range become visible placeholders too.
_VISIBLE = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_VISIBLE[0x7F] = 0x2421
_VISIBLE.update(dict.fromkeys(range(128, 160), 65533))


def visible(value: object) -> str:
    """``value`` as a string with every control character made visible."""
    return str(value).translate(_VISIBLE)


def safe_text(value: object, style: str = "") -> Text:
    """A Rich ``Text`` showing ``value`` literally (no markup, no control codes)."""
    return Text(visible("" if value is None else value), style=style)
