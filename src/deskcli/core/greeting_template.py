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
import string
from collections.abc import Callable, Mapping, Sequence

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


def fill_template(template: str, **values: str) -> str:
    """The template with its placeholders filled, on one line (spaces collapsed)."""
    return " ".join(template.format(**values).split())


def _placeholders(template: str, allowed: Sequence[str], *, example: str) -> set[str]:
    """The placeholders ``template`` uses, or ``ValueError`` naming the first that cannot be filled."""
    if len(template) > MAX_TEMPLATE:
        raise ValueError(f"a greeting template is at most {MAX_TEMPLATE} characters (this one has {len(template)})")
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(
            f"not a valid template: {exc} (write a literal brace as {{{{ or }}}}; expected e.g. {example!r})"
        ) from None
    names = set()
    listed = ", ".join("{" + name + "}" for name in allowed)
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed:
            hint = ""
            if "caller_name" not in allowed and any(word in name for word in ("name", "caller", "customer")):
                hint = " (the caller is not known yet when the opening greeting is said: their name goes in the greeting policy's personal line, `identified`)"
            raise ValueError(f"unknown placeholder {{{name}}}; allowed: {listed}{hint}")
        if spec or conversion:
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"{written}: a placeholder takes no format or conversion; write {{{name}}}")
        names.add(name)
    return names


def _fills(template: str, sample: Mapping[str, str]) -> None:
    try:
        fill_template(template, **sample)
    except (ValueError, KeyError, IndexError, AttributeError) as exc:  # the checks before should leave none
        raise ValueError(f"the template cannot be filled in: {exc}") from None


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
