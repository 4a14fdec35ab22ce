"""Every report metric's definition, on a small hand-made desk, against numbers worked out by hand.

The desk (all times UTC; London is UTC+1 from Sunday 29 March 2026; Good Friday
3 April and Easter Monday 6 April are holidays in England) is built once through the
real services on a ManualClock. The report is for April 2026, as of 5 May 12:00.

| call | opened | priority | what happened |
|---|---|---|---|
| C1 | Tue 14 Apr 09:00 | P3 hardware | a 90 s hold, resolved with a known fix and closed at 09:10, scored 5 |
| C2 | Wed 15 Apr 09:00 | P3 network | closed 09:05 (4); reopened 3 days later, closed again (2) |
| C3 | Thu 16 Apr 09:00 | P4 accounts | closed 09:08; reopened 11 days later, closed again (5) |
| C4 | Fri 17 Apr 09:00 | P3 software, Ben | a call-back promised at 09:05, resolved 09:20 (3); call-back kept |
| C5 | Mon 20 Apr 09:00 | P2 network | escalated, hung up, next contact kept late; re-escalated, its next contact missed; closed Wed 22 (4) |
| C6 | Tue 21 Apr 09:00 | P3 service | escalated hierarchically, still open; its next contact overdue |
| C7 | Wed 22 Apr 20:00 | P1 access | a promise cancelled; closed 20:30 (24x7 clock) |
| C8 | Thu 23 Apr 09:00 | P2 email | never acknowledged; closed 10:00 |
| C9 | Thu 30 Apr 09:00 | P3 hardware | closed 09:05 (5): less than 7 days before the report |
| C10 | Thu 26 Mar 13:30 | P4 hardware | hung up at 13:40; closed Mon 13 Apr 08:00: SLA breached across the DST change |
| C11 | Thu 2 Apr 08:00 | P3 accounts | hung up at 08:10; closed Wed 8 Apr 15:30: SLA met thanks to the Easter holidays |
| C12 | Tue 10 Mar 14:00 | P3 hardware | closed at first contact (4): the previous period |
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from desk_builder import Desk, utc
from deskcli.core.clock import ManualClock
from deskcli.models import Call, CommitmentKind, KnowledgeArticle
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import knowledge
from deskcli.services.reports import render
from deskcli.services.reports.common import ReportContext
from deskcli.services.reports.report import ReportRequest, build_report
from deskcli.services.timekeeping import sla
from deskcli.store import db

ZONE = ZoneInfo("Europe/London")
NOW = utc(2026, 5, 5, 12)


@pytest.fixture(scope="module")
def desk(tmp_path_factory, policies) -> Desk:
    store = db.open_store(db.target_for(tmp_path_factory.mktemp("desk") / "desk.db", None))
    clock = ManualClock(utc(2026, 3, 1, 9))
    desk = Desk(store, clock, policies)
    desk.analyst("bsmith", "Ben Smith")
    with store.write() as session:
        knowledge.sync_shipped(session, Actor(None, clock))
    with store.read() as session:
        article = session.exec(select(KnowledgeArticle).where(KnowledgeArticle.category == "hardware")).first()
    siobhan = desk.customer("Siobhan O'Neill")
    marek = desk.customer("Marek Nowak", organisation="Calder Vale Housing", phone="0161 496 0001")
    calls: dict[str, int] = {}

    desk.at(utc(2026, 3, 10, 14))
    calls["C12"] = desk.call(siobhan, summary="Printer offline", category="hardware", priority=3)
    desk.wait(minutes=5)
    desk.close(calls["C12"], satisfaction=4)

    desk.at(utc(2026, 3, 26, 13, 30))
    calls["C10"] = desk.call(marek, summary="Laptop will not charge", category="hardware", priority=4)
    desk.wait(minutes=10)
    desk.hang_up(calls["C10"])

    desk.at(utc(2026, 4, 2, 8))
    calls["C11"] = desk.call(siobhan, summary="Locked out of payroll", category="accounts", priority=3)
    desk.wait(minutes=10)
    desk.hang_up(calls["C11"])
    desk.at(utc(2026, 4, 8, 15, 30))
    desk.close(calls["C11"])

    desk.at(utc(2026, 4, 13, 8))
    desk.ring_back(calls["C10"])
    desk.close(calls["C10"])
    desk.hang_up(calls["C10"])

    desk.at(utc(2026, 4, 14, 9))
    calls["C1"] = desk.call(siobhan, summary="Printer jams", category="hardware", priority=3)
    desk.wait(minutes=2)
    desk.hold(calls["C1"], 90)
    desk.at(utc(2026, 4, 14, 9, 10))
    desk.resolve(calls["C1"], "Cleared the jam", article_id=article.id)
    desk.close(calls["C1"], satisfaction=5)

    desk.at(utc(2026, 4, 15, 9))
    calls["C2"] = desk.call(marek, summary="Wi-fi drops", category="network", priority=3)
    desk.wait(minutes=5)
    desk.close(calls["C2"], satisfaction=4)
    desk.at(utc(2026, 4, 18, 10))
    desk.reopen(calls["C2"])
    desk.wait(minutes=30)
    desk.close(calls["C2"], satisfaction=2)

    desk.at(utc(2026, 4, 16, 9))
    calls["C3"] = desk.call(siobhan, summary="Password expired", category="accounts", priority=4)
    desk.wait(minutes=8)
    desk.close(calls["C3"])
    desk.at(utc(2026, 4, 27, 9))
    desk.reopen(calls["C3"])
    desk.wait(minutes=20)
    desk.close(calls["C3"], satisfaction=5)

    desk.at(utc(2026, 4, 17, 9))
    calls["C4"] = desk.call(marek, summary="Spreadsheet crashes", category="software", priority=3, handle="bsmith")
    desk.wait(minutes=5)
    callback = desk.promise(calls["C4"], CommitmentKind.CALLBACK, timedelta(hours=2))
    desk.at(utc(2026, 4, 17, 9, 20))
    desk.close(calls["C4"], satisfaction=3, handle="bsmith")
    desk.wait(minutes=10)
    desk.keep(callback)

    desk.at(utc(2026, 4, 20, 9))
    calls["C5"] = desk.call(siobhan, summary="VPN drops", category="network", priority=2)
    desk.wait(minutes=10)
    desk.escalate(calls["C5"], "technical_experts", next_contact_in=timedelta(hours=3))
    desk.wait(minutes=2)
    desk.hang_up(calls["C5"])
    desk.at(utc(2026, 4, 20, 12, 40))
    with store.read() as session:
        from deskcli.models import Commitment

        first = session.exec(select(Commitment).where(Commitment.call_id == calls["C5"])).one()
    desk.keep(first.id)
    desk.at(utc(2026, 4, 21, 9))
    desk.escalate(calls["C5"], "suppliers", next_contact_in=timedelta(hours=2))
    desk.at(utc(2026, 4, 21, 12))
    with store.read() as session:
        second = session.exec(
            select(Commitment).where(Commitment.call_id == calls["C5"], Commitment.outcome == None)  # noqa: E711
        ).one()
    desk.miss(second.id)

    desk.at(utc(2026, 4, 21, 9))
    calls["C6"] = desk.call(marek, summary="Refund not received", category="service", priority=3)
    desk.wait(minutes=5)
    desk.escalate(calls["C6"], "senior_staff", next_contact_in=timedelta(hours=2))
    desk.wait(minutes=1)
    desk.hang_up(calls["C6"])

    desk.at(utc(2026, 4, 22, 10))
    desk.close(calls["C5"], satisfaction=4)

    desk.at(utc(2026, 4, 22, 20))
    calls["C7"] = desk.call(siobhan, summary="Suspicious login alert", category="access", priority=1)
    promise = desk.promise(calls["C7"], CommitmentKind.PROMISE, timedelta(hours=1))
    desk.wait(minutes=10)
    desk.cancel(promise)
    desk.at(utc(2026, 4, 22, 20, 30))
    desk.close(calls["C7"])

    desk.at(utc(2026, 4, 23, 9))
    calls["C8"] = desk.call(marek, summary="Mailbox full", category="email", priority=2, ack=False)
    desk.at(utc(2026, 4, 23, 10))
    desk.close(calls["C8"])

    desk.at(utc(2026, 4, 30, 9))
    calls["C9"] = desk.call(siobhan, summary="Monitor flickers", category="hardware", priority=3)
    desk.wait(minutes=5)
    desk.close(calls["C9"], satisfaction=5)

    desk.at(NOW)
    desk.calls = calls  # type: ignore[attr-defined]
    yield desk
    store.dispose()


def _report(desk: Desk, policies, period: str = "2026-04", by: str | None = None):
    context = ReportContext(policies, ZONE, policies.sla.calendar(ZONE), NOW)
    with desk.store.read() as session:
        return build_report(session, ReportRequest(period=period, by=by), context)


def _figures(report, metric: str, which: str = "current") -> dict:
    found = getattr(report.metric(metric), which)
    return {figure.key: figure for figure in found}


def _value(figure) -> tuple:
    """A figure as ``(numerator, denominator)`` for rates, else its value."""
    if figure.unit == "%":
        return (figure.numerator, figure.denominator)
    return figure.value


def test_first_contact_resolution(desk, policies):
    """Settled: C1 C2 C3 C4 C5 C7 C8 C10 C11 (9); at first contact: C1, C3 (reopened after 7 days), C7, C8 = 4.

    Not: C2 reopened within 7 days; C4 a call-back promised first; C5 escalated (and hung up
    first); C10 and C11 hung up before the resolution. C9 is provisional (30 April, and at
    first contact so far). In March: C12, at first contact.
    """
    figures = _figures(_report(desk, policies), "fcr")
    assert _value(figures["fcr"]) == (4, 9)
    assert round(figures["fcr"].value, 1) == 44.4
    assert _value(figures["provisional"]) == 1 and _value(figures["provisional_fcr"]) == (1, 1)
    assert (_value(figures["handed"]), _value(figures["contacted"]), _value(figures["callback"]), _value(figures["reopened"])) == (1, 3, 1, 1)
    assert _value(_figures(_report(desk, policies), "fcr", "previous")["fcr"]) == (1, 1)


def test_fcr_weekly_trend(desk, policies):
    """Weeks of 6 Apr: C11 (0/1); 13 Apr: C10 C1 C2 C3 C4 (2/5); 20 Apr: C5 C7 C8 (2/3); 27 Apr: only C9, provisional."""
    trend = {point.week.first.isoformat(): point.figure for point in _report(desk, policies).metric("fcr").trend}
    assert next(iter(trend)) == "2026-03-09" and list(trend)[-1] == "2026-04-27"
    assert _value(trend["2026-03-09"]) == (1, 1)
    assert _value(trend["2026-04-06"]) == (0, 1)
    assert _value(trend["2026-04-13"]) == (2, 5)
    assert _value(trend["2026-04-20"]) == (2, 3)
    assert trend["2026-04-27"].value is None


def test_fcr_by_analyst(desk, policies):
    groups = {group.label: group for group in _report(desk, policies, by="analyst").metric("fcr").groups}
    assert _value(groups["Ben Smith"].figures[0]) == (0, 1)
    assert _value(groups["Ann Jones"].figures[0]) == (4, 8)


def test_escalation_rate(desk, policies):
    """Handled in April: C1-C9 and C11 (10). Escalated: C5 (functional, re-routed), C6 (hierarchical)."""
    figures = _figures(_report(desk, policies), "escalation")
    assert _value(figures["rate"]) == (2, 10)
    assert _value(figures["functional"]) == (1, 10) and _value(figures["hierarchical"]) == (1, 10)
    assert _value(figures["rerouted"]) == (1, 2)
    assert _value(figures["reassignments"]) == 3  # C5 twice, C6 once
    assert _value(_figures(_report(desk, policies), "escalation", "previous")["rate"]) == (0, 2)  # C10, C12


def test_reopen_rate(desk, policies):
    """Reopens in April: C2, C3. Closes in April: C1 C2 C2 C3 C3 C4 C5 C7 C8 C9 C10 C11 = 12."""
    figures = _figures(_report(desk, policies), "reopen")
    assert _value(figures["rate"]) == (2, 12)


def test_promise_kept_rate(desk, policies):
    """Due in April: C4's call-back kept on time, C5's first next contact kept late and its second
    missed; C6's next contact still open and overdue; C7's promise cancelled (left out)."""
    figures = _figures(_report(desk, policies), "promises")
    assert _value(figures["rate"]) == (1, 3)
    assert _value(figures["late"]) == (1, 3) and _value(figures["missed"]) == (1, 3)
    assert _value(figures["cancelled"]) == 1 and _value(figures["open_overdue"]) == 1
    assert _value(figures["rate_callback"]) == (1, 1)
    assert _value(figures["rate_next_contact"]) == (0, 2)
    assert figures["rate_promise"].value is None  # its only promise was cancelled


def test_holds_and_handle_time(desk, policies):
    """One hold of 90 s over 10 calls. Talk until the first conversation ended, in seconds:
    C1 600, C2 300, C3 480, C4 1200, C5 720, C6 360, C7 1800, C8 3600, C9 300, C11 600 = 9960."""
    figures = _figures(_report(desk, policies), "handling")
    assert figures["hold_per_call"].value == 9.0
    assert figures["hold_per_hold"].value == 90.0
    assert figures["holds_per_call"].value == 0.1
    assert figures["long_holds"].value == 1
    assert figures["handle"].value == 996.0
    assert figures["talk"].value == 987.0  # less the 90 s on hold


def test_sla_compliance_across_dst_and_a_holiday(desk, policies):
    """Resolution, 12 closes in April: breached C5 (P2, 18 business hours) and C10 (P4: 80 business
    hours reached at 08:30 BST on 13 April; with the clocks read as UTC it would have been met);
    C11 is met only because Good Friday and Easter Monday do not count (23.5 of 24 hours).
    Response, 10 completed in April: C8 was never acknowledged and closed after its 30 minutes.
    Open and overdue now: C6."""
    figures = _figures(_report(desk, policies), "sla")
    assert _value(figures["resolution"]) == (10, 12)
    assert _value(figures["response"]) == (9, 10)
    assert _value(figures["overdue_now"]) == 1
    assert _value(figures["response_overdue_now"]) == 0


def test_sla_judgement_matches_the_sla_clock(desk, policies):
    """For every closed call, the report's verdict at close is the SLA clock's (sla.state_of)."""
    from deskcli.services.reports.service_levels import Judge, _pauses

    context = ReportContext(policies, ZONE, policies.sla.calendar(ZONE), NOW)
    judge = Judge(policies.sla, context, utc(2026, 3, 1), utc(2026, 6, 1))
    with desk.store.read() as session:
        closed = session.exec(select(Call).where(Call.closed_at != None)).all()  # noqa: E711
        timelines = sla.clock_events(session, [call.id for call in closed])
        for call in closed:
            state = sla.state_of(call, timelines[call.id], NOW, policies.sla, ZONE, context.calendar)
            events = [(e.kind, e.payload.get("from"), e.payload.get("to"), e.at.timestamp()) for e in timelines[call.id]]
            met = judge.resolution_met(call.priority, call.opened_at.timestamp(), call.closed_at.timestamp(),
                                       _pauses(events, list(policies.sla.pause_statuses)))
            assert met == (not state.breached), call.reference
    assert {call.reference: call.id for call in closed}  # the desk has closed calls to compare


def test_satisfaction(desk, policies):
    """Scores given at April closes: 5 (C1), 4 and 2 (C2), 5 (C3), 3 (C4), 4 (C5), 5 (C9): 7 of 12 closes."""
    figures = _figures(_report(desk, policies), "satisfaction")
    assert _value(figures["rate"]) == (5, 7)
    assert figures["average"].value == 4.0
    assert _value(figures["captured"]) == (7, 12)
    assert [_value(figures[f"score_{n}"])[0] for n in (5, 4, 3, 2, 1)] == [3, 2, 1, 1, 0]


def test_issues_by_category_and_known_fix(desk, policies):
    figures = _figures(_report(desk, policies), "issues")
    assert figures["calls"].value == 10
    counts = {key: figure.value for key, figure in figures.items() if key.startswith("category:")}
    assert counts == {"category:hardware": 2, "category:network": 2, "category:accounts": 2, "category:software": 1,
                      "category:service": 1, "category:access": 1, "category:email": 1}
    assert [key for key in figures if key.startswith("article:")] and sum(
        figure.value for key, figure in figures.items() if key.startswith("article:")
    ) == 1


def test_a_period_without_calls_says_so(desk, policies):
    report = _report(desk, policies, period="2025-01")
    assert _figures(report, "fcr")["fcr"].value is None
    assert "-" in render.as_table(report)


def test_an_empty_database_says_there_is_nothing_to_report(store, policies):
    context = ReportContext(policies, ZONE, policies.sla.calendar(ZONE), NOW)
    with store.read() as session:
        report = build_report(session, ReportRequest(period="2026-04"), context)
    assert report.empty
    assert "No calls on record yet" in render.as_table(report)


def test_every_format_holds_every_figure(desk, policies):
    report = _report(desk, policies, by="category")
    table, csv_text, json_text = render.as_table(report), render.as_csv(report), render.as_json(report)
    for metric in report.metrics:
        assert metric.title in table and metric.definition[:40] in table.replace("\n", " ")
    rows = csv_text.strip().splitlines()
    expected = sum(
        len(m.current) + len(m.previous) + sum(len(g.figures) for g in m.groups) + len(m.trend) for m in report.metrics
    )
    assert len(rows) == expected + 1  # and a header
    import json

    document = json.loads(json_text)
    assert [m["key"] for m in document["metrics"]] == [m.key for m in report.metrics]


def test_an_unanswered_call_breaches_its_response_once_the_time_has_run_out(store, clock, policies):
    """Response is judged for the calls opened in the period: one never acknowledged, past its 30
    minutes (P2), is breached; one opened 10 minutes before the report is still running, not judged.
    The first is also past its 8 business hours (6.5 on 28 April, 8.5 more on the 29th): overdue now."""
    desk = Desk(store, clock, policies)
    customer = desk.customer("Marek Nowak")
    desk.at(utc(2026, 4, 28, 9))
    desk.call(customer, summary="Mailbox full", priority=2, ack=False)
    desk.at(utc(2026, 4, 30, 10))
    desk.call(customer, summary="Mailbox full again", priority=2, ack=False)
    context = ReportContext(policies, ZONE, policies.sla.calendar(ZONE), utc(2026, 4, 30, 10, 10))
    with store.read() as session:
        report = build_report(session, ReportRequest(period="2026-04"), context)
    figures = _figures(report, "sla")
    assert _value(figures["response"]) == (0, 1)
    assert _value(figures["response_overdue_now"]) == 1 and _value(figures["overdue_now"]) == 1
