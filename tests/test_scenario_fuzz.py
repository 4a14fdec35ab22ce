"""A scenario that passes ``deskcli scenarios check`` rings.

For each field of the persona, the history and the script, hypothesis puts values of
every TOML type (and near-misses: a 201-character pronunciation, "99999999d", an
address without a domain) into a full scenario, runs the check's own steps (load the
file, hold it against the policies), and when it passes, sets the practice up for
real - the persona created, the history recorded through the services - in a
transaction that is rolled back. Nothing may raise.
"""

from __future__ import annotations

import copy
from datetime import time
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from deskcli.core.errors import DataFileError
from deskcli.models import CustomerBase
from deskcli.services.actor import Actor
from deskcli.services.lifecycle.knowledge import shipped_articles
from deskcli.services.training.practice import CallerScript, practice_start
from deskcli.services.training.practice_setup import prepare_practice
from deskcli.services.training.scenarios import Persona, load_scenario_file, problems_with
from test_policy_fuzz import ANY_TOML, LONDON, TIMES, _set  # (tests/ is on sys.path)

FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

BASE: dict[str, Any] = {
    "title": "The call-back that never came",
    "opening": "I was promised a call back this morning and nobody rang.",
    "call_time": time(16, 40),
    "persona": {
        "name": "Gwen Pryce-Owen", "pronunciation": "GWEN price-OH-en", "spelling": "G-W-E-N",
        "organisation": "Pennine Water", "department": "Operations", "job_title": "Control Room Supervisor",
        "email": "gwen@penninewater.example", "phone": "020 7946 0999", "notes": "Works shifts.", "mood": "cross",
        "vip": True, "executive": True, "abusive_history": True,
    },
    "history": [
        {"summary": "Laptop will not connect to the VPN", "category": "network", "opened": "26h", "status": "open",
         "urgency": "high", "promise": {"kind": "callback", "description": "Call Gwen back", "due": "3h"}},
        {"summary": "Printer prints garbage", "category": "hardware", "opened": "2d", "status": "escalated",
         "escalated_to": "technical_experts",
         "promise": {"kind": "next_contact", "description": "Update from second line", "due": "90m"}},
        {"summary": "Password expired", "category": "accounts", "opened": "10d", "status": "closed", "priority": 3,
         "resolution": "Reset with her.",
         "promise": {"kind": "follow_up", "description": "Follow-up call", "due": "8d", "outcome": "kept_on_time"}},
    ],
    "answers": [{"ask": "reference", "say": "I don't have it to hand."}],
    "script": [{"say": "Nobody rang me back.", "hint": "Apologise; find the open call.", "stage": "greeting"}],
    "reactions": [{"on": "apologised", "say": "Thank you."}],
    "expected": {"outcome": "resolve", "existing_call": True, "callback": True},
}

LONG_TEXT = st.one_of(st.text(max_size=40), st.integers(150, 260).map(lambda n: "x" * n), st.just("   "))
DURATIONS = st.one_of(
    st.from_regex(r"\A[0-9]{1,12}(\.[0-9]{1,4})?(m|min|h|d)\Z"),
    st.sampled_from(["0m", "1m", "59s", "26h", "1826d", "1831d", "9" * 400 + "d", "99999999d", "-3h"]),
)
EMAILS = st.one_of(st.emails(), st.sampled_from(["gwen@", "@x.org", "gwen at x.org", "gwen@localhost", "a@b.c d"]), st.text(max_size=30))
PHONES = st.one_of(st.from_regex(r"\A[0-9 +()./-]{1,70}\Z"), st.sampled_from(["020 7946 0999", "07700 900123", "12", "abc"]))

FIELDS: list[tuple[tuple[Any, ...], st.SearchStrategy[Any]]] = [
    (("persona", "name"), LONG_TEXT),
    (("persona", "pronunciation"), LONG_TEXT),
    (("persona", "spelling"), LONG_TEXT),
    (("persona", "organisation"), LONG_TEXT),
    (("persona", "department"), LONG_TEXT),
    (("persona", "job_title"), LONG_TEXT),
    (("persona", "notes"), LONG_TEXT),
    (("persona", "mood"), LONG_TEXT),
    (("persona", "email"), EMAILS),
    (("persona", "phone"), PHONES),
    (("persona", "vip"), ANY_TOML),
    (("history", 0, "opened"), DURATIONS),
    (("history", 0, "summary"), st.one_of(LONG_TEXT, st.integers(490, 520).map(lambda n: "s" * n))),
    (("history", 0, "category"), st.one_of(st.sampled_from(["network", "hardware", "printing", "x" * 70]), ANY_TOML)),
    (("history", 0, "urgency"), st.one_of(st.sampled_from(["high", "medium", "low", "urgent"]), ANY_TOML)),
    (("history", 0, "priority"), st.one_of(st.integers(-1, 6), ANY_TOML)),
    (("history", 0, "status"), st.sampled_from(["open", "escalated", "awaiting_confirmation", "closed", "lost"])),
    (("history", 0, "promise", "due"), DURATIONS),
    (("history", 0, "promise", "description"), st.one_of(LONG_TEXT, st.integers(290, 310).map(lambda n: "d" * n))),
    (("history", 0, "promise", "kind"), st.sampled_from(["callback", "next_contact", "follow_up", "promise", "visit"])),
    (("history", 0, "promise", "outcome"), st.sampled_from(["pending", "kept_on_time", "missed", "kept_late"])),
    (("history", 1, "escalated_to"), st.one_of(st.sampled_from(["technical_experts", "suppliers", "nowhere"]), ANY_TOML)),
    (("history", 2, "resolution"), LONG_TEXT),
    (("history", 2, "opened"), DURATIONS),
    (("call_time",), st.one_of(TIMES, ANY_TOML)),
    (("title",), LONG_TEXT),
    (("opening",), LONG_TEXT),
    (("script", 0, "say"), LONG_TEXT),
]


@pytest.fixture(scope="module")
def article_slugs() -> list[str]:
    return [slug for slug, _meta, _symptoms, _steps in shipped_articles()]


def _checked(path: Path, policies, article_slugs: list[str]):
    """What ``deskcli scenarios check FILE`` does: load, then hold against the policies; None when refused."""
    try:
        scenario = load_scenario_file(path)
    except DataFileError as refused:
        assert str(path) in refused.message
        return None
    return None if problems_with(scenario, policies, article_slugs) else scenario


@pytest.mark.parametrize(("path", "values"), FIELDS, ids=[".".join(map(str, p)) for p, _ in FIELDS])
@FUZZ
@given(data=st.data())
def test_a_scenario_that_passes_the_check_rings(tmp_path, store, analyst, clock, policies, article_slugs, path, values, data) -> None:
    """Any value in this field: refused by the check, or the practice is set up without an error."""
    value = data.draw(values, label=".".join(map(str, path)))
    try:
        text = tomlkit.dumps(_set(BASE, path, value))
    except Exception:
        return
    file = tmp_path / "07-fuzzed.toml"
    file.write_text(text, encoding="utf-8")
    scenario = _checked(file, policies, article_slugs)
    if scenario is None:
        return
    calendar = policies.sla.calendar(LONDON)
    start = practice_start(clock.now(), scenario.call_time, calendar)
    assert start.tzinfo is not None
    actor = Actor(analyst.id, type(clock)(start))
    with store.engine.connect() as connection:
        transaction = connection.begin()
        try:
            with Session(bind=connection) as session:
                caller = prepare_practice(session, scenario, actor, policies=policies, region="GB")
                assert len(caller.history_call_ids) == len(scenario.history)
        finally:
            transaction.rollback()
    script = CallerScript(scenario)
    assert script is not None


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("persona", "pronunciation"), "p" * 201, "persona.pronunciation"),
        (("persona", "name"), "n" * 161, "persona.name"),
        (("persona", "email"), "gwen@localhost", "persona.email"),
        (("persona", "phone"), "call reception", "persona.phone"),
        (("history", 0, "opened"), "99999999d", "history.0.opened"),
        (("history", 0, "opened"), "9" * 400 + "d", "history.0.opened"),
        (("history", 0, "promise", "due"), "30h", "promise.due"),
        (("history", 0, "summary"), "s" * 501, "history.0.summary"),
        (("call_time",), 16, "call_time"),
    ],
)
def test_values_the_check_passed_before_are_refused(tmp_path: Path, path: tuple, value: Any, expected: str) -> None:
    """The reported cases: each is now refused by the check, naming the field."""
    file = tmp_path / "07-broken.toml"
    file.write_text(tomlkit.dumps(_set(BASE, path, value)), encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        load_scenario_file(file)
    assert expected in refused.value.message


def test_persona_limits_are_the_customer_records_limits() -> None:
    """The persona's limits are those of the customer record it becomes (so they cannot drift apart)."""

    def limit(model, field: str) -> int | None:
        return next((m.max_length for m in model.model_fields[field].metadata if hasattr(m, "max_length")), None)

    pairs = {"name": "name", "pronunciation": "pronunciation", "spelling": "name_spelling",
             "organisation": "organisation", "department": "department", "email": "email"}
    for persona_field, customer_field in pairs.items():
        assert limit(Persona, persona_field) == limit(CustomerBase, customer_field), persona_field


def test_shipped_base_scenario_is_valid(tmp_path: Path, policies, article_slugs) -> None:
    """The fuzzing base passes the check (so each fuzzed case fails for its own field)."""
    file = tmp_path / "07-base.toml"
    file.write_text(tomlkit.dumps(copy.deepcopy(BASE)), encoding="utf-8")
    assert _checked(file, policies, article_slugs) is not None
