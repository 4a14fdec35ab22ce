"""A policy file that passes ``deskcli policies check`` loads and runs.

For each field of each policy file, hypothesis puts values of every TOML type (and
near-misses of the right one: ``evening_from = 18``, ``{department:%}``, a million
minutes) into the shipped file, then runs the same loader the check and the console
use. A refusal must be a DataFileError naming the file; a file that loads is then
used by its real consumer: the greeting rendered at every hour, SLA due times
computed for every priority, the follow-up scheduled, triggers proposed, priorities
derived. Nothing may raise.
"""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskcli.config import datafiles
from deskcli.core.enums import BusinessImpact, CallStatus, Urgency
from deskcli.core.errors import DataFileError
from deskcli.models import CallImpact
from deskcli.services.lifecycle import abuse, callbacks, followup, greeting, holds
from deskcli.services.rules import priority, prompts, triggers
from deskcli.services.rules.policy import PROMPT_WHEN, load_policy_file
from deskcli.services.timekeeping import sla

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 3, 27, 16, 0, tzinfo=UTC)
"""A Friday afternoon just before the clocks go forward in London."""

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
_SCALARS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    _TEXT,
    st.booleans(),
    st.times(),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
)
ANY_TOML = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=4))
"""Any value a TOML file can hold (one level deep)."""

TIMES = st.one_of(st.times(), st.integers(0, 30), st.from_regex(r"\A[0-9]{1,2}:[0-9]{1,2}(:[0-9]{2})?\Z"))
TEMPLATES = st.lists(
    st.one_of(
        st.sampled_from([
            "{time_of_day}", "{analyst_name}", "{department}", "{organisation}", "Good ", ", ", " How may I help?",
            "{", "}", "{{", "}}", "{department:%}", "{department!z}", "{department!r}", "{analyst_name:>9}",
            "{department.upper}", "{department[0]}", "{0}", "{}", "{mood}", "{time_of_day:}",
        ]),
        _TEXT,
    ),
    max_size=8,
).flatmap(
    # Mostly with the two required placeholders up front, so the rest of the template is what is tested.
    lambda parts: st.sampled_from(["Good {time_of_day}, {analyst_name}, ", ""]).map(lambda head: head + "".join(parts))
)
PLACEHOLDERS = st.builds(
    lambda field, conversion, spec: "{" + field + conversion + spec + "}",
    st.sampled_from(["department", "organisation", "analyst_name", "time_of_day"]),
    st.sampled_from(["", "", "!r", "!s", "!a", "!z"]),
    st.one_of(st.just(""), st.text(alphabet="%<>^=+-#0123456789.,_bcdeEfFgGnosxX", max_size=5).map(lambda spec: ":" + spec)),
)
"""A placeholder with any conversion and format spec, the part of a template ``str.format`` may choke on."""
TEMPLATES = st.one_of(
    TEMPLATES,
    st.lists(st.one_of(PLACEHOLDERS, _TEXT), max_size=4).map(lambda parts: "Good {time_of_day}, {analyst_name}, " + "".join(parts)),
)
SAY_WORDS = st.lists(
    st.one_of(st.sampled_from(["{time}", "{number}", "We'll call ", " by ", "{", "}", "{{", "{time:%H}", "{number!r}",
                               "{time.hour}", "{when}", "{}", "{0}"]), _TEXT),
    max_size=6,
).map("".join)
"""Call-back words: the two placeholders among text and the things ``str.format`` may choke on."""


PERSONAL_TEMPLATES = st.lists(
    st.one_of(
        st.sampled_from([
            "{caller_name}", "{caller_first_name}", "{caller_last_name}", "{time_of_day}", "{analyst_name}", "Thank you, ",
            ". How can I help?", "{", "}", "{{", "}}", "{caller_name:%}", "{caller_name!r}", "{name}", "{caller_name.upper}",
        ]),
        _TEXT,
    ),
    max_size=8,
).flatmap(lambda parts: st.sampled_from(["Thank you, {caller_name}. ", ""]).map(lambda head: head + "".join(parts)))
"""Personal lines (said once the caller is known): any mix of placeholders, braces and text."""
MINUTES = st.one_of(st.integers(min_value=-5, max_value=10**7), st.integers(), st.sampled_from([1, 60, 4800, 1_000_000]))
SPANS = st.lists(st.from_regex(r"\A[0-9]{1,2}:[0-9]{2} ?- ?[0-9]{1,2}:[0-9]{2}\Z"), max_size=3)
RULES = st.lists(
    st.one_of(
        st.sampled_from([
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", "FREQ=MONTHLY;BYDAY=1MO", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=DAILY", "FREQ=MONTHLY;BYMONTHDAY=1,2,3,4,5,6,7,8", "FREQ=YEARLY;BYDAY=MO", "RRULE:FREQ=YEARLY;BYYEARDAY=1",
            "FREQ=YEARLY;COUNT=2", "FREQ=YEARLY;BYSETPOS=-1;BYDAY=FR;BYMONTH=8", "FREQ=WEEKLY", "not a rule",
        ]),
        _TEXT,
    ),
    max_size=3,
)


def _shipped(name: str) -> dict[str, Any]:
    return tomllib.loads(datafiles.read(f"policies/{name}.toml").text)


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    holder = changed
    for part in path[:-1]:
        holder = holder.setdefault(part, {}) if isinstance(part, str) else holder[part]
    holder[path[-1]] = value
    return changed


def _write(folder: Path, name: str, document: dict[str, Any]) -> bool:
    """Write the policy file; False when TOML cannot hold the document (nothing to test then)."""
    try:
        text = tomlkit.dumps(document)
        tomllib.loads(text)
    except Exception:
        return False
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return True


# --- the consumers --------------------------------------------------------------------


def run_greeting(policy) -> None:
    for hour in range(24):
        line = greeting.render(
            policy, START + timedelta(hours=hour), LONDON,
            analyst_name="A" * 120, department="D" * 120, organisation="O" * 120,
        )
        assert isinstance(line, str) and line
    speaker = greeting.Speaker("A" * 120, "D" * 120, "O" * 120)
    for channel in ("phone", "email", "face_to_face", "chat", "fax"):
        assert greeting.opening(policy, channel, START, LONDON, speaker).text
        personal = greeting.personal_line(
            policy, START, LONDON, speaker, caller_name="C" * 160, pronunciation="P" * 200, channel=channel,
        )
        assert personal is None or "C" * 160 in personal.text


def run_sla(policy) -> None:
    calendar = policy.calendar(LONDON)
    for target in policy.targets:
        for now in (START + timedelta(minutes=5), START + timedelta(days=3)):
            state = sla.state(
                opened_at=START, priority=target.priority, acknowledged_at=None, closed_at=None,
                pauses=[], now=now, policy=policy, zone=LONDON, calendar=calendar,
            )
            assert state.label()
            if state.due_at is not None:
                assert state.due_at >= now
    assert policy.target(None).priority == policy.default_priority


def run_call_handling(policy) -> None:
    calendar = load_policy_file("sla").calendar(LONDON, public_holidays=False)
    due = followup.default_follow_up(START, LONDON, policy.follow_up, calendar)
    assert due is not None and due > START
    offered = callbacks.propose_time(START, policy.call_back, calendar)
    assert offered is None or offered > START
    assert callbacks.words(policy.call_back.say, due=START, number="9" * 40, zone=LONDON, now=START)
    state = holds.hold_state(START - timedelta(seconds=policy.hold.warn_after_seconds + 1), 3, START, policy.hold)
    assert state is not None


_ALL_FACTS = triggers.CallFacts(
    people_affected=500, departments_affected=9, business_impact="severe", executive_affected=True,
    customer_is_vip=True, security_concern=True, abuse_warnings=2, article_used=False, suggestions_found=False,
    overdue_promises=1, missed_promises=1, sla_breached=True, company_wide=True,
)


def run_escalation(policy) -> None:
    ticked = [trigger.key for trigger in policy.triggers]
    results = triggers.evaluate(_ALL_FACTS, policy, ticked)
    proposal = triggers.propose(results, policy)
    assert proposal is not None
    route = policy.route(proposal.route)
    assert route is not None and route.tier(proposal.tier) is not None
    assert proposal.cause == "" or policy.cause(proposal.cause) is not None
    for each in policy.routes:
        assert policy.usual_cause(each.key) in policy.causes


def run_priority(policy) -> None:
    for impact in (BusinessImpact.SEVERE, BusinessImpact.SIGNIFICANT, None):
        for urgency in (*[str(level) for level in Urgency], None):
            derived = priority.derive(
                CallImpact(people_affected=12, departments_affected=1, business_impact=impact, executive_affected=True),
                urgency, policy,
            )
            assert derived.priority in (1, 2, 3, 4)


def run_categories(policy) -> None:
    for category in policy.categories:
        assert policy.get(category.key) is category


def run_prompts(policy) -> None:
    assert isinstance(prompts.applicable(policy, sorted(PROMPT_WHEN)), list)


def run_abuse(policy) -> None:
    for step in ("warning_1", "warning_2", "transfer", "disconnect"):
        assert abuse.line_for(step, policy)


CONSUMERS = {
    "greeting": run_greeting, "sla": run_sla, "call_handling": run_call_handling, "escalation": run_escalation,
    "priority": run_priority, "categories": run_categories, "prompts": run_prompts, "abuse": run_abuse,
}

FIELDS: list[tuple[str, tuple[Any, ...], st.SearchStrategy[Any]]] = [
    ("greeting", ("template",), st.one_of(TEMPLATES, ANY_TOML)),
    ("greeting", ("morning_from",), st.one_of(TIMES, ANY_TOML)),
    ("greeting", ("afternoon_from",), st.one_of(TIMES, ANY_TOML)),
    ("greeting", ("evening_from",), st.one_of(TIMES, ANY_TOML)),
    ("greeting", ("identified",), st.one_of(PERSONAL_TEMPLATES, ANY_TOML)),
    ("greeting", ("channels", "email", "greeting"), st.one_of(st.sampled_from(["spoken", "written", "none", "sung"]), ANY_TOML)),
    ("greeting", ("channels", "chat", "acknowledge"), st.one_of(st.lists(st.sampled_from(["verbal", "email", "fax"]), max_size=3), ANY_TOML)),
    ("sla", ("targets", 0, "response_minutes"), st.one_of(MINUTES, ANY_TOML)),
    ("sla", ("targets", 1, "resolution_minutes"), st.one_of(MINUTES, ANY_TOML)),
    ("sla", ("targets", 3, "resolution_minutes"), st.one_of(MINUTES, ANY_TOML)),
    ("sla", ("targets", 2, "clock"), st.one_of(st.sampled_from(["business", "24x7", "24/7"]), ANY_TOML)),
    ("sla", ("targets", 2, "priority"), st.one_of(st.integers(0, 5), ANY_TOML)),
    ("sla", ("hours", "mon"), st.one_of(SPANS, ANY_TOML)),
    ("sla", ("hours", "sun"), st.one_of(SPANS, ANY_TOML)),
    ("sla", ("office_closed_days",), st.one_of(st.lists(st.dates(date(2025, 1, 1), date(2030, 12, 31)), max_size=30), ANY_TOML)),
    ("sla", ("recurring_closures",), st.one_of(RULES, ANY_TOML)),
    ("sla", ("holiday_country",), st.one_of(st.sampled_from(["GB", "US", "DE", "XX", "gb"]), ANY_TOML)),
    ("sla", ("holiday_subdivision",), st.one_of(st.sampled_from(["ENG", "SCT", "CA", "ZZ"]), ANY_TOML)),
    ("sla", ("warning_percent",), st.one_of(st.integers(-1, 101), ANY_TOML)),
    ("sla", ("default_priority",), st.one_of(st.integers(0, 5), ANY_TOML)),
    ("sla", ("pause_statuses",), st.one_of(st.lists(st.sampled_from([*(str(s) for s in CallStatus), "lunch"]), max_size=3), ANY_TOML)),
    ("call_handling", ("follow_up", "at"), st.one_of(TIMES, ANY_TOML)),
    ("call_handling", ("follow_up", "business_days_after"), st.one_of(st.integers(-1, 40), ANY_TOML)),
    ("call_handling", ("hold", "warn_after_seconds"), st.one_of(st.integers(), ANY_TOML)),
    ("call_handling", ("hold", "offer_callback_after_seconds"), st.one_of(st.integers(), ANY_TOML)),
    ("call_handling", ("hold", "max_holds_per_call"), st.one_of(st.integers(), ANY_TOML)),
    ("call_handling", ("reminders", "notify_ahead_minutes"), st.one_of(st.integers(), ANY_TOML)),
    ("call_handling", ("call_back", "within_hours"), st.one_of(st.integers(-1, 800), ANY_TOML)),
    ("call_handling", ("call_back", "say"), st.one_of(SAY_WORDS, ANY_TOML)),
    ("escalation", ("close_target_days",), st.one_of(st.integers(), ANY_TOML)),
    ("escalation", ("routes", 0, "key"), st.one_of(st.from_regex(r"\A[a-z][a-z0-9_]{0,70}\Z"), ANY_TOML)),
    ("escalation", ("routes", 0, "tiers", 0, "tier"), st.one_of(st.integers(0, 10), ANY_TOML)),
    ("escalation", ("routes", 0, "tiers", 0, "receiver"), st.one_of(st.text(max_size=300), ANY_TOML)),
    ("escalation", ("triggers", 0, "start_tier"), st.one_of(st.integers(0, 10), ANY_TOML)),
    ("escalation", ("triggers", 0, "suggests_route"), st.one_of(st.sampled_from(["senior_staff", "suppliers", "nowhere"]), ANY_TOML)),
    ("escalation", ("triggers", 0, "suggests_cause"), st.one_of(st.sampled_from(["dissatisfaction", "security", "", "luck"]), ANY_TOML)),
    ("escalation", ("causes", 0, "key"), st.one_of(st.from_regex(r"\A[a-z][a-z0-9_]{0,70}\Z"), ANY_TOML)),
    ("escalation", ("causes", 1, "hotkey"), st.one_of(st.sampled_from(["o", "l", "d", "", "ab", "?"]), ANY_TOML)),
    ("escalation", ("causes", 2, "label"), st.one_of(st.text(max_size=300), ANY_TOML)),
    ("priority", ("matrix", "high", "high"), st.one_of(st.integers(0, 5), st.booleans(), ANY_TOML)),
    ("priority", ("impact", "high_business_impacts"), st.one_of(st.lists(st.sampled_from(["severe", "significant", "sever"])), ANY_TOML)),
    ("priority", ("impact", "high_when_people_at_least"), st.one_of(st.integers(), ANY_TOML)),
    ("categories", ("categories", 0, "key"), st.one_of(st.from_regex(r"\A[a-z][a-z0-9_]{0,70}\Z"), ANY_TOML)),
    ("categories", ("categories", 0, "questions"), st.one_of(st.lists(_TEXT, max_size=3), ANY_TOML)),
    ("prompts", ("prompts", 0, "when"), st.one_of(st.sampled_from(sorted(PROMPT_WHEN)), ANY_TOML)),
    ("abuse", ("warning_1",), st.one_of(st.text(max_size=1200), ANY_TOML)),
]


@pytest.mark.parametrize(("name", "path", "values"), FIELDS, ids=[f"{n}:{'.'.join(map(str, p))}" for n, p, _ in FIELDS])
@FUZZ
@given(data=st.data())
def test_a_policy_that_passes_the_check_loads_and_runs(tmp_path: Path, name: str, path: tuple, values, data) -> None:
    """Any value in this field: refused with the file named, or loaded and used without an error."""
    value = data.draw(values, label=".".join(map(str, path)))
    folder = tmp_path / "office"
    folder.mkdir(exist_ok=True)
    if not _write(folder, name, _set(_shipped(name), path, value)):
        return
    try:
        policy = load_policy_file(name, folder)
    except DataFileError as refused:
        assert f"{name}.toml" in refused.message
        return
    CONSUMERS[name](policy)


@pytest.mark.parametrize(
    ("name", "path", "value", "expected"),
    [
        ("greeting", ("evening_from",), 18, "evening_from"),
        ("greeting", ("template",), "Good {time_of_day}, {analyst_name}, {department:%}.", "takes no format"),
        ("greeting", ("template",), "Good {time_of_day}, {analyst_name}, {department!z}.", "takes no format"),
        ("greeting", ("afternoon_from",), "19:00", "in that order"),
        ("sla", ("targets", 2, "response_minutes"), 1_000_000, "response_minutes"),
        ("sla", ("targets", 3, "resolution_minutes"), 10**15, "resolution_minutes"),
        ("sla", ("targets", 3, "resolution_minutes"), 400_000, "cannot be reached"),
        ("sla", ("office_closed_days",), [20261224], "office_closed_days"),
        ("sla", ("recurring_closures",), ["FREQ=DAILY"], "yearly or monthly"),
        ("call_handling", ("follow_up", "at"), 10, "follow_up.at"),
        ("call_handling", ("call_back", "say"), "We'll call you on {number}.", "put {time} in them"),
        ("call_handling", ("call_back", "say"), "We'll call you {when}.", "unknown placeholder {when}"),
        ("call_handling", ("call_back", "say"), "We'll call you by {time:%H}.", "takes no format"),
        ("call_handling", ("call_back", "within_hours"), 0, "call_back.within_hours"),
        ("priority", ("matrix", "high", "high"), True, "matrix"),
    ],
)
def test_values_the_check_passed_before_are_refused(tmp_path: Path, name: str, path: tuple, value: Any, expected: str) -> None:
    """The reported crashes: each value is now refused by the check, naming the field."""
    folder = tmp_path / "office"
    folder.mkdir()
    assert _write(folder, name, _set(_shipped(name), path, value))
    with pytest.raises(DataFileError) as refused:
        load_policy_file(name, folder)
    assert expected in refused.value.message


def test_the_check_and_the_load_are_one_validation(tmp_path: Path) -> None:
    """``deskcli policies check`` refuses exactly what start-up refuses (the same loader)."""
    import subprocess
    import sys

    folder = tmp_path / "office"
    folder.mkdir()
    _write(folder, "greeting", _set(_shipped("greeting"), ("evening_from",), 18))
    result = subprocess.run(
        [sys.executable, "-m", "deskcli", "policies", "check", str(folder)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    )
    assert result.returncode == 2
    assert "greeting.toml: field evening_from" in result.stderr


def test_recurring_closures_close_the_desk(tmp_path: Path) -> None:
    """An RRULE closure (python-dateutil) closes its days in the SLA calendar: no business time on them."""
    folder = tmp_path / "office"
    folder.mkdir()
    # Every 27 March: in 2026 that is the Friday of START.
    _write(folder, "sla", _set(_shipped("sla"), ("recurring_closures",), ["FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=27"]))
    policy = load_policy_file("sla", folder)
    calendar = policy.calendar(LONDON)
    assert calendar.is_closed_day(date(2026, 3, 27))
    assert calendar.is_closed_day(date(2031, 3, 27))
    assert not calendar.is_closed_day(date(2026, 3, 26))
    friday = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    assert calendar.seconds_between(friday, friday + timedelta(hours=8)) == 0


@pytest.mark.parametrize("template", ["Good {time_of_day}, {analyst_name} {department:%}", "Good {time_of_day}, {analyst_name} {department!z}"])
def test_the_greeting_template_setting_gets_the_same_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str) -> None:
    """The greeting_template setting overrides the policy's template, so it is checked the same way."""
    from deskcli.config.settings import load_settings
    from deskcli.core.errors import SettingsError

    monkeypatch.setenv("DESKCLI_GREETING_TEMPLATE", template)
    with pytest.raises(SettingsError) as refused:
        load_settings(tmp_path / "none.toml")
    assert "DESKCLI_GREETING_TEMPLATE" in refused.value.message
    assert "takes no format or conversion" in refused.value.message
