"""The greeting policy and its template, checked the way they are used.

A template is checked by rendering it once with the longest values the analyst
profile allows, so a template that passes ``deskcli policies check`` (or the
``greeting_template`` setting) can never fail when the phone rings: placeholders are
the four names below, written plainly (``{department}``, never ``{department:%}``,
``{department!z}`` or ``{department.upper}``), and the line stays short enough to read.
"""

from __future__ import annotations

from datetime import time

from pydantic import Field, field_validator, model_validator

from deskcli.config.datafiles import LocalTime, Strict
from deskcli.core.greeting_template import (
    GREETING_FIELDS,
    MAX_TEMPLATE,
    REQUIRED_FIELDS,
    check_template,
    fill_template,
)

__all__ = ["GREETING_FIELDS", "MAX_TEMPLATE", "REQUIRED_FIELDS", "GreetingPolicy", "check_template", "fill_template"]


class GreetingPolicy(Strict):
    """The greeting script (seed: "The Greeting": never just "Hello")."""

    template: str = Field(min_length=10)
    """E.g. ``Good {time_of_day}, {analyst_name}, {department}. How may I help you today?``"""
    morning_from: LocalTime = time(0, 0)
    afternoon_from: LocalTime = time(12, 0)
    evening_from: LocalTime = time(18, 0)

    @field_validator("template")
    @classmethod
    def _template_ok(cls, value: str) -> str:
        return check_template(value)

    @model_validator(mode="after")
    def _in_order(self) -> GreetingPolicy:
        if not self.morning_from < self.afternoon_from < self.evening_from:
            raise ValueError(
                "morning_from, afternoon_from and evening_from must come in that order through the day "
                f"(found {self.morning_from:%H:%M}, {self.afternoon_from:%H:%M}, {self.evening_from:%H:%M})"
            )
        return self
