"""The assessment's rules on screen (issue 13): elevation, a complaint valid or not and
what to say for each, the supervisor's notice, the read-back, the long-hold prompt."""

from __future__ import annotations

from datetime import timedelta
from email.parser import BytesParser
from email.policy import default as default_policy

import pytest
from textual.widgets import Checkbox, Input

from console import answer, console, events_of, only_call, ready, seed, settle, text_of, type_text, with_runtime
from deskcli.models import CustomerCreate, EventKind
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.elevate import ElevateScreen
from deskcli.screens.keys import keys_text
from deskcli.screens.resolve import ResolveScreen
from deskcli.services.records.timeline import timeline

pytestmark = pytest.mark.usefixtures("analyst_profile")

SIOBHAN = CustomerCreate(name="Siobhan O'Neill", organisation="Northwind Traders", phones=["020 7946 0000"])


def header(app) -> str:
    return str(app.screen.query_one("#call-header").render())


def notices(app) -> str:
    return " | ".join(f"{n.title}: {n.message}" for n in app.notices.current())


async def to_assessment(app, pilot, summary: str = "parcel has not arrived") -> None:
    await ready(app, pilot)
    await answer(app, pilot, "siob")
    await pilot.press("f3")
    await settle(app, pilot)
    assert isinstance(app.screen, AssessmentScreen)
    await type_text(pilot, summary)
    await pilot.pause(0.5)  # saved after a quiet moment
    await settle(app, pilot)


def in_view(app, selector: str) -> bool:
    """The widget is drawn inside the visible part of the assessment form (not scrolled away)."""
    form = app.screen.query_one("#assessment-body")
    widget = app.screen.query_one(selector)
    return widget.region.height > 0 and form.region.contains_region(widget.region)


def timeline_of(db_path, clock, call_id: int):
    def read(runtime):
        with runtime.store.read() as session:
            return timeline(session, call_id)

    return with_runtime(db_path, clock, read)


def kinds_of(db_path, clock) -> list[str]:
    call = with_runtime(db_path, clock, only_call)
    return [event.kind for event in with_runtime(db_path, clock, lambda rt: events_of(rt, call.id))]


# --- elevation ---------------------------------------------------------------------------------------

async def test_elevation_raises_the_priority_and_never_lowers_it(db_path, clock):
    """ctrl+l: P2 with a reason goes on the timeline and into the header; lowering is refused in
    words; the assessment's lower derived priority then leaves the elevated one standing."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_assessment(app, pilot, "payroll export fails")
        assert "P4" in header(app)  # low impact, urgency not asked
        assert "Raise priority - Elevation: raise the call's priority" in keys_text(app.screen).plain  # in F1
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, ElevateScreen)
        assert "Now P4 low" in text_of(app, "#elevate-now")
        await pilot.press("2")  # P2 high → the reason
        await type_text(pilot, "payroll is due at 16:00")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert "P2 elevated · SLA" in header(app)
        assert "raised to P2 high" in notices(app) and "resolve by" in notices(app)
        assert "P2 high stands - elevated by hand: payroll is due at 16:00" in text_of(app, "#priority")

        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.press("3")
        await type_text(pilot, "not so urgent after all")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ElevateScreen)  # refused: the dialog stays, the words typed too
        refusal = text_of(app, "#elevate-error")
        assert "P3 medium is lower than P2 high" in refusal and "only ever raises" in refusal
        await pilot.press("escape")
        await settle(app, pilot)

        app.screen.query_one("#urgency").focus()
        await pilot.press("l")  # urgency low: the assessment alone gives P4
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert "the assessment alone gives P4" in text_of(app, "#priority")
    call = with_runtime(db_path, clock, only_call)
    assert call.urgency == "low" and call.priority == 2
    lines = timeline_of(db_path, clock, call.id)
    elevated = [line for line in lines if line.kind == EventKind.PRIORITY_ELEVATED]
    assert [(e.what, e.detail) for e in elevated] == [
        ("priority raised by hand (elevation): P4 → P2", "payroll is due at 16:00"),
    ]


# --- a complaint, valid or not ----------------------------------------------------------------------

async def test_a_complaint_not_valid_shows_empathise_then_correct_in_view(db_path, clock):
    """ctrl+t asks valid or not; until judged, neither advice shows; "n" shows "Empathise, then
    correct" under the complaint, in view at 80x24, with seed 002's de-personalise prompt."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_assessment(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert app.screen.focused is app.screen.query_one("#complaint-valid")
        assert in_view(app, "#complaint-prompts")  # what to say, on screen at once
        advice = text_of(app, "#complaint-prompts")
        assert "Apologise and empathise" in advice
        assert "De-personalize what you are hearing" in advice and "you want to help and are there to help" in advice
        assert "Empathise, then correct" not in advice and "Be accurate and honest" not in advice
        await pilot.press("n")  # not valid: they have the facts wrong
        await pilot.pause(0.5)
        await settle(app, pilot)
        advice = text_of(app, "#complaint-prompts")
        assert "Empathise, then correct" in advice and "I know it made the post" in advice
        assert "Be accurate and honest" not in advice
        assert in_view(app, "#complaint-prompts")
        assert app.screen.focused is app.screen.query_one("#complaint-steps")
        assert app.screen.query_one("#supervisor-told").has_class("hidden")  # only for a valid one
    call = with_runtime(db_path, clock, only_call)
    assert call.is_complaint and call.complaint_valid is False


def siobhan_calls(db_path, clock):
    """The console, with Siobhan O'Neill on record."""
    seed(db_path, clock, SIOBHAN)
    return console(db_path, clock)


async def mark_valid(app, pilot) -> None:
    """The technician did not turn up: a complaint (ctrl+t), valid (y)."""
    await to_assessment(app, pilot, "technician did not turn up")
    await pilot.press("ctrl+t", "y")
    await settle(app, pilot)


async def test_a_valid_complaint_tells_the_supervisor(db_path, clock, monkeypatch):
    """"y": the valid advice and "I'll let my supervisor know"; ticking it said mails the
    supervisor (named in the settings) through the outbox and logs it; the tick stays done."""
    monkeypatch.setenv("DESKCLI_SUPERVISOR__NAME", "Priya Shah")
    monkeypatch.setenv("DESKCLI_SUPERVISOR__EMAIL", "priya.shah@helpdesk.example")
    app = siobhan_calls(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await mark_valid(app, pilot)
        advice = text_of(app, "#complaint-prompts")
        assert "Be accurate and honest" in advice and "I'll let my supervisor know that you have had to call us" in advice
        assert "Empathise, then correct" not in advice
        await type_text(pilot, "technician by 15:00, ring back 15:05")
        await pilot.press("enter")  # to the supervisor's tick
        tick = app.screen.query_one("#supervisor-told", Checkbox)
        assert app.screen.focused is tick
        await pilot.press("space")  # said it
        await settle(app, pilot)
        assert tick.value and tick.disabled
        assert "Supervisor Priya Shah (the supervisor setting) told" in notices(app)
        assert "outbox" in notices(app)
    outbox = with_runtime(db_path, clock, lambda rt: rt.settings.outbox())
    [mail] = list(outbox.glob("*.eml"))
    message = BytesParser(policy=default_policy).parse(mail.open("rb"))
    assert message["To"] == "priya.shah@helpdesk.example"
    assert message["Subject"] == "[HD-000001] Valid complaint: technician did not turn up"
    assert message["X-Deskcli-Kind"] == "supervisor_notice"
    body = message.get_content()
    assert "I told the customer I would let you know" in body and "ring back 15:05" in body
    assert kinds_of(db_path, clock).count(EventKind.SUPERVISOR_NOTIFIED) == 1


async def test_no_supervisor_named_is_refused_in_words(db_path, clock):
    """Nobody named (no setting, nobody in the directory): the tick goes back and says what to set."""
    app = siobhan_calls(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await mark_valid(app, pilot)
        tick = app.screen.query_one("#supervisor-told", Checkbox)
        tick.focus()
        await pilot.press("space")
        await settle(app, pilot)
        assert not tick.value and not tick.disabled
        assert "No supervisor is named for Help Desk" in notices(app) and "[supervisor]" in notices(app)
    assert EventKind.SUPERVISOR_NOTIFIED not in kinds_of(db_path, clock)


# --- the read-back ----------------------------------------------------------------------------------

async def test_read_back_follows_a_correction_and_is_recorded(db_path, clock):
    """ctrl+s shows the read-back; the caller corrects it, the line follows; ctrl+s records what
    it said, "problem read back and confirmed", and goes on. Back again, one ctrl+s goes on."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_assessment(app, pilot, "vpn drops")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert '"vpn drops"' in text_of(app, "#read-back") and "no wider impact known" in text_of(app, "#read-back")
        people = app.screen.query_one("#people", Input)
        people.focus()
        await type_text(pilot, "4")  # "no, four of us"
        await settle(app, pilot)
        assert "4 people affected" in text_of(app, "#read-back")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ResolveScreen)
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.screen.query_one("#read-back").has_class("hidden")
        await pilot.press("ctrl+s")  # confirmed as it stands: straight on
        await settle(app, pilot)
        assert isinstance(app.screen, ResolveScreen)
    call = with_runtime(db_path, clock, only_call)
    lines = timeline_of(db_path, clock, call.id)
    [read] = [line for line in lines if line.kind == EventKind.PROBLEM_READ_BACK]
    assert read.what == "problem read back and confirmed"
    assert '"vpn drops"' in read.detail and "4 people affected" in read.detail


# --- the long hold ----------------------------------------------------------------------------------

async def test_long_hold_shows_the_policy_prompt(db_path, clock):
    """Past offer_callback_after_seconds (120 s) the header shows the long_hold prompt in full."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "siob")
        await pilot.press("f8")
        await settle(app, pilot)
        clock.advance(timedelta(seconds=100))
        app.screen.query_one("#call-header").refresh()
        await pilot.pause()
        assert "too long" in header(app) and "Offer a call-back" not in header(app)
        clock.advance(timedelta(seconds=21))
        app.screen.query_one("#call-header").refresh()
        await pilot.pause()
        text = " ".join(header(app).split())
        assert "Offer a call-back: This hold is running long. Ask if they would prefer a call-back instead of waiting." in text
        assert "offer a call-back instead of more waiting" not in text  # the prompt takes its place
