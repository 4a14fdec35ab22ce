"""Greeting templates, checked the way they are used (plain string work, for every layer).

A template is checked by rendering it once with the longest values the analyst
profile allows, so a template that passes ``deskcli policies check`` (or the
``greeting_template`` setting) can never fail when the phone rings: placeholders are
the four names below, written plainly (``{department}``, never ``{department:%}``,
``{department!z}`` or ``{department.upper}``), and the line stays short enough to read.
The settings check the ``greeting_template`` setting with it; the greeting policy its file.
"""

from __future__ import annotations

from deskcli.core.templates import check_fills, fill_template, placeholders

__all__ = ["GREETING_FIELDS", "MAX_TEMPLATE", "REQUIRED_FIELDS", "check_template", "fill_template"]

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


def check_template(template: str) -> str:
    """``template`` when it is a usable greeting, else ``ValueError`` saying what is wrong."""
    names = placeholders(template, GREETING_FIELDS, what="a greeting template", max_length=MAX_TEMPLATE)
    missing = [name for name in REQUIRED_FIELDS if name not in names]
    if missing:
        raise ValueError(
            f"a greeting must open with the time of day and the analyst's name (missing {{{missing[0]}}})"
        )
    check_fills(template, _LONGEST_SAMPLE)
    return template
