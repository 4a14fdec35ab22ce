"""Policies: the office's rules as data (``data/policies/*.toml``), validated on load.

The shipped files carry the seeds' practice: the greeting, the escalation triggers
and routes, and the questions asked per category. An office replaces any file by
putting its own copy in ``policy_dir``.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from deskcli import datafiles
from deskcli.models import EscalationType


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


GREETING_FIELDS = {"time_of_day", "analyst_name", "department", "organisation"}
"""Placeholders a greeting template may use."""


class GreetingPolicy(_Strict):
    """The greeting script (seed: "The Greeting": never just "Hello")."""

    template: str = Field(min_length=10)
    """E.g. ``Good {time_of_day}, {analyst_name}, {department}. How may I help you today?``"""
    morning_from: time = time(0, 0)
    afternoon_from: time = time(12, 0)
    evening_from: time = time(18, 0)

    @field_validator("template")
    @classmethod
    def _well_formed(cls, value: str) -> str:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"not a valid template: {exc}") from None
        unknown = names - GREETING_FIELDS
        if unknown:
            raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}}; allowed: {', '.join(sorted(GREETING_FIELDS))}")
        missing = {"time_of_day", "analyst_name"} - names
        if missing:
            raise ValueError(
                "a greeting must open with the time of day and the analyst's name "
                f"(missing {{{sorted(missing)[0]}}})"
            )
        return value


class RouteTier(_Strict):
    """Who takes an escalation at one tier of a route."""

    tier: int = Field(ge=1, le=9)
    receiver: str = Field(min_length=1)
    contact: str = ""
    usual_time_to_fix: str = ""


class Route(_Strict):
    """An escalation route (seed 000: senior staff, experts, customer services …)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    type: EscalationType
    description: str = ""
    tiers: list[RouteTier] = Field(min_length=1)

    def tier(self, number: int) -> RouteTier | None:
        """The tier with this number, if the route has it."""
        return next((tier for tier in self.tiers if tier.tier == number), None)


class Trigger(_Strict):
    """A situation that warrants escalation, with the reason the seeds give."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    source: str = Field(pattern=r"^(computed|analyst)$")
    """``computed`` from the call's data, or ``analyst`` (ticked by the analyst)."""
    suggests_type: EscalationType
    suggests_route: str
    start_tier: int = Field(default=2, ge=1, le=9)
    """Some situations start at tier 2 or 3 by their gravity (seed 004)."""
    seed: str = ""
    """Which seed document the rule comes from."""


class EscalationPolicy(_Strict):
    """Triggers, routes and the close target for escalations."""

    close_target_days: int = Field(default=30, ge=1)
    """Escalations open longer than this are flagged (seed 004: within 30 days)."""
    routes: list[Route] = Field(min_length=1)
    triggers: list[Trigger] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> EscalationPolicy:
        keys = [route.key for route in self.routes]
        duplicates = {key for key in keys if keys.count(key) > 1}
        if duplicates:
            raise ValueError(f"route key {sorted(duplicates)[0]!r} is used twice")
        for trigger in self.triggers:
            if trigger.suggests_route not in keys:
                raise ValueError(
                    f"trigger {trigger.key!r} suggests route {trigger.suggests_route!r}, "
                    f"which is not one of the routes ({', '.join(keys)})"
                )
        return self

    def route(self, key: str) -> Route | None:
        """The route with this key, if any."""
        return next((route for route in self.routes if route.key == key), None)

    def trigger(self, key: str) -> Trigger | None:
        """The trigger with this key, if any."""
        return next((trigger for trigger in self.triggers if trigger.key == key), None)


class Category(_Strict):
    """A problem category and the questions to ask the caller about it."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    questions: list[str] = Field(min_length=1)


class CategoryPolicy(_Strict):
    """The categories offered in assessment."""

    categories: list[Category] = Field(min_length=1)

    def get(self, key: str) -> Category | None:
        """The category with this key, if any."""
        return next((category for category in self.categories if category.key == key), None)


@dataclass(frozen=True)
class Policies:
    """Every policy file, loaded and validated."""

    greeting: GreetingPolicy
    escalation: EscalationPolicy
    categories: CategoryPolicy


def load_policies(override_dir: Path | None = None) -> Policies:
    """Load the policies, preferring the office's copies in ``override_dir``."""
    return Policies(
        greeting=datafiles.load_toml_model(GreetingPolicy, "policies/greeting.toml", override_dir),
        escalation=datafiles.load_toml_model(EscalationPolicy, "policies/escalation.toml", override_dir),
        categories=datafiles.load_toml_model(CategoryPolicy, "policies/categories.toml", override_dir),
    )
