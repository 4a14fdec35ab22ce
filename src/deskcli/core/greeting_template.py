"""Greeting templates, checked the way they are used (plain string work, for every layer).

A template is checked by rendering it once with the longest values the analyst
profile (and the customer record) allow, so a template that passes ``deskcli policies
check`` (or the ``greeting_template`` setting) can never fail when the phone rings:
placeholders are the names below, written plainly (``{department}``, never
``{department:%}``, ``{department!z}`` or ``{department.upper}``), and the line stays
short enough to read. The settings check the ``greeting_template`` setting with it;
the greeting policy its file.

Two templates: the *opening* said when the call is answered (the caller is not known
yet: seed "The Greeting" - the time of day, who is speaking, an offer of help), and the
*personal line* said once the caller is identified ("Offer assistance, using the
customer's name").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

from deskcli.core.templates import check_fills, fill_template, placeholders

__all__ = ["GREETING_FIELDS", "MAX_TEMPLATE", "REQUIRED_FIELDS", "check_personal_template", "check_template",
           "fill_template"]

GREETING_FIELDS = ("time_of_day", "analyst_name", "department", "organisation")
"""Placeholders an opening greeting may use."""

REQUIRED_FIELDS = ("time_of_day", "analyst_name")
"""Seed "The Greeting": never just "Hello" - the time of day and who is speaking."""

CALLER_FIELDS = ("caller_name", "caller_first_name", "caller_last_name")
"""The caller's name as recorded, their first name, their last name."""

PERSONAL_FIELDS = (*CALLER_FIELDS, *GREETING_FIELDS)
"""Placeholders the personal line (said once the caller is identified) may use."""

OPENING_EXAMPLE = "Good {time_of_day}, {analyst_name}, {department}. How may I help you today?"
"""What an opening greeting looks like (named in the messages)."""

PERSONAL_EXAMPLE = "Thank you, {caller_name}. How can I help you today?"
"""What a personal line looks like (named in the messages)."""

MAX_TEMPLATE = 400
"""Characters in a template: it is read aloud in one breath."""

_LONGEST_SAMPLE = {
    "time_of_day": "afternoon",
    "analyst_name": "A" * 120,
    "department": "D" * 120,
    "organisation": "O" * 120,
    # A customer's name is at most 160 characters (the customer record).
    "caller_name": "C" * 160,
    "caller_first_name": "F" * 160,
    "caller_last_name": "L" * 160,
}
"""The longest values the analyst profile and the customer record allow."""


def _placeholders(template: str, allowed: Sequence[str], *, example: str) -> set[str]:
    """The placeholders ``template`` uses (:func:`deskcli.core.templates.placeholders`), or
    ``ValueError`` naming the first that cannot be filled - and, for a name in the opening,
    where the caller's name goes instead."""
    try:
        return placeholders(template, allowed, what="a greeting template", max_length=MAX_TEMPLATE)
    except ValueError as exc:
        message = str(exc)
        unknown = re.match(r"unknown placeholder \{([^}]*)\}", message)
        if unknown and "caller_name" not in allowed and any(w in unknown.group(1) for w in ("name", "caller", "customer")):
            message += (" (the caller is not known yet when the opening greeting is said: their name goes in the "
                        "greeting policy's personal line, `identified`)")
        raise ValueError(message) from None


def _fills(template: str, sample: Mapping[str, str]) -> None:
    check_fills(template, dict(sample))


def _showing(example: str) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """Every refusal of the decorated check ends by showing what a good template looks like."""

    def decorate(check: Callable[[str], str]) -> Callable[[str], str]:
        @functools.wraps(check)
        def checked(template: str) -> str:
            try:
                return check(template)
            except ValueError as exc:
                if "expected e.g." in str(exc):
                    raise
                raise ValueError(f"{exc}; expected e.g. {example!r}") from None

        return checked

    return decorate


@_showing(OPENING_EXAMPLE)
def check_template(template: str) -> str:
    """``template`` when it is a usable opening greeting, else ``ValueError`` saying what is wrong and what is expected."""
    names = _placeholders(template, GREETING_FIELDS, example=OPENING_EXAMPLE)
    missing = [name for name in REQUIRED_FIELDS if name not in names]
    if missing:
        raise ValueError(
            f"a greeting must open with the time of day and the analyst's name (missing {{{missing[0]}}}): "
            f"never just \"Hello\"; expected e.g. {OPENING_EXAMPLE!r}"
        )
    _fills(template, _LONGEST_SAMPLE)
    return template


@_showing(PERSONAL_EXAMPLE)
def check_personal_template(template: str) -> str:
    """``template`` when it is a usable personal line (it names the caller), else ``ValueError``."""
    names = _placeholders(template, PERSONAL_FIELDS, example=PERSONAL_EXAMPLE)
    if not names & set(CALLER_FIELDS):
        raise ValueError(
            "the personal line offers help using the caller's name: it needs {caller_name}, "
            f"{{caller_first_name}} or {{caller_last_name}}; expected e.g. {PERSONAL_EXAMPLE!r}"
        )
    _fills(template, _LONGEST_SAMPLE)
    return template
