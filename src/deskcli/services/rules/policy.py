"""Policies: the office's rules as data (``data/policies/*.toml``), validated on load.

The shipped files carry the seeds' practice: the greeting, the escalation triggers
and routes, and the questions asked per category. An office replaces any file by
putting its own copy in ``policy_dir``.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from deskcli.config import datafiles
from deskcli.services.timekeeping.business_time import BusinessCalendar, Range
from deskcli.models import EscalationType


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


GREETING_FIELDS = {"time_of_day", "analyst_name", "department", "organisation"}
"""Placeholders a greeting template may use."""


def _holiday_countries() -> set[str]:
    """Country codes the ``holidays`` package knows (from the cached catalogue).

    Asking the package itself imports every country's module: ~12 MB of memory in the
    console for a one-line check (see :mod:`deskcli.services.timekeeping.public_holidays`).
    """
    from deskcli.services.timekeeping import public_holidays

    return set(public_holidays.catalogue())


def _holiday_subdivisions(country: str) -> tuple[str, ...]:
    """Subdivision codes (and their aliases) of one country."""
    from deskcli.services.timekeeping import public_holidays

    return public_holidays.catalogue().get(country, ())


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
    hotkey: str = Field(default="", pattern=r"^[a-z0-9]?$")
    """The key that picks it on the assessment (one letter or digit; default: the first of ``key``)."""

    @property
    def pick_key(self) -> str:
        """The key that picks this category."""
        return self.hotkey or self.key[0]


class CategoryPolicy(_Strict):
    """The categories offered in assessment."""

    categories: list[Category] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys_differ(self) -> CategoryPolicy:
        seen: dict[str, str] = {}
        for category in self.categories:
            if category.hotkey and category.hotkey in seen:
                raise ValueError(
                    f"categories: {category.key!r} and {seen[category.hotkey]!r} both have hotkey {category.hotkey!r}; "
                    "expected a different letter or digit for each"
                )
            if category.hotkey:
                seen[category.hotkey] = category.key
        return self

    def get(self, key: str) -> Category | None:
        """The category with this key, if any."""
        return next((category for category in self.categories if category.key == key), None)


class HoldPolicy(_Strict):
    """Limits on holds (seed 002: not too often, not too long)."""

    warn_after_seconds: int = Field(default=60, ge=5)
    offer_callback_after_seconds: int = Field(default=120, ge=5)
    max_holds_per_call: int = Field(default=2, ge=1)


class FollowUpPolicy(_Strict):
    """When the relationship follow-up call is scheduled by default."""

    business_days_after: int = Field(default=1, ge=0, le=30)
    at: time = time(10, 0)


class ReminderPolicy(_Strict):
    """How promises coming due are announced while deskcli runs."""

    notify_ahead_minutes: int = Field(default=10, ge=0, le=24 * 60)
    check_every_seconds: int = Field(default=15, ge=1, le=3600)


class CallHandlingPolicy(_Strict):
    """Holds, follow-up and reminders."""

    hold: HoldPolicy = HoldPolicy()
    follow_up: FollowUpPolicy = FollowUpPolicy()
    reminders: ReminderPolicy = ReminderPolicy()


class AbusePolicy(_Strict):
    """The exact lines of the abusive-caller protocol (seed 002)."""

    warning_1: str = Field(min_length=5)
    warning_2: str = Field(min_length=5)
    transfer: str = Field(min_length=5)
    disconnect: str = Field(min_length=5)
    manager_note_prompt: str = Field(min_length=5)


class ImpactRules(_Strict):
    """When the impact of a problem counts as high or medium."""

    high_when_people_at_least: int = Field(default=10, ge=1)
    high_when_departments_at_least: int = Field(default=2, ge=1)
    high_business_impacts: list[str] = ["severe"]
    high_when_security: bool = True
    medium_when_people_at_least: int = Field(default=2, ge=1)
    medium_business_impacts: list[str] = ["significant"]
    medium_when_executive: bool = True


_LEVELS = ("high", "medium", "low")


class PriorityPolicy(_Strict):
    """Priority from impact and urgency."""

    impact: ImpactRules = ImpactRules()
    matrix: dict[str, dict[str, int]]

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
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)

    @field_validator("when")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in PROMPT_WHEN:
            raise ValueError(f"unknown situation {value!r}; expected one of {', '.join(sorted(PROMPT_WHEN))}")
        return value


class PromptPolicy(_Strict):
    """The prompts file."""

    prompts: list[Prompt] = Field(min_length=1)


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SlaTarget(_Strict):
    """Response and resolution targets for one priority."""

    priority: int = Field(ge=1, le=4)
    response_minutes: int = Field(gt=0)
    resolution_minutes: int = Field(gt=0)
    clock: str = Field(default="business", pattern=r"^(business|24x7)$")
    """``business`` counts opening hours only; ``24x7`` counts every minute."""


class SlaPolicy(_Strict):
    """Service levels, opening hours, holidays and pauses."""

    holiday_country: str | None = "GB"
    holiday_subdivision: str | None = None
    office_closed_days: list[date] = []
    warning_percent: int = Field(default=75, ge=1, le=99)
    pause_statuses: list[str] = ["awaiting_confirmation"]
    default_priority: int = Field(default=3, ge=1, le=4)
    hours: dict[str, list[str]]
    targets: list[SlaTarget] = Field(min_length=1)

    @field_validator("hours")
    @classmethod
    def _opening_hours(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(_DAYS)
        if unknown:
            raise ValueError(f"unknown day {sorted(unknown)[0]!r}; expected {', '.join(_DAYS)}")
        any_open = False
        for day, spans in value.items():
            last_end = -1
            for span in spans:
                start, end = _span(span, day)
                if start < last_end:
                    raise ValueError(f"hours.{day}: {span!r} overlaps or is out of order")
                last_end = end
                any_open = True
        if not any_open:
            raise ValueError("the desk must be open at some time in the week")
        return value

    @field_validator("holiday_country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value:
            if value not in _holiday_countries():
                raise ValueError(f"unknown holiday country {value!r}; expected a code such as GB, US, DE")
        return value

    @field_validator("pause_statuses")
    @classmethod
    def _known_statuses(cls, value: list[str]) -> list[str]:
        from deskcli.core.enums import CallStatus

        known = {status.value for status in CallStatus}
        unknown = [status for status in value if status not in known]
        if unknown:
            raise ValueError(f"unknown status {unknown[0]!r}; expected one of {', '.join(sorted(known))}")
        return value

    @model_validator(mode="after")
    def _known_subdivision(self) -> SlaPolicy:
        if not self.holiday_subdivision:
            return self
        if not self.holiday_country:
            raise ValueError("holiday_subdivision is set without a holiday_country")
        known = _holiday_subdivisions(self.holiday_country)
        if self.holiday_subdivision not in known:
            raise ValueError(
                f"holiday_subdivision: unknown subdivision {self.holiday_subdivision!r} for {self.holiday_country}; "
                f"expected one of {', '.join(known) or '(none)'}"
            )
        return self

    @model_validator(mode="after")
    def _all_priorities(self) -> SlaPolicy:
        given = sorted(target.priority for target in self.targets)
        if given != sorted(set(given)):
            raise ValueError("targets: a priority is listed twice")
        if self.default_priority not in given:
            raise ValueError(f"default_priority {self.default_priority} has no target")
        return self

    def target(self, priority: int | None) -> SlaTarget:
        """The target for ``priority`` (the default priority when not set yet)."""
        wanted = priority or self.default_priority
        for target in self.targets:
            if target.priority == wanted:
                return target
        return next(target for target in self.targets if target.priority == self.default_priority)

    def calendar(self, zone: ZoneInfo) -> BusinessCalendar:
        """The office's business calendar in ``zone``."""
        weekly = {
            index: tuple(Range(*_span(span, day)) for span in self.hours.get(day, []))
            for index, day in enumerate(_DAYS)
        }
        return BusinessCalendar(
            zone,
            weekly,
            closed_days=set(self.office_closed_days),
            country=self.holiday_country or None,
            subdivision=self.holiday_subdivision or None,
        )


def _span(text: str, day: str) -> tuple[int, int]:
    """``"08:00-12:30"`` as minutes from midnight; ``24:00`` is allowed as an end."""
    try:
        start_text, end_text = text.split("-")
        start_h, start_m = (int(part) for part in start_text.strip().split(":"))
        end_h, end_m = (int(part) for part in end_text.strip().split(":"))
    except ValueError:
        raise ValueError(f"hours.{day}: {text!r} is not a range like 08:00-12:30") from None
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if not (0 <= start < 1440 and 0 < end <= 1440 and start_m < 60 and end_m < 60 and start < end):
        raise ValueError(f"hours.{day}: {text!r} is not a range within one day (00:00-24:00)")
    return start, end


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


def load_policies(override_dir: Path | None = None) -> Policies:
    """Load the policies, preferring the office's copies in ``override_dir``."""

    def load(model, name):  # noqa: ANN001, ANN202
        return datafiles.load_toml_model(model, f"policies/{name}.toml", override_dir)

    return Policies(
        greeting=load(GreetingPolicy, "greeting"),
        escalation=load(EscalationPolicy, "escalation"),
        categories=load(CategoryPolicy, "categories"),
        call_handling=load(CallHandlingPolicy, "call_handling"),
        abuse=load(AbusePolicy, "abuse"),
        priority=load(PriorityPolicy, "priority"),
        prompts=load(PromptPolicy, "prompts"),
        sla=load(SlaPolicy, "sla"),
    )
