"""Practice callers: scenarios as data (``data/scenarios/*.toml``), validated on load.

A scenario is what a trainer needs to play a caller in front of a class: who the
caller is (the persona, created in the demo database before the call), what is
already on record for them (the history), the opening line, the answers to the
questions an analyst should ask, the script the trainer advances line by line,
the lines that react to what the analyst does (a hold, a warning, a call-back
offer…), and what a good analyst would end up doing (the expected outcome and
the triggers that should be noticed). The scorecard
(:mod:`deskcli.services.training.scorecard`) checks the practice call against it.

An office may add its own scenarios in ``scenario_dir`` (a file of the same name
replaces the shipped one). A broken file is a :class:`~deskcli.core.errors.DataFileError`
naming the file and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from deskcli.config import datafiles
from deskcli.config.datafiles import LocalTime
from deskcli.config.datafiles import Strict as _Strict
from deskcli.core.enums import CallStatus, CommitmentKind, EscalationType, EventKind, Urgency
from deskcli.core.errors import DataFileError, NotFound

if TYPE_CHECKING:
    from deskcli.services.rules.policy import Policies

SCENARIO_FOLDER = "scenarios"

_DURATION = re.compile(r"^\s*(\d{1,7}(?:\.\d{1,3})?)\s*(m|min|h|d)\s*$")
_DURATION_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400}

MAX_AGO_S = 5 * 366 * 86400
"""The history reaches back at most five years (what the demo's dates and the clock can place)."""

LINE = 2000
"""Characters in one line the caller says (the panel shows it in one piece)."""


def duration_seconds(text: str) -> int:
    """``"90m"``, ``"7h"``, ``"2d"`` → seconds (the scenario files' way of saying how long ago)."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"expected a duration like 90m, 7h or 2d, found {text!r}")
    return int(float(match.group(1)) * _DURATION_UNITS[match.group(2)])


def _ago(text: str) -> str:
    """A duration ago that the practice set-up can place: a minute to five years."""
    seconds = duration_seconds(text)
    if not 60 <= seconds <= MAX_AGO_S:
        raise ValueError(f"{text!r}: expected between 1m and {MAX_AGO_S // 86400}d ago")
    return text


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("required, and was left blank")
    return value


class Persona(_Strict):
    """The caller as the analyst will meet them (created as a customer in the demo database).

    Every field is checked as the customer record it becomes (the limits are those of
    ``CustomerBase``; ``tests/test_scenario_fuzz.py`` holds them to each other).
    """

    name: str = Field(min_length=1, max_length=160)
    pronunciation: str = Field(default="", max_length=200)
    """How to say the name (shown to the trainer, checked by the analyst)."""
    spelling: str = Field(default="", max_length=200)
    """How the caller spells the name when asked."""
    organisation: str = Field(min_length=1, max_length=160)
    department: str = Field(default="", max_length=160)
    job_title: str = Field(default="", max_length=120)
    email: str = Field(default="", max_length=254)
    phone: str = Field(min_length=3, max_length=64)
    """The number the phone system shows: the practice call starts with this caller id."""
    vip: bool = False
    executive: bool = False
    abusive_history: bool = False
    """Flag the customer record as having crossed the line before (abuse protocol)."""
    mood: str = Field(default="", max_length=200)
    """A word for the trainer on how to play them: calm, hurried, angry…"""
    notes: str = Field(default="", max_length=5000)
    """Customer notes already on record."""

    _names_ok = field_validator("name", "organisation")(_not_blank)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        from deskcli.services.lookup.email_rule import email_problem

        problem = email_problem(value.strip()) if value.strip() else None
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        from deskcli.config.launch import looks_like_phone

        if not looks_like_phone(value.strip()):
            raise ValueError(f"{value!r} is not a phone number (digits, spaces and + - ( ) . / only, at least three digits)")
        return value


class PastPromise(_Strict):
    """A promise already made on a past call (e.g. the call-back that was missed)."""

    kind: CommitmentKind = CommitmentKind.CALLBACK
    description: str = Field(min_length=1, max_length=300)
    """Stored as the promise's description (300 characters)."""
    due: str
    """When it was due, as a time ago: ``"3h"`` (overdue by three hours)."""
    outcome: Literal["pending", "kept_on_time", "missed"] = "pending"

    @field_validator("due")
    @classmethod
    def _due_ok(cls, value: str) -> str:
        seconds = duration_seconds(value)
        if seconds > MAX_AGO_S:
            raise ValueError(f"{value!r}: expected at most {MAX_AGO_S // 86400}d ago")
        return value


class PastCall(_Strict):
    """A call already on record for the persona before the practice call."""

    summary: str = Field(min_length=1, max_length=500)
    """Stored as the call's summary (500 characters)."""
    category: str | None = Field(default=None, max_length=64)
    """A category key of the categories policy (checked against it with the routes)."""
    opened: str
    """How long before the practice call it was opened: ``"26h"``, ``"3d"``."""
    status: CallStatus = CallStatus.CLOSED
    urgency: Urgency | None = None
    priority: int | None = Field(default=None, ge=1, le=4)
    resolution: str = Field(default="", max_length=5000)
    escalated_to: str | None = Field(default=None, max_length=64)
    """A route key of the escalation policy when the past call was escalated."""
    promise: PastPromise | None = None

    _opened_ok = field_validator("opened")(_ago)
    _summary_ok = field_validator("summary")(_not_blank)

    @model_validator(mode="after")
    def _consistent(self) -> PastCall:
        if self.status == CallStatus.ESCALATED and not self.escalated_to:
            raise ValueError("an escalated past call needs escalated_to (a route key)")
        if self.status == CallStatus.CLOSED and not self.resolution.strip():
            raise ValueError("a closed past call needs its resolution")
        if self.promise is not None and duration_seconds(self.promise.due) >= duration_seconds(self.opened):
            raise ValueError(
                f"promise.due: {self.promise.due} ago is not after the call was opened ({self.opened} ago); "
                "a promise is always due after it was made"
            )
        return self


class Answer(_Strict):
    """What the caller says when the analyst asks about something."""

    ask: str = Field(min_length=1, max_length=200)
    """The question, as the trainer will recognise it: "name and spelling", "since when"."""
    say: str = Field(min_length=1, max_length=LINE)


class ScriptLine(_Strict):
    """A line the trainer advances to (F10): the caller moves the call on."""

    say: str = Field(min_length=1, max_length=LINE)
    hint: str = Field(default="", max_length=LINE)
    """What a good analyst does next (shown on the presenter layout, not read out)."""
    stage: str | None = None
    """The stage this line belongs to, if it matters (``assessment``…)."""


REACTION_TRIGGERS: dict[str, Callable[[str, Mapping[str, Any]], bool]] = {
    "greeted": lambda kind, _p: kind == EventKind.GREETED,
    "name_confirmed": lambda kind, _p: kind == EventKind.NAME_CONFIRMED,
    "acknowledged": lambda kind, _p: kind == EventKind.ACKNOWLEDGED,
    "apologised": lambda kind, _p: kind == EventKind.APOLOGISED,
    "complaint_logged": lambda kind, _p: kind == EventKind.COMPLAINT_LOGGED,
    "hold_started": lambda kind, _p: kind == EventKind.HOLD_STARTED,
    "hold_ended": lambda kind, _p: kind == EventKind.HOLD_ENDED,
    "long_hold": lambda kind, p: kind == EventKind.HOLD_ENDED and bool(p.get("long")),
    "warning_1": lambda kind, p: kind == EventKind.WARNING_GIVEN and p.get("number") == 1,
    "warning_2": lambda kind, p: kind == EventKind.WARNING_GIVEN and p.get("number") == 2,
    "transferred": lambda kind, _p: kind == EventKind.TRANSFERRED,
    "disconnected": lambda kind, _p: kind == EventKind.DISCONNECTED,
    "article_used": lambda kind, _p: kind == EventKind.ARTICLE_USED,
    "escalated": lambda kind, _p: kind == EventKind.ESCALATED,
    "callback_offered": lambda kind, p: kind == EventKind.COMMITMENT_MADE and p.get("kind") == CommitmentKind.CALLBACK,
    "promise_made": lambda kind, _p: kind == EventKind.COMMITMENT_MADE,
    "resolved": lambda kind, _p: kind == EventKind.RESOLVED,
    "customer_agreed": lambda kind, _p: kind == EventKind.CUSTOMER_AGREED,
    "customer_declined": lambda kind, _p: kind == EventKind.CUSTOMER_DECLINED,
    "closed": lambda kind, _p: kind == EventKind.CLOSED,
    "contact_logged": lambda kind, _p: kind == EventKind.CONTACT_LOGGED,
}
"""What a reaction may answer: each name is matched against the practice call's events."""


class Reaction(_Strict):
    """A line the caller says when the analyst does something (shown as it happens)."""

    on: str
    """One of :data:`REACTION_TRIGGERS`: ``hold_started``, ``warning_1``, ``callback_offered``…"""
    say: str = Field(min_length=1, max_length=LINE)

    @field_validator("on")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in REACTION_TRIGGERS:
            raise ValueError(f"unknown reaction {value!r}; expected one of: {', '.join(REACTION_TRIGGERS)}")
        return value


class Expected(_Strict):
    """What a good analyst ends up doing on this call (the scorecard's answer key)."""

    outcome: Literal["resolve", "escalate", "transfer"]
    """Resolve on the call; escalate (route and type below); or transfer an abusive caller to a manager."""
    route: str | None = None
    """For ``escalate``: the route key in the escalation policy."""
    type: EscalationType | None = None
    """For ``escalate``: functional or hierarchical."""
    article: str | None = None
    """The knowledge article (slug) that holds the fix, when a known fix exists."""
    triggers: list[str] = Field(default_factory=list)
    """Escalation triggers (policy keys) that hold and should be noticed."""
    complaint: bool = False
    """The call is a complaint: apologise, empathise, agree the steps."""
    complaint_valid: bool | None = None
    callback: bool = False
    """A call-back should be offered (instead of a long hold, or a missed one made good)."""
    existing_call: bool = False
    """The caller is chasing an open call: the analyst should take it up there (progress call)."""
    agrees_to_close: bool | None = None
    """Whether the caller agrees, at the end of this call, that it can be closed. Default:
    yes when it is resolved on the call, no when it is escalated or transferred. The
    scorecard fails an agreement recorded that the caller never gave."""

    @property
    def caller_agrees(self) -> bool:
        """The caller's answer to "may we close the call?" in this scenario."""
        return self.outcome == "resolve" if self.agrees_to_close is None else self.agrees_to_close

    @model_validator(mode="after")
    def _routes(self) -> Expected:
        if self.outcome == "escalate" and (self.route is None or self.type is None):
            raise ValueError("an escalate outcome needs route and type")
        if self.outcome != "escalate" and (self.route is not None or self.type is not None):
            raise ValueError(f"route and type belong to an escalate outcome, not {self.outcome!r}")
        return self


class Scenario(_Strict):
    """One practice caller."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    """The file name without ``.toml`` and any ``NN-`` ordering prefix (set by the loader):
    ``deskcli train KEY``."""
    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(default="", max_length=LINE)
    """For the trainer: what the scenario practises."""
    practises: list[str] = Field(default_factory=list)
    """Which seeds' practice it covers (shown in the list)."""
    call_time: LocalTime | None = None
    """Local time of day the practice call starts at (e.g. 16:40 so an SLA is about to breach)."""
    persona: Persona
    history: list[PastCall] = Field(default_factory=list, max_length=50)
    opening: str = Field(min_length=1, max_length=LINE)
    """The caller's first words after the greeting."""
    answers: list[Answer] = Field(min_length=1)
    script: list[ScriptLine] = Field(default_factory=list)
    reactions: list[Reaction] = Field(default_factory=list)
    expected: Expected

    def reactions_to(self, kind: str, payload: Mapping[str, Any]) -> list[Reaction]:
        """The caller's lines that answer this event."""
        return [reaction for reaction in self.reactions if REACTION_TRIGGERS[reaction.on](kind, payload)]


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario and the file it came from (for messages)."""

    scenario: Scenario
    source: str


def _parse(file: datafiles.DataFile) -> Scenario:
    data = datafiles.parse_toml(file)
    # "01-printer-offline.toml" is listed first and played as "printer-offline".
    key = re.sub(r"^\d+-", "", Path(file.name).stem)
    if "key" in data:
        raise DataFileError(f"{file.name}: field key: set by the file name, remove it from the file.")
    data["key"] = key
    return datafiles.validate(Scenario, data, file)


def _files(override_dir: Path | None) -> Iterable[datafiles.DataFile]:
    shipped = {Path(file.name).name: file for file in datafiles.iter_folder(SCENARIO_FOLDER, ".toml")}
    if override_dir is not None and override_dir.is_dir():
        for path in sorted(override_dir.glob("*.toml")):
            try:
                shipped[path.name] = datafiles.DataFile(str(path), path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise DataFileError(f"{path}: cannot be read ({exc}).") from None
    return [shipped[name] for name in sorted(shipped)]


def load_scenarios(override_dir: Path | None = None) -> list[Scenario]:
    """Every scenario (shipped, replaced or added by the office's folder), by key."""
    return [_parse(file) for file in _files(override_dir)]


def load_scenario_file(path: Path) -> Scenario:
    """One scenario file from anywhere (``deskcli scenarios check FILE``)."""
    try:
        file = datafiles.DataFile(str(path), path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot be read ({exc}).") from None
    return _parse(file)


def get_scenario(key: str, override_dir: Path | None = None) -> Scenario:
    """The scenario with this key (file name), or :class:`NotFound` listing the known ones."""
    scenarios = load_scenarios(override_dir)
    for scenario in scenarios:
        if scenario.key == key:
            return scenario
    known = ", ".join(scenario.key for scenario in scenarios)
    raise NotFound(f"scenario {key!r}: no such practice caller.", f"Known scenarios: {known}.")


def problems_with(scenario: Scenario, policies: Policies, article_slugs: Iterable[str] | None = None) -> list[str]:
    """:func:`check_against_policies` against a loaded ``Policies`` (routes, triggers, categories)."""
    return check_against_policies(
        scenario,
        [route.key for route in policies.escalation.routes],
        [trigger.key for trigger in policies.escalation.triggers],
        article_slugs,
        [category.key for category in policies.categories.categories],
    )


def check_against_policies(
    scenario: Scenario,
    route_keys: Iterable[str],
    trigger_keys: Iterable[str],
    article_slugs: Iterable[str] | None,
    category_keys: Iterable[str] | None = None,
) -> list[str]:
    """Problems between a scenario and the policies/knowledge it names (empty when consistent).

    ``article_slugs`` or ``category_keys`` left ``None`` are not checked.
    """
    routes, triggers = set(route_keys), set(trigger_keys)
    problems = []
    expected = scenario.expected
    if expected.route is not None and expected.route not in routes:
        problems.append(f"expected.route: {expected.route!r} is not a route of the escalation policy")
    for key in expected.triggers:
        if key not in triggers:
            problems.append(f"expected.triggers: {key!r} is not a trigger of the escalation policy")
    if article_slugs is not None and expected.article is not None and expected.article not in set(article_slugs):
        problems.append(f"expected.article: no knowledge article {expected.article!r}")
    categories = set(category_keys) if category_keys is not None else None
    for index, past in enumerate(scenario.history):
        if past.escalated_to is not None and past.escalated_to not in routes:
            problems.append(f"history.{index}.escalated_to: {past.escalated_to!r} is not a route")
        if categories is not None and past.category is not None and past.category not in categories:
            problems.append(f"history.{index}.category: {past.category!r} is not a category of the categories policy")
    return [f"{scenario.key}: {problem}" for problem in problems]
