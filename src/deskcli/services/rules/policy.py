"""Policies: the office's rules as data (``data/policies/*.toml``), validated on load.

The shipped files carry the seeds' practice: the greeting, the escalation triggers
and routes, and the questions asked per category. An office replaces any file by
putting its own copy in ``policy_dir``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from pydantic import Field, StrictInt, field_validator, model_validator

from deskcli.config import datafiles
from deskcli.config.datafiles import LocalTime
from deskcli.config.datafiles import Strict as _Strict
from deskcli.core.enums import BusinessImpact, EscalationType
from deskcli.services.rules.call_back_policy import CallBackPolicy
from deskcli.services.rules.greeting_policy import GREETING_FIELDS, GreetingPolicy, check_template
from deskcli.services.rules.sla_policy import SlaPolicy, SlaTarget

__all__ = [
    "GREETING_FIELDS", "AbusePolicy", "CallBackPolicy", "CallHandlingPolicy", "CategoryPolicy", "EscalationPolicy", "GreetingPolicy",
    "Policies", "PriorityPolicy", "PromptPolicy", "SlaPolicy", "SlaTarget", "check_template", "load_policies",
    "load_policy_file",
]

_KEY = r"^[a-z][a-z0-9_]*$"
"""Keys are stored on calls and escalations (at most 64 characters there)."""


class RouteTier(_Strict):
    """Who takes an escalation at one tier of a route."""

    tier: int = Field(ge=1, le=9)
    receiver: str = Field(min_length=1, max_length=200)
    """Stored as the escalation's receiver (200 characters)."""
    contact: str = Field(default="", max_length=200)
    usual_time_to_fix: str = Field(default="", max_length=120)
    """Proposed as the escalation's time to fix (120 characters)."""


class Route(_Strict):
    """An escalation route (seed 000: senior staff, experts, customer services …)."""

    key: str = Field(pattern=_KEY, max_length=64)
    label: str = Field(min_length=1, max_length=200)
    type: EscalationType
    description: str = Field(default="", max_length=2000)
    tiers: list[RouteTier] = Field(min_length=1, max_length=9)

    @field_validator("tiers")
    @classmethod
    def _distinct_tiers(cls, value: list[RouteTier]) -> list[RouteTier]:
        numbers = [tier.tier for tier in value]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"a tier number is listed twice ({', '.join(map(str, numbers))})")
        return value

    def tier(self, number: int) -> RouteTier | None:
        """The tier with this number, if the route has it."""
        return next((tier for tier in self.tiers if tier.tier == number), None)


class Trigger(_Strict):
    """A situation that warrants escalation, with the reason the seeds give."""

    key: str = Field(pattern=_KEY, max_length=64)
    label: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    source: str = Field(pattern=r"^(computed|analyst)$")
    """``computed`` from the call's data, or ``analyst`` (ticked by the analyst)."""
    suggests_type: EscalationType
    suggests_route: str = Field(max_length=64)
    start_tier: int = Field(default=2, ge=1, le=9)
    """Some situations start at tier 2 or 3 by their gravity (seed 004)."""
    seed: str = Field(default="", max_length=200)
    """Which seed document the rule comes from."""
    suggests_cause: str = Field(default="", max_length=64)
    """The cause of escalation this trigger points to, when one follows clearly (or none)."""


class Cause(_Strict):
    """Why a call had to be escalated (seed 003: the agent's lack of experience or
    training, low operational efficiency, the customer's dissatisfaction with a product
    or service, security, a tier that can better assist)."""

    key: str = Field(pattern=_KEY, max_length=64)
    """Stored as the escalation's cause (64 characters)."""
    label: str = Field(min_length=1, max_length=200)
    hotkey: str = Field(default="", pattern=r"^[a-z0-9]?$")
    """The key that picks it on the escalate pane (one letter or digit; default: the first of ``key``)."""
    seed: str = Field(default="", max_length=200)

    @property
    def pick_key(self) -> str:
        """The key that picks this cause."""
        return self.hotkey or self.key[0]


class EscalationPolicy(_Strict):
    """Triggers, routes and the close target for escalations."""

    close_target_days: int = Field(default=30, ge=1, le=3650)
    """Escalations open longer than this are flagged (seed 004: within 30 days)."""
    routes: list[Route] = Field(min_length=1)
    triggers: list[Trigger] = Field(min_length=1)
    causes: list[Cause] = Field(min_length=1)
    """Why a call is escalated: every escalation names one (seed 003)."""

    @model_validator(mode="after")
    def _consistent(self) -> EscalationPolicy:
        keys = [route.key for route in self.routes]
        duplicates = {key for key in keys if keys.count(key) > 1}
        if duplicates:
            raise ValueError(f"route key {sorted(duplicates)[0]!r} is used twice")
        triggers = [trigger.key for trigger in self.triggers]
        twice = {key for key in triggers if triggers.count(key) > 1}
        if twice:
            raise ValueError(f"trigger key {sorted(twice)[0]!r} is used twice")
        for trigger in self.triggers:
            if trigger.suggests_route not in keys:
                raise ValueError(
                    f"trigger {trigger.key!r} suggests route {trigger.suggests_route!r}, "
                    f"which is not one of the routes ({', '.join(keys)})"
                )
        self._consistent_causes()
        return self

    def _consistent_causes(self) -> None:
        keys = [cause.key for cause in self.causes]
        twice = {key for key in keys if keys.count(key) > 1}
        if twice:
            raise ValueError(f"cause key {sorted(twice)[0]!r} is used twice")
        picked: dict[str, str] = {}
        for cause in self.causes:
            if cause.pick_key in picked:
                raise ValueError(
                    f"causes {cause.key!r} and {picked[cause.pick_key]!r} are both picked by {cause.pick_key!r}; "
                    "give one of them a hotkey of its own"
                )
            picked[cause.pick_key] = cause.key
        for trigger in self.triggers:
            if trigger.suggests_cause and trigger.suggests_cause not in keys:
                raise ValueError(
                    f"trigger {trigger.key!r} suggests cause {trigger.suggests_cause!r}, "
                    f"which is not one of the causes ({', '.join(keys)})"
                )

    def route(self, key: str) -> Route | None:
        """The route with this key, if any."""
        return next((route for route in self.routes if route.key == key), None)

    def trigger(self, key: str) -> Trigger | None:
        """The trigger with this key, if any."""
        return next((trigger for trigger in self.triggers if trigger.key == key), None)

    def cause(self, key: str) -> Cause | None:
        """The cause with this key, if any."""
        return next((cause for cause in self.causes if cause.key == key), None)

    def usual_cause(self, route_key: str) -> Cause:
        """The cause the route's triggers suggest first, else the first cause: for escalations
        no analyst chose a cause for (a practice caller's history, the demo)."""
        suggested = next((t.suggests_cause for t in self.triggers if t.suggests_route == route_key and t.suggests_cause), "")
        return self.cause(suggested) or self.causes[0]


class Category(_Strict):
    """A problem category and the questions to ask the caller about it."""

    key: str = Field(pattern=_KEY, max_length=64)
    """Stored as the call's category (64 characters)."""
    label: str = Field(min_length=1, max_length=120)
    questions: list[str] = Field(min_length=1, max_length=50)
    hotkey: str = Field(default="", pattern=r"^[a-z0-9]?$")
    """The key that picks it on the assessment (one letter or digit; default: the first of ``key``)."""

    @property
    def pick_key(self) -> str:
        """The key that picks this category."""
        return self.hotkey or self.key[0]


class CategoryPolicy(_Strict):
    """The categories offered in assessment."""

    categories: list[Category] = Field(min_length=1)

    @field_validator("categories")
    @classmethod
    def _distinct(cls, value: list[Category]) -> list[Category]:
        keys = [category.key for category in value]
        twice = {key for key in keys if keys.count(key) > 1}
        if twice:
            raise ValueError(f"category key {sorted(twice)[0]!r} is used twice")
        hotkeys: dict[str, str] = {}
        for category in value:
            if category.hotkey and category.hotkey in hotkeys:
                raise ValueError(
                    f"categories {category.key!r} and {hotkeys[category.hotkey]!r} both have hotkey "
                    f"{category.hotkey!r}; expected a different letter or digit for each"
                )
            if category.hotkey:
                hotkeys[category.hotkey] = category.key
        return value

    def get(self, key: str) -> Category | None:
        """The category with this key, if any."""
        return next((category for category in self.categories if category.key == key), None)


_DAY_S = 24 * 3600


class HoldPolicy(_Strict):
    """Limits on holds (seed 002: not too often, not too long)."""

    warn_after_seconds: int = Field(default=60, ge=5, le=_DAY_S)
    offer_callback_after_seconds: int = Field(default=120, ge=5, le=_DAY_S)
    max_holds_per_call: int = Field(default=2, ge=1, le=100)


class FollowUpPolicy(_Strict):
    """When the relationship follow-up call is scheduled by default."""

    business_days_after: int = Field(default=1, ge=0, le=30)
    at: LocalTime = time(10, 0)


class ReminderPolicy(_Strict):
    """How promises coming due are announced while deskcli runs."""

    notify_ahead_minutes: int = Field(default=10, ge=0, le=24 * 60)
    check_every_seconds: int = Field(default=15, ge=1, le=3600)


class CallHandlingPolicy(_Strict):
    """Holds, call-backs, follow-up and reminders."""

    hold: HoldPolicy = HoldPolicy()
    call_back: CallBackPolicy = CallBackPolicy()
    follow_up: FollowUpPolicy = FollowUpPolicy()
    reminders: ReminderPolicy = ReminderPolicy()


class AbusePolicy(_Strict):
    """The exact lines of the abusive-caller protocol (seed 002)."""

    warning_1: str = Field(min_length=5, max_length=1000)
    warning_2: str = Field(min_length=5, max_length=1000)
    transfer: str = Field(min_length=5, max_length=1000)
    disconnect: str = Field(min_length=5, max_length=1000)
    manager_note_prompt: str = Field(min_length=5, max_length=1000)


class ImpactRules(_Strict):
    """When the impact of a problem counts as high or medium."""

    high_when_people_at_least: int = Field(default=10, ge=1, le=1_000_000)
    high_when_departments_at_least: int = Field(default=2, ge=1, le=10_000)
    high_business_impacts: list[BusinessImpact] = [BusinessImpact("severe")]
    high_when_security: bool = True
    medium_when_people_at_least: int = Field(default=2, ge=1, le=1_000_000)
    medium_business_impacts: list[BusinessImpact] = [BusinessImpact("significant")]
    medium_when_executive: bool = True


_LEVELS = ("high", "medium", "low")


class PriorityPolicy(_Strict):
    """Priority from impact and urgency."""

    impact: ImpactRules = ImpactRules()
    matrix: dict[str, dict[str, StrictInt]]

    @field_validator("matrix")
    @classmethod
    def _complete(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        for impact in _LEVELS:
            row = value.get(impact)
            if row is None:
                raise ValueError(f"missing matrix.{impact}")
            for urgency in _LEVELS:
                if row.get(urgency) not in (1, 2, 3, 4):
                    raise ValueError(f"matrix.{impact}.{urgency} must be a priority from 1 to 4")
        return value


PROMPT_WHEN = {
    "always", "complaint", "complaint_valid", "complaint_invalid", "escalating", "escalate_suggested",
    "no_solution", "on_hold", "long_hold", "customer_identified", "closing",
}


class Prompt(_Strict):
    """A line of practice to show the analyst when it applies."""

    when: str
    title: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=2000)

    @field_validator("when")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in PROMPT_WHEN:
            raise ValueError(f"unknown situation {value!r}; expected one of {', '.join(sorted(PROMPT_WHEN))}")
        return value


class PromptPolicy(_Strict):
    """The prompts file."""

    prompts: list[Prompt] = Field(min_length=1)


@dataclass(frozen=True)
class Policies:
    """Every policy file, loaded and validated."""

    greeting: GreetingPolicy
    escalation: EscalationPolicy
    categories: CategoryPolicy
    call_handling: CallHandlingPolicy
    abuse: AbusePolicy
    priority: PriorityPolicy
    prompts: PromptPolicy
    sla: SlaPolicy


POLICY_FILES: dict[str, type[_Strict]] = {
    "greeting": GreetingPolicy,
    "escalation": EscalationPolicy,
    "categories": CategoryPolicy,
    "call_handling": CallHandlingPolicy,
    "abuse": AbusePolicy,
    "priority": PriorityPolicy,
    "prompts": PromptPolicy,
    "sla": SlaPolicy,
}
"""Each policy file (``policies/<name>.toml``) and the model that validates it."""


ADDED_LATER = {"escalation": ("causes",)}
"""Tables added to a shipped policy file after offices may have copied it: an older office
copy takes the shipped ones (the escalation causes came with deskcli's issue 13)."""


def load_policy_file(name: str, override_dir: Path | None = None) -> Any:
    """Read and validate one policy file (the office's copy in ``override_dir`` first).

    This is the only way a policy file is read, by ``deskcli policies check`` and at
    start alike, so a file that passes the check loads.
    """
    return datafiles.load_toml_model(POLICY_FILES[name], f"policies/{name}.toml", override_dir,
                                     added_later=ADDED_LATER.get(name, ()))


def load_policies(override_dir: Path | None = None) -> Policies:
    """Load the policies, preferring the office's copies in ``override_dir``."""
    return Policies(**{name: load_policy_file(name, override_dir) for name in POLICY_FILES})
