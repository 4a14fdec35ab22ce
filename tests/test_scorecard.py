"""The practice-call scorecard: each item of the seeds' practice checked on calls driven
through the real services, saved per trainee, exported, and listed by ``deskcli scorecards``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect
from sqlmodel import select

from deskcli.cli.commands import cli
from deskcli.config import paths
from deskcli.core.errors import NotFound, RuleViolation
from deskcli.models import AckMethod, CommitmentKind, Escalation, EscalationType, KnowledgeArticle, Scorecard
from deskcli.services.lifecycle import abuse, calls, commitments, escalations, followup, holds, knowledge
from deskcli.services.lifecycle.abuse import Ending
from deskcli.services.lifecycle.escalations import EscalationRequest
from deskcli.services.lifecycle.greeting import render
from deskcli.services.training import scorecard
from deskcli.services.training.scenarios import Expected
from deskcli.services.training.scorecard import CHECKS, ScoreItem, ScoreResult
from deskcli.store import db, migrate

ZONE = ZoneInfo("Europe/London")
GREETING = "Good afternoon, Ann Jones, Help Desk. How may I help you today?"
"""What the shipped template says for Ann Jones at 14:00 in London (the test clock's start)."""

RESOLVE = Expected(outcome="resolve", article="printer-offline")
"""The printer-offline scenario's answer key: a known fix, resolve on the call."""


class Practice:
    """One practice call, driven step by step through the services as the console would."""

    def __init__(self, store, actor, clock, policies, customer_id) -> None:
        self.store, self.actor, self.clock, self.policies = store, actor, clock, policies
        with store.write() as session:
            knowledge.sync_shipped(session, actor)
            self.call_id = calls.create_call(session, customer_id, actor).id

    def _do(self, action, *args, **kwargs):
        with self.store.write() as session:
            return action(session, self.call_id, *args, **kwargs)

    def greet(self, text: str = GREETING) -> None:
        self._do(calls.record_greeting, text, self.actor)

    def confirm_name(self) -> None:
        self._do(calls.confirm_name, self.actor, spelling="S-I-O-B-H-A-N, O apostrophe N-E-I-L-L")

    def acknowledge(self) -> None:
        self._do(calls.acknowledge, AckMethod.VERBAL, self.actor)

    def hold(self, seconds: int) -> None:
        policy = self.policies.call_handling.hold
        self._do(holds.start_hold, self.actor, policy=policy)
        self.clock.advance(timedelta(seconds=seconds))
        self._do(holds.end_hold, self.actor, policy=policy)

    def apologise(self) -> None:
        self._do(calls.record_apology, self.actor, words="I'm sorry the technician didn't turn up.")

    def resolve(self, article: str | None = "printer-offline") -> None:
        with self.store.read() as session:
            article_id = (
                session.exec(select(KnowledgeArticle.id).where(KnowledgeArticle.slug == article)).one() if article else None
            )
        self._do(calls.resolve, self.actor, resolution="Cleared the stuck print queue", article_id=article_id)

    def agree(self, agreed: bool = True) -> None:
        self._do(calls.record_agreement, self.actor, agreed=agreed)

    def promise(self, kind: CommitmentKind, due: datetime | None = None) -> None:
        if due is None:
            due = followup.default_follow_up(
                self.clock.now(), ZONE, self.policies.call_handling.follow_up, self.policies.sla.calendar(ZONE)
            )
        self._do(commitments.make_commitment, kind, due, self.actor)

    def close(self) -> None:
        self._do(calls.close_call, self.actor)

    def escalate(
        self, route: str, triggers: list[str], *, time_to_fix: str = "4 hours", type: EscalationType | None = None
    ) -> None:
        request = EscalationRequest(
            route=route,
            type=type,
            handoff="Shared drive down for Finance and Sales since 09:00; server pings; restart did not help.",
            next_contact_at=self.clock.now() + timedelta(hours=2),
            time_to_fix=time_to_fix,
            triggers=triggers,
            cause="better_tier",
        )
        self._do(escalations.escalate, request, self.actor, policy=self.policies.escalation)

    def warn(self) -> None:
        self._do(abuse.give_warning, self.actor, policy=self.policies.abuse)

    def transfer(self) -> None:
        self._do(
            abuse.end_abusive_call, Ending.TRANSFER, self.actor,
            policy=self.policies.abuse, manager="Priya Shah", note="Swore repeatedly after two warnings.",
        )

    def model_resolved_call(self) -> None:
        """Everything the printer-offline scenario asks for, done right."""
        self.greet()
        self.confirm_name()
        self.acknowledge()
        self.clock.advance(timedelta(minutes=2))
        self.hold(30)
        self.resolve()
        self.agree()
        self.promise(CommitmentKind.FOLLOW_UP)
        self.close()

    def score(self, expected: Expected, *, since: datetime | None = None, zone: ZoneInfo = ZONE) -> ScoreResult:
        with self.store.read() as session:
            return scorecard.score_call(session, self.call_id, expected, policies=self.policies, zone=zone, since=since)


@pytest.fixture
def practice(store, actor, clock, policies, customer_id) -> Practice:
    return Practice(store, actor, clock, policies, customer_id)


def results(result: ScoreResult) -> dict[str, str]:
    return {item.key: item.result for item in result.items}


# --- a model call and its mistakes ---------------------------------------------------


def test_the_shipped_greeting_is_what_the_tests_say(policies, clock):
    """GREETING is what the console would show Ann Jones at the test clock's start."""
    assert render(policies.greeting, clock.now(), ZONE, analyst_name="Ann Jones", department="Help Desk") == GREETING


def test_model_resolved_call_passes_every_applicable_item(practice):
    """A call done by the book: every item that applies passes; the rest are n/a, with a reason."""
    practice.model_resolved_call()
    result = practice.score(RESOLVE)
    assert [item.key for item in result.items] == [check.key for check in CHECKS]
    assert len(result.items) == 16
    assert result.failed() == []
    not_applicable = {key for key, value in results(result).items() if value == "n/a"}
    assert not_applicable == {"apology", "triggers", "route", "handoff", "time_to_fix", "next_contact", "callback", "warnings"}
    assert (result.passed, result.applicable, result.score_text, result.score) == (8, 8, "8/8", 1.0)
    assert all(item.why for item in result.items)
    assert result.item("holds").why == "No hold longer than 60 s (longest 30 s); 1 hold of 2 allowed."
    assert result.item("greeting").why.startswith(f'"{GREETING}" at 14:00')
    assert "printer-offline used" in result.item("solution").why
    assert result.item("route").why == "Resolved call: no escalation route expected."
    assert result.item("follow_up").why == "Follow-up call scheduled for Wed 11 Mar 10:00."


def test_mistakes_fail_exactly_their_items(practice):
    """No spelling confirmed, no acknowledgement, a long hold without a call-back, no follow-up: those fail."""
    practice.greet()
    practice.hold(90)
    practice.resolve()
    practice.agree()
    practice.close()
    result = practice.score(RESOLVE)
    assert result.failed() == ["name_confirmed", "reference", "callback", "holds", "follow_up"]
    assert (result.passed, result.applicable) == (4, 9)
    assert result.item("callback").why == "No call-back offered: a 90 s hold (over 60 s)."
    assert result.item("holds").why == "1 hold(s) longer than 60 s (longest 90 s)."
    assert result.item("reference").why.startswith("Reference HD-000001 never given")
    assert result.item("follow_up").why == "Closed without scheduling the follow-up call."


def test_a_call_back_offered_after_a_long_hold_passes_that_item(practice, clock):
    """Offering a call-back answers the long hold (the hold itself still counts against its limit)."""
    practice.greet()
    practice.hold(150)
    practice.promise(CommitmentKind.CALLBACK, clock.now() + timedelta(minutes=30))
    result = practice.score(RESOLVE)
    assert results(result)["callback"] == "pass"
    assert result.item("callback").why == "Call-back promised for Tue 10 Mar 14:32: a 150 s hold (over 60 s)."
    assert results(result)["holds"] == "fail"


def test_too_many_holds_fail_the_hold_item(practice):
    """Three short holds are one more than the policy allows."""
    for _ in range(3):
        practice.hold(10)
    result = practice.score(RESOLVE)
    assert result.item("holds").result == "fail"
    assert result.item("holds").why == "3 holds; 2 allowed."
    assert result.item("callback").result == "n/a"


# --- escalation ----------------------------------------------------------------------

OUTAGE = Expected(
    outcome="escalate", route="senior_staff", type=EscalationType.HIERARCHICAL,
    triggers=["customer_request", "sla_breached"],
)


def test_wrong_route_and_a_missed_trigger_fail_those_items(practice):
    """Escalated to the experts instead of senior staff, noticing one trigger of two."""
    practice.greet()
    practice.confirm_name()
    practice.acknowledge()
    practice.escalate("technical_experts", ["sla_breached"])
    result = practice.score(OUTAGE)
    assert result.failed() == ["triggers", "route"]
    assert result.item("route").why == "Escalated to technical_experts (functional); expected senior_staff (hierarchical)."
    assert result.item("triggers").why == (
        "Noticed sla_breached; missing customer_request (expected customer_request, sla_breached)."
    )
    for key in ("escalated", "solution", "handoff", "time_to_fix", "next_contact", "agreement", "follow_up"):
        assert results(result)[key] == "pass", (key, result.item(key).why)
    assert result.item("agreement").why.endswith("left open until the customer agrees.")
    assert result.item("time_to_fix").why == 'Time to fix from Second-line technical team: "4 hours".'
    assert result.item("next_contact").why == "Customer told to expect the next contact by Tue 10 Mar 16:00."


def test_right_route_and_every_trigger_pass(practice):
    """The expected route and type, with every trigger that held."""
    practice.escalate("senior_staff", ["customer_request", "sla_breached"])
    result = practice.score(OUTAGE)
    assert results(result)["route"] == "pass"
    assert result.item("route").why == "Escalated to senior_staff (hierarchical); expected senior_staff (hierarchical)."
    assert results(result)["triggers"] == "pass"


def test_right_route_with_the_wrong_type_fails(practice):
    """Senior staff taken as a functional escalation is not what the call needed."""
    practice.escalate("senior_staff", ["customer_request", "sla_breached"], type=EscalationType.FUNCTIONAL)
    result = practice.score(OUTAGE)
    assert result.item("route").result == "fail"
    assert result.item("route").why == "Escalated to senior_staff (functional); expected senior_staff (hierarchical)."


def test_re_escalation_is_judged_on_the_first_route(practice):
    """Right first time counts (seed 004): a wrong first route stays a fail after re-routing."""
    practice.escalate("technical_experts", ["customer_request", "sla_breached"])
    practice.escalate("senior_staff", ["customer_request", "sla_breached"])
    item = practice.score(OUTAGE).item("route")
    assert item.result == "fail"
    assert item.why == (
        "Escalated to technical_experts (functional), then re-escalated to senior_staff (hierarchical); "
        "expected senior_staff (hierarchical)."
    )


def test_escalating_without_a_time_to_fix_is_refused_and_fails_that_item(practice):
    """The receiver's estimate of the time to fix is part of the procedure: the escalation
    is refused without one, so the call was not escalated and the item fails."""
    with pytest.raises(RuleViolation, match="time to fix"):
        practice.escalate("senior_staff", ["customer_request", "sla_breached"], time_to_fix="")
    result = practice.score(OUTAGE)
    assert results(result)["time_to_fix"] == "fail"
    assert result.item("time_to_fix").why == "Not escalated: no time to fix obtained."


def test_an_escalation_recorded_without_a_time_to_fix_fails_that_item(practice, store):
    """Escalations recorded before the time to fix was required (or imported) have none: the item says so."""
    practice.escalate("senior_staff", ["customer_request", "sla_breached"])
    with store.write() as session:
        escalation = session.exec(select(Escalation)).one()
        escalation.time_to_fix = ""
        session.add(escalation)
    result = practice.score(OUTAGE)
    assert results(result)["time_to_fix"] == "fail"
    assert result.item("time_to_fix").why.startswith("No time to fix obtained from ")


def test_resolving_when_escalation_was_expected_fails_both_items(practice):
    """No known fix and a trigger held: "resolving" it fails both the escalation and the solution items."""
    expected = Expected(outcome="escalate", route="technical_experts", type=EscalationType.FUNCTIONAL, triggers=["no_solution"])
    practice.greet()
    practice.resolve(article=None)
    practice.agree()
    practice.close()
    result = practice.score(expected)
    assert results(result)["escalated"] == "fail"
    assert result.item("escalated").why == "Not escalated; expected escalate (triggers: no_solution)."
    assert results(result)["solution"] == "fail"
    assert "though no known fix existed" in result.item("solution").why
    assert results(result)["route"] == "fail"
    assert result.item("route").why == "Not escalated; expected technical_experts (functional)."


def test_escalating_a_call_with_a_known_fix_fails_both_items(practice):
    """A known fix existed: escalating instead is an unnecessary escalation."""
    practice.escalate("technical_experts", [])
    result = practice.score(RESOLVE)
    assert results(result)["escalated"] == "fail"
    assert result.item("escalated").why.endswith("but no trigger held: expected resolve with the known fix printer-offline.")
    assert result.item("solution").why == (
        "The known fix printer-offline was not used; the call was not resolved (escalated instead)."
    )
    assert results(result)["follow_up"] == "pass"  # the next contact was promised


# --- abusive caller, complaint, greeting ---------------------------------------------

ABUSIVE = Expected(outcome="transfer", triggers=["crossed_the_line"])


def test_abusive_caller_warned_twice_then_transferred_passes(practice):
    """Warning 1, warning 2, then a transfer to a manager who was filled in."""
    practice.warn()
    practice.clock.advance(timedelta(seconds=30))
    practice.warn()
    practice.clock.advance(timedelta(seconds=30))
    practice.transfer()
    result = practice.score(ABUSIVE)
    assert result.item("warnings").result == "pass"
    assert result.item("warnings").why == "Warnings 1 at 14:00, 2 at 14:00; then transferred to Priya Shah at 14:01."
    for key in ("escalated", "triggers", "handoff", "solution"):
        assert results(result)[key] == "pass", (key, result.item(key).why)
    for key in ("route", "time_to_fix", "next_contact", "follow_up"):
        assert results(result)[key] == "n/a", (key, result.item(key).why)


def test_abusive_caller_never_transferred_fails_the_warnings_item(practice):
    """Warnings alone do not finish the protocol the scenario expects."""
    practice.warn()
    practice.warn()
    result = practice.score(ABUSIVE)
    assert result.item("warnings").result == "fail"
    assert result.item("warnings").why == "Warnings given: 1 at 14:00, 2 at 14:00; the caller was never transferred to a manager."


@pytest.mark.parametrize("apologised", [True, False])
def test_complaint_needs_an_apology(practice, apologised):
    """On a complaint the apology item passes only when APOLOGISED was recorded."""
    if apologised:
        practice.apologise()
    result = practice.score(Expected(outcome="resolve", complaint=True, complaint_valid=True))
    assert result.item("apology").result == ("pass" if apologised else "fail")
    if apologised:
        assert "technician didn't turn up" in result.item("apology").why


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Good afternoon, Ann Jones. How may I help you today?", "department (Help Desk) missing"),
        ("Good morning, Ann Jones, Help Desk. How may I help you today?", "said 'morning' at 14:00 (it was afternoon)"),
        ("Good afternoon, Help Desk. How may I help you today?", "own name (Ann Jones) missing"),
        ("Good afternoon, Ann Jones, Help Desk.", "no offer of help"),
        ("Hello?", "no 'good afternoon'"),
    ],
)
def test_greeting_fails_when_a_part_is_missing(practice, text, problem):
    """Each missing part of the greeting is named in the why."""
    practice.greet(text)
    item = practice.score(RESOLVE).item("greeting")
    assert item.result == "fail"
    assert problem in item.why


def test_no_greeting_fails(practice):
    """Not greeting at all fails the item."""
    assert practice.score(RESOLVE).item("greeting").result == "fail"


def test_greeting_time_of_day_is_judged_in_the_office_zone(practice):
    """14:00 UTC is afternoon in London but 23:00 (evening) in Tokyo."""
    practice.greet()
    assert practice.score(RESOLVE).item("greeting").result == "pass"
    tokyo = practice.score(RESOLVE, zone=ZoneInfo("Asia/Tokyo")).item("greeting")
    assert tokyo.result == "fail"
    assert "said 'afternoon' at 23:00 (it was evening)" in tokyo.why


# --- since, agreement ----------------------------------------------------------------


def test_since_leaves_out_what_happened_before_the_practice(practice, clock):
    """A repeat caller's call has history; only what the trainee did counts."""
    practice.greet("Hello?")
    practice.acknowledge()
    started = clock.advance(timedelta(hours=1))
    practice.greet("Good afternoon, Ann Jones, Help Desk. How can I help?")
    whole = practice.score(RESOLVE)
    assert (whole.item("greeting").result, whole.item("reference").result) == ("fail", "pass")
    since = practice.score(RESOLVE, since=started)
    assert (since.item("greeting").result, since.item("reference").result) == ("pass", "fail")


def test_since_must_be_aware(practice):
    """A naive start time is refused rather than guessed."""
    with pytest.raises(RuleViolation, match="since"):
        practice.score(RESOLVE, since=datetime(2026, 3, 10, 14, 0))


def test_resolved_but_never_asked_fails_agreement_and_declined_passes(practice):
    """A resolved call must be put to the customer; a "not yet" leaves it rightly open."""
    practice.resolve()
    assert practice.score(RESOLVE).item("agreement").result == "fail"
    assert "never asked" in practice.score(RESOLVE).item("agreement").why
    practice.agree(agreed=False)
    item = practice.score(RESOLVE).item("agreement")
    assert item.result == "pass"
    assert "awaiting confirmation" in item.why


def test_score_of_a_missing_call_is_not_found(store, policies):
    with store.read() as session, pytest.raises(NotFound):
        scorecard.score_call(session, 999, RESOLVE, policies=policies, zone=ZONE)


# --- saving and listing --------------------------------------------------------------


def _save(store, call_id: int, trainee: str, when: datetime, result: ScoreResult | None = None, **extra) -> int:
    result = result or ScoreResult(items=(ScoreItem("greeting", "Greeting", "pass", "ok"),), passed=1, applicable=1)
    with store.write() as session:
        card = scorecard.save_scorecard(
            session, call_id=call_id, scenario_key="printer-offline", scenario_title="Printer offline before a deadline",
            trainee=trainee, analyst_id=None, result=result, scored_at=when, **extra,
        )
        return card.id


def test_saved_scorecard_keeps_every_item(practice, store, analyst, clock):
    """A saved card holds the items, the tally, the trainee and an aware UTC time."""
    practice.model_resolved_call()
    result = practice.score(RESOLVE)
    with store.write() as session:
        card = scorecard.save_scorecard(
            session, call_id=practice.call_id, scenario_key="printer-offline",
            scenario_title="Printer offline before a deadline", trainee="  Ann   Jones ", analyst_id=analyst.id,
            result=result, scored_at=clock.now(), trainer_note="Good pace.",
        )
        card_id = card.id
    with store.read() as session:
        card = scorecard.get_scorecard(session, card_id)
        assert (card.trainee, card.passed, card.applicable, card.trainer_note) == ("Ann Jones", 8, 8, "Good pace.")
        assert card.scored_at == clock.now() and card.scored_at.utcoffset() == timedelta(0)
        assert [item["key"] for item in card.items] == [check.key for check in CHECKS]
        assert card.items[0] == {
            "key": "greeting", "label": result.items[0].label, "result": "pass", "why": result.items[0].why,
        }
        with pytest.raises(NotFound):
            scorecard.get_scorecard(session, card_id + 1)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"trainee": "  "}, "trainee"), ({"when": datetime(2026, 3, 10, 14, 0)}, "scored_at")],
)
def test_save_refuses_a_missing_trainee_or_naive_time(practice, store, clock, change, field):
    values = {"trainee": "Ann", "when": clock.now(), **change}
    with pytest.raises(RuleViolation, match=field):
        _save(store, practice.call_id, values["trainee"], values["when"])
    with store.read() as session:
        assert session.exec(select(Scorecard)).first() is None


def test_list_is_per_trainee_newest_first_and_paged(practice, store, clock):
    """Listing filters by trainee (any case), orders newest first and pages with limit/offset."""
    start = clock.now()
    ann = [_save(store, practice.call_id, "Ann Jones", start + timedelta(hours=hour)) for hour in (1, 3, 2)]
    bob = _save(store, practice.call_id, "Bob Smith", start + timedelta(hours=4))
    with store.read() as session:
        assert [c.id for c in scorecard.list_scorecards(session)] == [bob, ann[1], ann[2], ann[0]]
        assert [c.id for c in scorecard.list_scorecards(session, trainee="ann jones")] == [ann[1], ann[2], ann[0]]
        assert [c.id for c in scorecard.list_scorecards(session, trainee="Ann Jones", limit=2)] == [ann[1], ann[2]]
        assert [c.id for c in scorecard.list_scorecards(session, trainee="Ann Jones", limit=2, offset=2)] == [ann[0]]
        assert scorecard.list_scorecards(session, trainee="Nobody") == []
        with pytest.raises(RuleViolation, match="limit"):
            scorecard.list_scorecards(session, limit=0)


# --- exports -------------------------------------------------------------------------


@pytest.fixture
def piped_card(practice, store, clock) -> Scorecard:
    """A saved card whose why and trainee hold pipes (they must not break the table)."""
    result = ScoreResult(
        items=(
            ScoreItem("greeting", "Greeting", "pass", 'said "a | b"'),
            ScoreItem("apology", "Apology", "n/a", "Not a complaint."),
            ScoreItem("holds", "Holds", "fail", "3 holds;\n2 allowed."),
        ),
        passed=1,
        applicable=2,
    )
    card_id = _save(store, practice.call_id, "Ann | Jones", clock.now(), result)
    with store.read() as session:
        card = scorecard.get_scorecard(session, card_id)
        session.expunge(card)
        return card


def test_markdown_export(piped_card):
    """A heading with trainee, scenario, date and score, then one table row per item, pipes escaped."""
    text = scorecard.to_markdown(piped_card)
    lines = text.splitlines()
    assert lines[0] == r"## Ann \| Jones - Printer offline before a deadline - 2026-03-10 14:00 UTC - 1/2"
    rows = [line for line in lines if line.startswith("| ")]
    assert rows[0] == "| Item | Result | Why |"
    assert rows[1:] == [
        r'| Greeting | pass | said "a \| b" |',
        "| Apology | n/a | Not a complaint. |",
        "| Holds | fail | 3 holds; 2 allowed. |",
    ]
    for row in rows:  # exactly four unescaped pipes: three cells
        assert row.replace(r"\|", "").count("|") == 4
    assert "2026-03-10 14:00 GMT" in scorecard.to_markdown(piped_card, zone=ZONE)


def test_json_export(piped_card):
    """Stable keys, ISO time in UTC, the items as saved; it serialises as JSON."""
    data = scorecard.to_json(piped_card)
    assert list(data) == [
        "id", "call_id", "scenario_key", "scenario_title", "trainee", "analyst_id", "scored_at",
        "passed", "applicable", "score", "items", "trainer_note",
    ]
    assert data["scored_at"] == "2026-03-10T14:00:00+00:00"
    assert (data["trainee"], data["score"], data["scenario_key"]) == ("Ann | Jones", "1/2", "printer-offline")
    assert data["items"][0] == {"key": "greeting", "label": "Greeting", "result": "pass", "why": 'said "a | b"'}
    assert json.loads(json.dumps(data)) == data


# --- the schema ----------------------------------------------------------------------


def test_migration_0005_downgrades_and_upgrades(tmp_path: Path):
    """0005 adds the scorecard table and its index; its downgrade removes them."""
    from alembic import command
    from alembic.config import Config

    path = tmp_path / "schema.db"
    store = db.open_store(db.target_for(path, None))
    try:
        engine = store.engine
        assert migrate.head_revision() >= "0005"

        def tables() -> dict[str, list[str]]:
            with engine.connect() as connection:
                found = inspect(connection)
                return {
                    name: [index["name"] for index in found.get_indexes(name)]
                    for name in found.get_table_names()
                }

        assert tables()["scorecard"] == ["ix_scorecard_trainee_scored"]
        config = Config()
        config.set_main_option("script_location", "deskcli.store:migrations")
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
            connection.commit()
        assert "scorecard" not in tables()
        assert migrate.upgrade(engine).to_revision == migrate.head_revision()
        assert "scorecard" in tables()
    finally:
        store.dispose()


# --- deskcli scorecards --------------------------------------------------------------


@pytest.fixture
def filled_db(practice, store, db_path, clock) -> Path:
    """The test database with two scorecards of Ann's and one of Bob's."""
    start = clock.now()
    _save(store, practice.call_id, "Ann Jones", start)
    _save(store, practice.call_id, "Ann Jones", start + timedelta(days=1))
    _save(store, practice.call_id, "Bob | Smith", start + timedelta(days=2))
    store.dispose()
    return db_path


def invoke(*args: str):
    return CliRunner().invoke(cli, ["scorecards", *args], catch_exceptions=False)


def test_cli_table_lists_newest_first(filled_db):
    """The default table: date (office time), trainee, scenario, score."""
    result = invoke("--db", str(filled_db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Date", "Trainee", "Scenario", "Score"]
    assert lines[1].startswith("2026-03-12 14:00  Bob | Smith")
    assert lines[2].startswith("2026-03-11 14:00  Ann Jones") and lines[2].endswith("1/1")
    assert len(lines) == 4


def test_cli_json_for_one_trainee(filled_db):
    """JSON is a list of full scorecards; --trainee filters."""
    result = invoke("--db", str(filled_db), "--trainee", "ann jones", "--format", "json")
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)
    assert [card["scored_at"] for card in cards] == ["2026-03-11T14:00:00+00:00", "2026-03-10T14:00:00+00:00"]
    assert {card["trainee"] for card in cards} == {"Ann Jones"}
    assert cards[0]["items"] == [{"key": "greeting", "label": "Greeting", "result": "pass", "why": "ok"}]


def test_cli_markdown_to_a_file(filled_db, tmp_path):
    """--output writes the export to a file instead of the terminal."""
    target = tmp_path / "cards.md"
    result = invoke("--db", str(filled_db), "--format", "markdown", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Scorecards\n")
    assert text.count("\n## ") == 3
    assert r"## Bob \| Smith - Printer offline before a deadline - 2026-03-12 14:00 GMT - 1/1" in text


def test_cli_without_a_database_lists_nothing_and_creates_nothing(tmp_path):
    """The default is the demo database; when it does not exist yet, nothing is created."""
    result = invoke("--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    assert "no scorecards yet" in result.stderr
    assert not paths.demo_db_path().exists()
    missing = tmp_path / "none.db"
    assert invoke("--db", str(missing)).stdout == "No scorecards.\n"
    assert not missing.exists()


def test_cli_reports_an_unusable_database(tmp_path):
    """A file that is not a database is one error message and exit status 2."""
    bad = tmp_path / "bad.db"
    bad.write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(cli, ["scorecards", "--db", str(bad)])
    assert result.exit_code == 2
    assert "deskcli: error:" in result.stderr
    assert "Traceback" not in result.output


def test_scored_at_is_utc_in_exports_even_from_another_zone(practice, store):
    """A card scored with a non-UTC aware time is stored and exported in UTC."""
    when = datetime(2026, 3, 10, 15, 30, tzinfo=ZoneInfo("Europe/Paris"))
    card_id = _save(store, practice.call_id, "Ann", when)
    with store.read() as session:
        data = scorecard.to_json(scorecard.get_scorecard(session, card_id))
    assert data["scored_at"] == datetime(2026, 3, 10, 14, 30, tzinfo=UTC).isoformat()


def test_declined_close_needs_a_call_back_booked_to_follow_through(practice, clock):
    """A customer not yet satisfied is followed through: a call-back booked passes, nothing fails."""
    practice.greet()
    practice.confirm_name()
    practice.acknowledge()
    practice.resolve()
    practice.agree(False)
    assert practice.score(RESOLVE).item("follow_up").result == "fail"
    practice.promise(CommitmentKind.CALLBACK, clock.now() + timedelta(hours=1))
    item = practice.score(RESOLVE).item("follow_up")
    assert (item.result, item.why) == ("pass", "Left open with a call-back booked for Tue 10 Mar 15:00.")


def test_an_agreement_the_scripted_caller_never_gave_fails(practice):
    """The caller objects to closing (the scenario says so): recording their agreement and closing fails the item."""
    practice.greet()
    practice.confirm_name()
    practice.acknowledge()
    practice.escalate("senior_staff", ["customer_request", "sla_breached"])
    practice.resolve(article=None)
    practice.agree()
    practice.close()
    item = practice.score(OUTAGE).item("agreement")
    assert OUTAGE.caller_agrees is False
    assert item.result == "fail" and "never gave" in item.why


def test_an_agreement_recorded_without_closing_fails_too_when_the_caller_objects(practice):
    practice.greet()
    practice.escalate("senior_staff", ["customer_request", "sla_breached"])
    practice.agree()
    item = practice.score(OUTAGE).item("agreement")
    assert item.result == "fail" and "did not agree" in item.why


def test_a_scenario_can_say_the_caller_does_not_agree_even_when_resolved(practice):
    """agrees_to_close = false on a resolve scenario: asking and leaving it open passes; closing fails."""
    not_yet = Expected(outcome="resolve", article="printer-offline", agrees_to_close=False)
    practice.model_resolved_call()  # ends with agree() and close()
    assert practice.score(not_yet).item("agreement").result == "fail"
    assert practice.score(RESOLVE).item("agreement").result == "pass"
