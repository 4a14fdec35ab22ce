"""The records screens driven by keys: history search, a past call's timeline (reopen, progress
call), the escalation review (marks, feedback meeting, export as scenario) and the report screen.

One key from the queue opens each of them (and the palette lists them); the other
tests push them directly on a running console.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, OptionList, Sparkline, Static

from console import console, events_of, ready, settle, type_text, with_runtime
from desk_builder import Desk
from deskcli.models import Commitment, EscalationReview, EventKind
from deskcli.screens.history import HistoryScreen
from deskcli.screens.reason import ReasonScreen
from deskcli.screens.report import ReportScreen
from deskcli.screens.review import ReviewScreen
from deskcli.screens.review_list import ReviewListScreen
from deskcli.screens.timeline import TimelineScreen
from deskcli.store import db

pytestmark = pytest.mark.usefixtures("analyst_profile")

SIZE = (100, 34)


def _desk(db_path, clock, policies) -> dict[str, int]:
    """A printer call closed, a VPN call escalated (still open), and a caller whose name is markup."""
    store = db.open_store(db.target_for(db_path, None))
    try:
        desk = Desk(store, clock, policies)
        siobhan = desk.customer("Siobhan O'Neill")
        odd = desk.customer("[@click=app.quit]x[/]", phone="0161 496 0002")
        start = clock.now()
        desk.at(start - timedelta(days=2))
        printer = desk.call(siobhan, summary="Printer offline on the second floor", category="hardware", priority=3)
        desk.wait(minutes=5)
        desk.close(printer, satisfaction=5)
        desk.at(start - timedelta(days=1))
        vpn = desk.call(siobhan, summary="VPN drops every ten minutes", category="network", priority=2,
                        people_affected=12, notes="Whole floor; tried another network")
        desk.escalate(vpn, handoff="Tried another network; logs attached", triggers=["several_people"])
        desk.hang_up(vpn)
        desk.at(start - timedelta(hours=1))
        strange = desk.call(odd, summary="[b]printer[/b] jammed", category="hardware")
        desk.at(start)
        return {"printer": printer, "vpn": vpn, "strange": strange}
    finally:
        store.dispose()


async def _open(app, pilot, screen) -> None:
    await ready(app, pilot)
    app.push_screen(screen)
    await settle(app, pilot)


async def _search(app, pilot, words: str) -> list[str]:
    """Type the words in the history and search: the lines found."""
    await type_text(pilot, words)
    await pilot.press("enter")
    await settle(app, pilot)
    return _history(app)


def _rows(app, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def _history(app) -> list[str]:
    """The lines of the history list as shown."""
    listed = app.screen.query_one("#history-table", OptionList)
    return [str(listed.get_option_at_index(index).prompt) for index in range(listed.option_count)]


async def test_history_search_by_keys_then_the_timeline(db_path, clock, policies):
    made = _desk(db_path, clock, policies)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, HistoryScreen())
        rows = await _search(app, pilot, "printer")
        assert [row.split()[0] for row in rows] == ["HD-000003", "HD-000001"]  # newest first
        assert "[@click=app.quit]" in rows[0] and "[b]printer[/b]" in rows[0]  # shown literally (cut to fit)
        # A filter narrows it; a bad one is named.
        app.screen.query_one("#history-filters", Input).focus()
        await type_text(pilot, "status:closed")
        await pilot.press("enter")
        await settle(app, pilot)
        assert [row.split()[0] for row in _history(app)] == ["HD-000001"]
        assert "Filters: status closed" in str(app.screen.query_one("#history-status", Static).render())
        # Down into the list; enter on the call opens it read only with its timeline.
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen) and app.screen.call_id == made["printer"]
        whats = [row[2] for row in _rows(app, "#timeline-table")]
        assert whats[0].startswith("call HD-000001 opened") and whats[-1] == "closed; satisfaction 5/5"
        # Reopen it, with a reason.
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonScreen)
        await type_text(pilot, "It went offline again")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert _rows(app, "#timeline-table")[-1][2] == "reopened"
        assert "It went offline again" in str(app.screen.query_one("#timeline-detail", Static).render())
        # And log a progress call on it.
        await pilot.press("p")
        await settle(app, pilot)
        await type_text(pilot, "asked for news")
        await pilot.press("enter")
        await settle(app, pilot)
        assert _rows(app, "#timeline-table")[-1][2] == "progress call from the customer"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
    kinds = [event.kind for event in with_runtime(db_path, clock, lambda rt: events_of(rt, made["printer"]))]
    assert kinds[-2:] == [EventKind.REOPENED, EventKind.CONTACT_LOGGED]


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("#history-query", '"', "no words to look for"),
    ("#history-query", "NEAR(", None),
    ("#history-filters", "escalated:maybe", "escalated: 'maybe': expected yes or no"),
    ("#history-filters", "colour:red", "'colour' is not a filter"),
    ("#history-filters", "period:fortnight", "period: 'fortnight' is not a period"),
])
async def test_bad_input_in_the_history_gets_a_message(db_path, clock, policies, field, typed, message):
    _desk(db_path, clock, policies)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, HistoryScreen())
        app.screen.query_one(field, Input).focus()
        await type_text(pilot, typed)
        await pilot.press("enter")
        await settle(app, pilot)
        status = str(app.screen.query_one("#history-status", Static).render())
        if message is None:  # "NEAR" is a word like any other: searched, nothing found
            assert status == "No calls match."
        else:
            assert message in status
        assert isinstance(app.screen, HistoryScreen)


async def test_the_escalation_review_by_keys(db_path, clock, policies, tmp_path, monkeypatch):
    made = _desk(db_path, clock, policies)
    folder = tmp_path / "office-scenarios"
    monkeypatch.setenv("DESKCLI_SCENARIO_DIR", str(folder))
    app = console(db_path, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(app, pilot, ReviewListScreen())
        summary = str(app.screen.query_one("#review-summary", Static).render())
        assert "1-1 of 1 escalated calls" in summary and "0-5 days: 1" in summary
        assert _rows(app, "#review-table")[0][0] == "HD-000002"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        checks = {row[0]: row[1] for row in _rows(app, "#review-checks")}
        assert set(checks) == {"When it was escalated", "The right department", "How well the problem was assessed",
                               "Was the customer happy", "Promises kept", "SLA met"}
        # Saving with a point unmarked is refused, naming it.
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert with_runtime(db_path, clock, lambda rt: _reviews(rt)) == []
        for score in "435423":
            await type_text(pilot, score)  # the score field (one digit) …
            await pilot.press("tab")  # … then its comment
            await type_text(pilot, "ok")
            await pilot.press("tab")
        feedback = app.screen.query_one("#feedback").input
        feedback.focus()
        await type_text(pilot, "+2d")
        await pilot.pause(0.2)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        reviews = with_runtime(db_path, clock, lambda rt: _reviews(rt))
        assert len(reviews) == 1 and [mark["score"] for mark in reviews[0].marks] == [4, 3, 5, 4, 2, 3]
        assert reviews[0].feedback_commitment_id is not None
        meeting = with_runtime(db_path, clock, lambda rt: _commitment(rt, reviews[0].feedback_commitment_id))
        assert meeting.kind == "feedback" and meeting.call_id == made["vpn"]
        assert "Reviews so far" in str(app.screen.query_one("#review-previous", Static).render())
        # Export as a practice caller into the office's scenario folder.
        await pilot.press("ctrl+e")
        await settle(app, pilot)
    exported = folder / "from-hd-000002.toml"
    assert exported.is_file() and "Siobhan" not in exported.read_text()


def _reviews(runtime) -> list[EscalationReview]:
    with runtime.store.read() as session:
        return list(session.exec(select(EscalationReview)))


def _commitment(runtime, commitment_id: int) -> Commitment:
    with runtime.store.read() as session:
        return session.get(Commitment, commitment_id)


async def test_the_report_screen_shows_every_metric_with_charts(db_path, clock, policies):
    _desk(db_path, clock, policies)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, ReportScreen(period="month", by="category"))
        for _ in range(20):
            if app.screen.report is not None:
                break
            await pilot.pause(0.1)
            await settle(app, pilot, rounds=1)
        report = app.screen.report
        assert report is not None and report.by == "category"
        keys = [metric.key for metric in report.metrics]
        for key in keys:
            assert app.screen.query_one(f"#report-{key}")
        assert app.screen.query(Sparkline)  # the weekly trend lines
        assert "worked out from the event log" in str(app.screen.query_one("#report-status", Static).render())
        # A bad period gets a message, and the last report stays.
        period = app.screen.query_one("#report-period", Input)
        period.value = "fortnight"
        period.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "period: 'fortnight' is not a period" in str(app.screen.query_one("#report-status", Static).render())
        assert app.screen.query_one("#report-fcr")


async def test_the_report_screen_on_an_empty_database_says_so(db_path, clock):
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, ReportScreen())
        for _ in range(20):
            if app.screen.report is not None:
                break
            await pilot.pause(0.1)
        assert "no calls on record yet" in str(app.screen.query_one("#report-status", Static).render())



async def test_the_records_screens_are_one_key_from_the_queue_and_in_the_palette(db_path, clock, policies):
    _desk(db_path, clock, policies)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+b")  # the call left in conversation was resumed: back to the queue
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"History (h)", "Reviews (e)", "Report (m)"} <= titles
        for key, kind in (("h", HistoryScreen), ("e", ReviewListScreen), ("m", ReportScreen)):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, kind), key
            await pilot.press("escape")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "HomeScreen"


async def test_history_and_the_review_list_page_by_keys(db_path, clock, policies):
    """] and [ page through the history (25 calls a screen) and the review list (50 a page); u in the
    review list shows only the escalations nobody has reviewed."""
    from deskcli.screens.history import SCREEN_PAGE
    from deskcli.services.records.review_list import PAGE

    store = db.open_store(db.target_for(db_path, None))
    try:
        desk = Desk(store, clock, policies)
        caller = desk.customer("Siobhan O'Neill")
        made = []
        for number in range(PAGE + 2):
            desk.wait(minutes=1)
            call = desk.call(caller, summary=f"Printer {number} offline", category="hardware", priority=3)
            desk.escalate(call)
            made.append(call)
        reviewed = made[0]
        desk.do(lambda s, by: s.add(EscalationReview(call_id=reviewed, reviewer_id=by.analyst_id, reviewed_at=by.now())))
    finally:
        store.dispose()
    app = console(db_path, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(app, pilot, HistoryScreen())
        await type_text(pilot, "printer")
        await pilot.press("enter")
        await settle(app, pilot)
        first_page = _history(app)
        assert len(first_page) == SCREEN_PAGE and first_page[0].startswith(f"HD-{PAGE + 2:06d}")  # newest first
        await pilot.press("down", "]")
        await settle(app, pilot)
        second_page = _history(app)
        assert len(second_page) == SCREEN_PAGE and second_page[0].startswith(f"HD-{PAGE + 2 - SCREEN_PAGE:06d}")
        await pilot.press("[")
        await settle(app, pilot)
        assert _history(app) == first_page
        app.pop_screen()
        await settle(app, pilot)
        app.push_screen(ReviewListScreen())
        await settle(app, pilot)
        assert len(_rows(app, "#review-table")) == PAGE
        assert f"1-{PAGE} of {PAGE + 2} escalated calls" in str(app.screen.query_one("#review-summary", Static).render())
        await pilot.press("]")
        await settle(app, pilot)
        assert len(_rows(app, "#review-table")) == 2
        await pilot.press("]")  # past the last page: stays
        await settle(app, pilot)
        assert len(_rows(app, "#review-table")) == 2
        await pilot.press("[", "u")
        await settle(app, pilot)
        shown = {row[0] for row in _rows(app, "#review-table")}
        assert f"HD-{1:06d}" not in shown  # the reviewed one is left out
        assert f"1-{PAGE} of {PAGE + 1} unreviewed escalations" in str(app.screen.query_one("#review-summary", Static).render())


async def test_a_closed_call_is_reopened_from_the_history_list_with_a_reason(db_path, clock, policies):
    """Where the analyst finds the closed call: ctrl+r on it asks why (required), then it is open again."""
    from deskcli.core.enums import Channel
    from deskcli.services.lifecycle import calls

    made = _desk(db_path, clock, policies)
    store = db.open_store(db.target_for(db_path, None))
    try:
        desk = Desk(store, clock, policies)
        siobhan = desk.customer("Siobhan O'Neill")
        emailed = desk.do(lambda s, by: calls.create_call(s, siobhan, by, channel=Channel.EMAIL)).id
        desk.do(lambda s, by: calls.update_assessment(s, emailed, by, summary="Printer toner low, by e-mail"))
        desk.hang_up(emailed)
    finally:
        store.dispose()
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, HistoryScreen())
        rows = await _search(app, pilot, "printer")
        assert "(e-mail) Printer" in rows[0]  # the channel, when it is not the phone
        assert [row.split()[0] for row in rows] == ["HD-000004", "HD-000003", "HD-000001"]
        await pilot.press("ctrl+r")  # the newest (an open call) is highlighted
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert any("HD-000004 is not closed" in notice.message for notice in app.notices.all)
        await pilot.press("down", "down", "down")  # into the list, onto the closed printer call
        await settle(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")  # no reason: refused, the dialog stays
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonScreen)
        await type_text(pilot, "Offline again this morning")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert any(notice.message == "HD-000001 reopened: it is open again." for notice in app.notices.all)
        printer = next(row for row in _history(app) if row.startswith("HD-000001"))
        assert " open " in printer and "closed" not in printer
    events = with_runtime(db_path, clock, lambda rt: events_of(rt, made["printer"]))
    assert events[-1].kind == EventKind.REOPENED and events[-1].payload["reason"] == "Offline again this morning"
