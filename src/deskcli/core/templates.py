"""Templates of words an analyst reads out, checked the way they are used (plain string work).

A template names its placeholders in braces (``{time}``); only the names its use
allows, written plainly - never ``{time:%H}``, ``{time!r}`` or ``{time.hour}`` - so a
template that passes the check can always be filled in when the phone rings. The
greeting (:mod:`deskcli.core.greeting_template`) and the call-back words
(``call_handling.toml``, ``[call_back] say``) are checked here.
"""

from __future__ import annotations

import string
from collections.abc import Sequence


def fill_template(template: str, **values: str) -> str:
    """The template with its placeholders filled, on one line (spaces collapsed)."""
    return " ".join(template.format(**values).split())


def placeholders(template: str, allowed: Sequence[str], *, what: str, max_length: int) -> set[str]:
    """The placeholders ``template`` uses; ``ValueError`` saying what is wrong when it is too
    long, malformed, or uses a name not in ``allowed`` or a format or conversion."""
    if len(template) > max_length:
        raise ValueError(f"{what} is at most {max_length} characters (this one has {len(template)})")
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"not a valid template: {exc} (write a literal brace as {{{{ or }}}})") from None
    names = set()
    listed = ", ".join("{" + name + "}" for name in allowed)
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed:
            raise ValueError(f"unknown placeholder {{{name}}}; allowed: {listed}")
        if spec or conversion:
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"{written}: a placeholder takes no format or conversion; write {{{name}}}")
        names.add(name)
    return names


def check_fills(template: str, sample: dict[str, str]) -> None:
    """``ValueError`` when ``template`` cannot be filled with ``sample`` (the checks above should leave none)."""
    try:
        fill_template(template, **sample)
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        raise ValueError(f"the template cannot be filled in: {exc}") from None
