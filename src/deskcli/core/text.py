"""Text as it may be stored: no raw control characters.

A pasted BEL (``\\a``) or an escape sequence must never reach the database, where it
would later ring the terminal or repaint the screen of whoever reads the record.
Tabs and newlines are kept (notes have lines); carriage returns become newlines;
every other C0 control, DEL and the C1 range are dropped.
"""

from __future__ import annotations

_DROP = {code: None for code in range(0x20) if code not in (0x09, 0x0A)}
_DROP[0x7F] = None
_DROP.update(dict.fromkeys(range(128, 160)))


def clean_text(value: str) -> str:
    """``value`` without control characters (tab and newline kept, CR/CRLF made newline)."""
    if value.isprintable():  # the common case: nothing to do, no copy
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP)


def clean_line(value: str) -> str:
    """One line of text: like :func:`clean_text`, with line breaks and tabs made spaces."""
    return clean_text(value).replace("\n", " ").replace("\t", " ")


def clean_json(value: object) -> object:
    """Every string inside a JSON-like value cleaned (dict keys too)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(item) for item in value]
    return value
