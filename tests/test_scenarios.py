"""Practice callers: the shipped scenarios, broken files, office overrides,
``deskcli scenarios list/check`` and the caller's reactions to the analyst's actions."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from deskcli.cli.commands import cli
from deskcli.core.enums import CallStatus, CommitmentKind, EventKind, Stage
from deskcli.core.errors import DataFileError, NotFound
from deskcli.services.lifecycle import abuse, calls, events
from deskcli.services.lifecycle.abuse import Ending
from deskcli.services.lifecycle.knowledge import shipped_articles
from deskcli.services.timekeeping import sla
from deskcli.services.training.scenarios import (
    REACTION_TRIGGERS,
    Scenario,
    check_against_policies,
    duration_seconds,
    get_scenario,
    load_scenario_file,
    load_scenarios,
)

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "data" / "scenarios"
SHIPPED_FILES = sorted(path.name for path in SHIPPED_DIR.glob("*.toml"))
LONDON = ZoneInfo("Europe/London")

# Ofcom's numbers for drama: no real caller can be rung by a trainer reading them out.
DRAMA_NUMBER = re.compile(r"^(020 7946 0\d{3}|07700 900\d{3})$")
PHONE_LIKE = re.compile(r"\b0\d{2,4} \d{3,4} ?\d{3,4}\b")

# The console's keys a hint may name (screens/*.py BINDINGS; ctrl+y is the apology key).
CONSOLE_KEYS = {f"f{n}" for n in range(1, 11)} | {
    "ctrl+s", "ctrl+r", "ctrl+t", "ctrl+f", "ctrl+y", "ctrl+o", "ctrl+g", "ctrl+n", "ctrl+l", "ctrl+b",
}
KEY_LIKE = re.compile(r"\b(ctrl\+[a-z]|F\d{1,2})\b")

MINIMAL = """\
title = "A practice caller"
opening = "Hello, it's about my laptop."

[persona]
name = "Test Caller"
organisation = "Example Ltd"
phone = "020 7946 0999"

[[answers]]
ask = "name and spelling"
say = "Test Caller, T-E-S-T."

[expected]
outcome = "resolve"
"""


def minimal(*, top: str = "", tables: str = "", outcome: str = "resolve") -> str:
    """A valid scenario file, with extra top-level keys (before the first table) and tables."""
    text = MINIMAL.replace('outcome = "resolve"', f'outcome = "{outcome}"')
    text = text.replace("\n[persona]", f"{top}\n[persona]", 1) if top else text
    return text + tables


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shipped() -> dict[str, Scenario]:
    return {scenario.key: scenario for scenario in load_scenarios()}


@pytest.fixture(scope="module")
def article_slugs() -> list[str]:
    return [slug for slug, _meta, _symptoms, _steps in shipped_articles()]


# --- every shipped scenario


@pytest.mark.parametrize("name", SHIPPED_FILES)
def test_shipped_scenario_loads_and_matches_policies_and_knowledge(name, policies, article_slugs):
    """Each file validates and names only real routes, triggers, articles and categories."""
    scenario = load_scenario_file(SHIPPED_DIR / name)
    assert scenario.key == re.sub(r"^\d+-", "", name.removesuffix(".toml"))
    routes = [route.key for route in policies.escalation.routes]
    triggers = [trigger.key for trigger in policies.escalation.triggers]
    assert check_against_policies(scenario, routes, triggers, article_slugs) == []
    categories = {category.key for category in policies.categories.categories}
    for past in scenario.history:
        assert past.category is None or past.category in categories
    expected = scenario.expected
    if expected.outcome == "escalate":
        # The type given must be the route's own type, or the answer key contradicts the policy.
        assert expected.type == policies.escalation.route(expected.route).type
    # The scorecard reads triggers as those the escalation should name, and an article
    # as the fix the call is resolved with: either on the other outcome contradicts it.
    if expected.outcome == "resolve":
        assert expected.triggers == []
    else:
        assert expected.article is None


@pytest.mark.parametrize("name", SHIPPED_FILES)
def test_shipped_scenario_is_playable(name):
    """Enough answers and script for a trainer, hints on every line, stages and keys that exist."""
    scenario = load_scenario_file(SHIPPED_DIR / name)
    assert len(scenario.answers) >= 5
    assert 4 <= len(scenario.script) <= 7
    assert scenario.script[0].stage == Stage.GREETING
    assert scenario.reactions
    for line in scenario.script:
        assert line.hint
        assert line.stage is None or line.stage in set(Stage)
        for key in KEY_LIKE.findall(line.hint):
            assert key.lower() in CONSOLE_KEYS, f"{name}: hint names {key}, which is no console key"


@pytest.mark.parametrize("name", SHIPPED_FILES)
def test_shipped_scenario_only_uses_drama_numbers(name):
    """The caller id and every number the caller reads out are Ofcom drama numbers."""
    scenario = load_scenario_file(SHIPPED_DIR / name)
    assert DRAMA_NUMBER.match(scenario.persona.phone)
    text = (SHIPPED_DIR / name).read_text(encoding="utf-8")
    for number in PHONE_LIKE.findall(text):
        assert DRAMA_NUMBER.match(number), f"{name}: {number} is not a drama number"


@pytest.mark.parametrize("name", SHIPPED_FILES)
def test_shipped_call_time_is_within_opening_hours(name, policies):
    """A practice call set at a time the desk is closed would start with the SLA clocks stopped."""
    scenario = load_scenario_file(SHIPPED_DIR / name)
    if scenario.call_time is None:
        pytest.skip("no call time: the scenario plays at any time")
    calendar = policies.sla.calendar(LONDON)
    for day in range(9, 14):  # Monday 9 to Friday 13 March 2026
        moment = datetime.combine(date(2026, 3, day), scenario.call_time, tzinfo=LONDON)
        assert calendar.is_open(moment), f"{name}: the desk is closed at {moment:%a %H:%M}"


def test_shipped_personas_are_different_people(shipped):
    personas = [scenario.persona for scenario in shipped.values()]
    assert len({persona.name for persona in personas}) == len(personas)
    assert len({persona.phone for persona in personas}) == len(personas)
    assert len({persona.organisation for persona in personas}) == len(personas)


# --- the six kinds of caller


def test_at_least_six_shipped(shipped):
    assert len(shipped) >= 6
    assert len(SHIPPED_FILES) == len(shipped)


def test_known_fix_caller(shipped):
    expected = shipped["printer-offline"].expected
    assert (expected.outcome, expected.article) == ("resolve", "printer-offline")


def test_caller_insisting_on_a_manager(shipped):
    expected = shipped["insists-on-a-manager"].expected
    assert (expected.outcome, expected.route, expected.type) == ("escalate", "senior_staff", "hierarchical")
    assert "customer_request" in expected.triggers
    assert expected.callback


def test_outage_across_departments_with_an_executive(shipped):
    scenario = shipped["outage-several-departments"]
    expected = scenario.expected
    assert (expected.outcome, expected.route, expected.type) == ("escalate", "technical_experts", "functional")
    assert {"several_departments", "several_people", "executive_affected", "business_impact"} <= set(expected.triggers)
    assert expected.article is None  # no known fix
    assert scenario.persona.vip or scenario.persona.executive


def test_abusive_caller(shipped):
    scenario = shipped["abusive-caller"]
    expected = scenario.expected
    assert (expected.outcome, expected.route, expected.type) == ("transfer", None, None)
    assert expected.triggers == ["crossed_the_line"]
    assert scenario.persona.abusive_history
    assert {"warning_1", "warning_2", "transferred"} <= {reaction.on for reaction in scenario.reactions}


def test_missed_callback_caller(shipped):
    scenario = shipped["missed-callback"]
    expected = scenario.expected
    assert (expected.outcome, expected.route, expected.type) == ("escalate", "senior_staff", "hierarchical")
    assert "promise_passed" in expected.triggers
    assert expected.existing_call and expected.callback and expected.complaint
    live = [past for past in scenario.history if past.status in (CallStatus.OPEN, CallStatus.ESCALATED)]
    assert len(live) == 1
    past = live[0]
    assert past.priority == 2
    assert past.promise is not None and past.promise.kind == CommitmentKind.CALLBACK
    assert past.promise.outcome == "pending"
    # Promised after the call was opened, and already overdue when he rings.
    assert 0 < duration_seconds(past.promise.due) < duration_seconds(past.opened)


@pytest.mark.parametrize("day", range(9, 14))
def test_missed_callback_sla_is_about_to_breach_on_any_weekday(shipped, policies, day):
    """At the call time the priority 2 resolution clock is in its warning, not yet breached."""
    scenario = shipped["missed-callback"]
    past = next(past for past in scenario.history if past.status != CallStatus.CLOSED)
    now = datetime.combine(date(2026, 3, day), scenario.call_time, tzinfo=LONDON)
    opened = now - timedelta(seconds=duration_seconds(past.opened))
    state = sla.state(
        opened_at=opened, priority=past.priority, acknowledged_at=opened, closed_at=None,
        pauses=[], now=now, policy=policies.sla, zone=LONDON,
    )
    assert state.warning and not state.breached
    assert state.remaining <= timedelta(hours=2)


def test_technician_no_show_complaint(shipped):
    scenario = shipped["technician-no-show"]
    expected = scenario.expected
    assert (expected.outcome, expected.article) == ("resolve", "monitor-no-signal")
    assert expected.complaint and expected.complaint_valid is True
    assert expected.existing_call
    assert expected.callback
    # Valid because the missed visit is on the record, where the analyst can check it.
    promises = [past.promise for past in scenario.history if past.promise is not None]
    assert promises and all(promise.outcome == "pending" for promise in promises)


# --- broken files name the file and the field


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(minimal(top='colour = "blue"\n'), "field colour", id="unknown-field"),
        pytest.param(minimal(tables='\n[[reactions]]\non = "sneezed"\nsay = "Atishoo."\n'), "field reactions.0.on", id="bad-reaction"),
        pytest.param(minimal(outcome="escalate"), "field expected", id="escalate-without-route"),
        pytest.param(
            minimal(tables='\n[[history]]\nsummary = "Old call"\nopened = "yesterday"\nresolution = "Fixed."\n'),
            "field history.0.opened",
            id="bad-duration",
        ),
        pytest.param(minimal(top='key = "mine"\n'), "field key", id="key-in-file"),
        pytest.param(MINIMAL.replace('title = "A practice caller"', "title = A practice caller"), "not valid TOML", id="invalid-toml"),
    ],
)
def test_broken_office_file_names_file_and_field(tmp_path, text, field):
    path = write(tmp_path / "office", "07-broken.toml", text)
    with pytest.raises(DataFileError) as caught:
        load_scenarios(tmp_path / "office")
    assert str(path) in caught.value.message
    assert field in caught.value.message


def test_escalate_without_route_says_what_is_missing(tmp_path):
    path = write(tmp_path, "broken.toml", minimal(outcome="escalate"))
    with pytest.raises(DataFileError, match="needs route and type"):
        load_scenario_file(path)


def test_minimal_file_is_valid(tmp_path):
    """The base of the broken-file cases is itself valid (so each case fails for its own reason)."""
    scenario = load_scenario_file(write(tmp_path, "09-minimal.toml", minimal()))
    assert (scenario.key, scenario.title) == ("minimal", "A practice caller")


# --- the office's own scenarios


def test_office_file_replaces_shipped_one_and_adds_new(tmp_path, shipped):
    office = tmp_path / "office"
    write(office, "01-printer-offline.toml", minimal(top="").replace("A practice caller", "Our own printer caller"))
    write(office, "07-new-caller.toml", minimal())
    write(office, "notes.txt", "not a scenario")
    loaded = load_scenarios(office)
    assert [scenario.key for scenario in loaded] == [*shipped, "new-caller"]
    assert get_scenario("printer-offline", office).title == "Our own printer caller"
    assert get_scenario("new-caller", office).title == "A practice caller"
    # The shipped one is untouched without the office folder.
    assert get_scenario("printer-offline").title == shipped["printer-offline"].title


def test_missing_office_folder_means_shipped_only(tmp_path, shipped):
    assert [scenario.key for scenario in load_scenarios(tmp_path / "nowhere")] == list(shipped)


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(NotFound) as caught:
        get_scenario("no-such-caller")
    assert "no-such-caller" in caught.value.message
    assert "printer-offline" in (caught.value.hint or "")


# --- deskcli scenarios list / check


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


def test_cli_list_shows_key_title_and_outcome(shipped):
    result = run("scenarios", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(shipped)
    for line, scenario in zip(lines, shipped.values(), strict=True):
        assert line.split()[0] == scenario.key
        assert scenario.title in line
        assert line.split()[-1] == scenario.expected.outcome


def test_cli_check_shipped_is_ok(shipped):
    result = run("scenarios", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Scenarios OK: {len(shipped)}"


def test_cli_check_one_good_file(tmp_path):
    result = run("scenarios", "check", str(write(tmp_path, "mine.toml", minimal())))
    assert (result.exit_code, result.stdout.strip()) == (0, "Scenarios OK: 1")


def test_cli_check_broken_file_exits_2_naming_it(tmp_path):
    path = write(tmp_path, "mine.toml", minimal(top='colour = "blue"\n'))
    result = run("scenarios", "check", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"deskcli: error: {path}: field colour")


def test_cli_check_inconsistent_file_exits_1_listing_problems(tmp_path):
    expected = '[expected]\noutcome = "escalate"\nroute = "help_desk_gnomes"\ntype = "functional"\narticle = "fix-everything"\ntriggers = ["full_moon"]\n'
    text = MINIMAL.split("[expected]")[0] + expected
    result = run("scenarios", "check", str(write(tmp_path, "mine.toml", text)))
    assert result.exit_code == 1
    assert "mine: expected.route: 'help_desk_gnomes' is not a route" in result.stdout
    assert "mine: expected.article: no knowledge article 'fix-everything'" in result.stdout
    assert "mine: expected.triggers: 'full_moon'" in result.stdout
    assert "Scenarios OK" not in result.stdout


def test_cli_check_folder_counts_shipped_and_office(tmp_path, shipped):
    write(tmp_path / "office", "07-new-caller.toml", minimal())
    result = run("scenarios", "check", str(tmp_path / "office"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Scenarios OK: {len(shipped) + 1}"


def test_cli_check_finds_two_files_with_one_key(tmp_path):
    # No NN- prefix: it does not replace 01-printer-offline.toml, it competes with it.
    write(tmp_path / "office", "printer-offline.toml", minimal())
    result = run("scenarios", "check", str(tmp_path / "office"))
    assert result.exit_code == 1
    assert "printer-offline: more than one scenario file has this key" in result.stdout


def test_cli_uses_scenario_dir_from_the_config_file(tmp_path, shipped):
    office = tmp_path / "office"
    write(office, "07-new-caller.toml", minimal())
    config = write(tmp_path, "config.toml", f"scenario_dir = {str(office)!r}\n")
    result = run("--config", str(config), "scenarios", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].split()[0] == "new-caller"
    checked = run("--config", str(config), "scenarios", "check")
    assert checked.stdout.strip() == f"Scenarios OK: {len(shipped) + 1}"


def test_cli_broken_file_in_scenario_dir_exits_2(tmp_path):
    path = write(tmp_path / "office", "07-broken.toml", minimal(tables='\n[[reactions]]\non = "sneezed"\nsay = "Atishoo."\n'))
    result = run("scenarios", "list", env={"DESKCLI_SCENARIO_DIR": str(tmp_path / "office")})
    assert result.exit_code == 2
    assert f"{path}: field reactions.0.on" in result.stderr


# --- reactions


ALL_REACTIONS = Scenario.model_validate(
    {
        "key": "every-reaction",
        "title": "Reacts to everything",
        "persona": {"name": "Ree Actor", "organisation": "Example Ltd", "phone": "020 7946 0998"},
        "opening": "Hello.",
        "answers": [{"ask": "anything", "say": "Anything."}],
        "reactions": [{"on": name, "say": f"said on {name}"} for name in REACTION_TRIGGERS],
        "expected": {"outcome": "resolve"},
    }
)


@pytest.mark.parametrize(
    ("kind", "payload", "answered_by"),
    [
        (EventKind.WARNING_GIVEN, {"number": 1}, {"warning_1"}),
        (EventKind.WARNING_GIVEN, {"number": 2}, {"warning_2"}),
        (EventKind.HOLD_ENDED, {"seconds": 200, "long": True}, {"hold_ended", "long_hold"}),
        (EventKind.HOLD_ENDED, {"seconds": 20, "long": False}, {"hold_ended"}),
        (EventKind.COMMITMENT_MADE, {"kind": "callback"}, {"callback_offered", "promise_made"}),
        (EventKind.COMMITMENT_MADE, {"kind": "next_contact"}, {"promise_made"}),
        (EventKind.TRANSFERRED, {}, {"transferred"}),
        (EventKind.APOLOGISED, {}, {"apologised"}),
        (EventKind.FIELDS_CHANGED, {"summary": "x"}, set()),
    ],
)
def test_reactions_to_sample_events(kind, payload, answered_by):
    # Events come back from the database as plain strings: match on those, not only on the enum.
    said = ALL_REACTIONS.reactions_to(str(kind), payload)
    assert {reaction.on for reaction in said} == answered_by
    assert [reaction.say for reaction in said] == [f"said on {name}" for name in REACTION_TRIGGERS if name in answered_by]


def test_abusive_caller_reacts_to_the_real_protocol(store, actor, customer_id, policies, shipped):
    """The events the abuse protocol really records set off the caller's three lines, in order."""
    scenario = shipped["abusive-caller"]
    with store.write() as session:
        call_id = calls.create_call(session, customer_id, actor).id
        abuse.give_warning(session, call_id, actor, policy=policies.abuse)
        abuse.give_warning(session, call_id, actor, policy=policies.abuse)
        abuse.end_abusive_call(
            session, call_id, Ending.TRANSFER, actor, policy=policies.abuse, manager="Help desk manager", note="Swore after two warnings."
        )
    with store.read() as session:
        timeline = events.events_after(session, call_id, 0)
    said = [reaction.on for _id, kind, payload in timeline for reaction in scenario.reactions_to(kind, payload)]
    assert said == ["warning_1", "warning_2", "transferred"]
