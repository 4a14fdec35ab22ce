"""The office's call-back policy (``call_handling.toml``, ``[call_back]``).

Seed 003: "Ask them if they'd prefer a call-back instead of waiting on hold" and "If
you know the center has a 24-hour call back policy, let them know that they can
expect a call back within 24 hours." The policy says how soon the desk calls back
(the promise dialog proposes that time) and the words the analyst says, with the
time and the number to ring filled in.

The words are checked the way the greeting is: only ``{time}`` and ``{number}``,
written plainly, and ``{time}`` is required - a caller told "we'll call you back"
without a time has not been told what to expect.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from deskcli.config.datafiles import Strict
from deskcli.core.templates import check_fills, placeholders

CALL_BACK_FIELDS = ("time", "number")
"""Placeholders the call-back words may use."""

MAX_SAY = 300
"""Characters in the words: said in one breath."""

DEFAULT_SAY = "We'll call you back on {number} by {time}."
"""The words when the policy file gives none."""

_LONGEST_SAMPLE = {"time": "Wednesday 30 September at 23:59", "number": "9" * 40}
"""The longest time as :func:`deskcli.core.timefmt.spoken` writes it, and the longest number a promise stores."""


def check_say(template: str) -> str:
    """``template`` when it is usable call-back words, else ``ValueError`` saying what is wrong."""
    names = placeholders(template, CALL_BACK_FIELDS, what="the call-back words", max_length=MAX_SAY)
    if "time" not in names:
        raise ValueError("the call-back words must tell the caller when: put {time} in them")
    check_fills(template, _LONGEST_SAMPLE)
    return template


class CallBackPolicy(Strict):
    """How soon the desk calls back, and what the analyst tells the caller."""

    within_hours: int | None = Field(default=None, ge=1, le=24 * 30)
    """Hours from now the call-back is proposed for, counted on the clock (the seed's "within
    24 hours" is what the caller hears) and kept within the desk's opening hours: when that
    moment falls while the desk is closed, the last open moment before it, or the next
    opening when the desk is closed all that time. Not set: nothing is proposed, the
    analyst says when (as before the policy existed)."""
    say: str = Field(default=DEFAULT_SAY, min_length=5)
    """The words to tell the caller, with ``{time}`` (required) and ``{number}``."""

    @field_validator("say")
    @classmethod
    def _say_ok(cls, value: str) -> str:
        return check_say(value)
