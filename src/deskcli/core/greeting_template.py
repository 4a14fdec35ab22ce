"""Greeting templates, checked the way they are used (plain string work, for every layer).

A template is checked by rendering it once with the longest values the analyst
profile allows, so a template that passes ``deskcli policies check`` (or the
``greeting_template`` setting) can never fail when the phone rings: placeholders are
the four names below, written plainly (``{department}``, never ``{department:%}``,
``{department!z}`` or ``{department.upper}``), and the line stays short enough to read.
The settings check the ``greeting_template`` setting with it; the greeting policy its file.
"""

from __future__ import annotations

import string

GREETING_FIELDS = ("time_of_day", "analyst_name", "department", "organisation")
"""Placeholders a greeting template may use."""

REQUIRED_FIELDS = ("time_of_day", "analyst_name")
"""Seed "The Greeting": never just "Hello" - the time of day and who is speaking."""

MAX_TEMPLATE = 400
"""Characters in a template: it is read aloud in one breath."""

_LONGEST_SAMPLE = {
    "time_of_day": "afternoon",
    "analyst_name": "A" * 120,
    "department": "D" * 120,
    "organisation": "O" * 120,
}
"""The longest values the analyst profile allows (see ``AnalystProfile``)."""


def fill_template(template: str, **values: str) -> str:
    """The template with its placeholders filled, on one line (spaces collapsed)."""
    return " ".join(template.format(**values).split())


def check_template(template: str) -> str:
    """``template`` when it is a usable greeting, else ``ValueError`` saying what is wrong."""
    if len(template) > MAX_TEMPLATE:
        raise ValueError(f"a greeting template is at most {MAX_TEMPLATE} characters (this one has {len(template)})")
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"not a valid template: {exc} (write a literal brace as {{{{ or }}}})") from None
    names = set()
    allowed = ", ".join("{" + name + "}" for name in GREETING_FIELDS)
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in GREETING_FIELDS:
            raise ValueError(f"unknown placeholder {{{name}}}; allowed: {allowed}")
        if spec or conversion:
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"{written}: a placeholder takes no format or conversion; write {{{name}}}")
        names.add(name)
    missing = [name for name in REQUIRED_FIELDS if name not in names]
    if missing:
        raise ValueError(
            f"a greeting must open with the time of day and the analyst's name (missing {{{missing[0]}}})"
        )
    try:
        fill_template(template, **_LONGEST_SAMPLE)
    except (ValueError, KeyError, IndexError, AttributeError) as exc:  # the checks above should leave none
        raise ValueError(f"the template cannot be filled in: {exc}") from None
    return template
