"""Things that happen as time passes during a call: holds that run long, promises coming due."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console import answer, console, events_of, only_call, ready, seed, settle, with_runtime
from deskcli.models import CommitmentKind, CustomerCreate, EventKind
from deskcli.services.lifecycle import calls, commitments

pytestmark = pytest.mark.usefixtures("analyst_profile")


def header(app) -> str:
    return str(app.screen.query_one("#call-header").render())


async def test_hold_is_timed_warned_and_logged(db_path, clock):
    """F8 starts a hold shown in the header; past the limits it warns and suggests a call-back; F8 ends it, logged."""
    seed(db_path, clock, CustomerCreate(name="Hal Dover"))
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "hal")
        await pilot.press("f8")
        await settle(app, pilot)
        assert "HOLD 0:00" in header(app)
        clock.advance(timedelta(seconds=130))
        app.screen.query_one("#call-header").refresh()
        await pilot.pause()
        text = header(app)
        assert "HOLD 2:10" in text and "too long" in text and "call-back" in text
        await pilot.press("f8")
        await settle(app, pilot)
        assert "HOLD" not in header(app)
    call = with_runtime(db_path, clock, only_call)
    holds = [e for e in with_runtime(db_path, clock, lambda rt: events_of(rt, call.id)) if e.kind in (EventKind.HOLD_STARTED, EventKind.HOLD_ENDED)]
    assert [e.kind for e in holds] == [EventKind.HOLD_STARTED, EventKind.HOLD_ENDED]
    assert holds[1].payload == {"seconds": 130, "long": True}


async def test_promise_coming_due_notifies_ahead_and_when_due(db_path, clock):
    """With the clock moved, a promise is announced 10 minutes ahead, again when due, and counted in the header."""
    [customer_id] = seed(db_path, clock, CustomerCreate(name="Pat Wren"))

    def promise(runtime):
        with runtime.store.write() as session:
            call = calls.create_call(session, customer_id, runtime.actor())
            commitments.make_commitment(
                session, call.id, CommitmentKind.CALLBACK, clock.now() + timedelta(minutes=30), runtime.actor(),
                description="Ring Pat about the replacement laptop",
            )
            calls.end_talk(session, call.id, runtime.actor())

    with_runtime(db_path, clock, promise)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        assert not [n for n in app.notices.all if "Pat" in n.message]
        clock.advance(timedelta(minutes=21))
        app.check_promises()
        await settle(app, pilot)
        coming = [n for n in app.notices.all if n.title == "Promise coming up"]
        assert len(coming) == 1 and "Ring Pat" in coming[0].message
        app.check_promises()  # announced once only
        await settle(app, pilot)
        assert len([n for n in app.notices.all if n.title == "Promise coming up"]) == 1
        clock.advance(timedelta(minutes=10))
        app.check_promises()
        await settle(app, pilot)
        assert [n for n in app.notices.all if n.title == "Promise DUE now"]
        assert app.promises_due == 1
        await pilot.press("n")  # a new call: the header shows what is due
        await settle(app, pilot)
        assert "1 promise(s) due" in header(app)


async def test_many_promises_due_at_once_are_one_announcement_and_counted_in_full(db_path, clock):
    """Deskcli opened with 205 promises overdue: one pop-up naming the oldest, and the header counts all 205."""
    [customer_id] = seed(db_path, clock, CustomerCreate(name="Pat Wren"))

    def promises(runtime):
        with runtime.store.write() as session:
            call = calls.create_call(session, customer_id, runtime.actor())
            for minutes in range(1, 206):
                commitments.make_commitment(
                    session, call.id, CommitmentKind.CALLBACK, clock.now() + timedelta(minutes=minutes), runtime.actor(),
                    description=f"Ring Pat back ({minutes})",
                )
            calls.end_talk(session, call.id, runtime.actor())

    with_runtime(db_path, clock, promises)
    clock.advance(timedelta(hours=4))
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        app.check_promises()
        await settle(app, pilot)
        grouped = [n for n in app.notices.all if n.title == "Promises DUE now"]
        assert len(grouped) == 1
        assert "205 promises due or overdue" in grouped[0].message  # all of them, though one check reads 200 rows
        assert "Ring Pat back (1)" in grouped[0].message  # the oldest is named
        assert not [n for n in app.notices.all if n.title == "Promise DUE now"]
        assert app.promises_due == 205
        await pilot.press("n")
        await settle(app, pilot)
        assert "205 promise(s) due" in header(app)
