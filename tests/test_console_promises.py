"""On screen: the caller's name as said and spelt on every stage, the SLA response target,
call-backs with the number to ring and the office's call-back words, and the follow-up
call on a day the office is open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, Static, TextArea

from console import console, events_of, only_call, ready, seed, settle, type_text, with_runtime
from deskcli.models import Commitment, CommitmentKind, CustomerCreate, EventKind
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.close import CloseScreen
from deskcli.screens.followup import FollowUpScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.promise import PromiseScreen
from deskcli.screens.resolve import ResolveScreen
from deskcli.widgets.call_header import CallHeader
from deskcli.widgets.time_field import TimeField

pytestmark = pytest.mark.usefixtures("analyst_profile")

LONDON = ZoneInfo("Europe/London")
SIOBHAN = CustomerCreate(
    name="Siobhan O'Neill", name_spelling="S-I-O-B-H-A-N", pronunciation="shi-VAWN",
    organisation="Northwind Traders", phones=["020 7946 0000", "07700 900555"],
)
NAME_AS_SHOWN = "Siobhan O'Neill (say: shi-VAWN) spelt S-I-O-B-H-A-N"


def header(app) -> str:
    """The header's text as drawn now."""
    widget = app.screen.query_one(CallHeader)
    widget.refresh()
    return str(widget.render())


def loud(app, words: str) -> bool:
    """``words`` are in the header in bold reverse (a warning, not a plain countdown)."""
    text = app.screen.query_one(CallHeader).render()
    start = text.plain.index(words)
    return any(span.start <= start and span.end >= start + len(words) and "reverse" in str(span.style) for span in text.spans)


async def press(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)


async def fill(app, pilot, selector: str, text: str) -> None:
    """Focus a field of the current screen (its text is selected) and type over it."""
    widget = app.screen.query_one(selector)
    (widget.input if isinstance(widget, TimeField) else widget).focus()
    await pilot.pause()
    if text:
        await type_text(pilot, text)
    else:
        await pilot.press("backspace")
    await settle(app, pilot)


async def identify(app, pilot) -> None:
    """The phone rings (n), the caller is looked up and taken: the call record exists."""
    await press(app, pilot, "n")
    await type_text(pilot, "siob")
    await settle(app, pilot)
    await press(app, pilot, "enter")
    assert app.flow.call_id is not None


# --- the name on every stage -----------------------------------------------------------------


async def test_the_header_says_and_spells_the_name_on_every_stage(db_path, clock):
    """Seed "The Greeting": pronounce it correctly and spell it correctly, and use the name throughout the call -
    so the header shows both from the moment the caller is identified to the follow-up, at 80 columns."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await identify(app, pilot)
        seen = {}
        seen[type(app.screen)] = header(app)
        await press(app, pilot, "ctrl+r", "ctrl+s")  # reference given, name confirmed: on to the assessment
        assert isinstance(app.screen, AssessmentScreen)
        seen[type(app.screen)] = header(app)
        await type_text(pilot, "printer offline")
        await press(app, pilot, "enter", "h", "ctrl+s", "ctrl+s")  # category, saved, read back: on to resolve
        assert isinstance(app.screen, ResolveScreen)
        seen[type(app.screen)] = header(app)
        app.screen.query_one("#resolution", TextArea).focus()
        await type_text(pilot, "cleared the print queue")
        await press(app, pilot, "ctrl+s")  # resolved: on to close
        assert isinstance(app.screen, CloseScreen)
        seen[type(app.screen)] = header(app)
        await press(app, pilot, "5", "y")  # agreed and closed: the follow-up list
        assert isinstance(app.screen, FollowUpScreen)
        seen[type(app.screen)] = header(app)
    assert list(seen) == [GreetingScreen, AssessmentScreen, ResolveScreen, CloseScreen, FollowUpScreen]
    for screen, text in seen.items():
        assert NAME_AS_SHOWN in text, (screen.__name__, text)


async def test_a_spelling_confirmed_at_the_greeting_shows_from_then_on(db_path, clock):
    """A caller on record with no spelling: the spelling asked at the greeting appears in the header at once and stays."""
    seed(db_path, clock, CustomerCreate(name="Aoife Byrne", pronunciation="EE-fa", phones=["020 7946 0111"]))
    app = console(db_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        await press(app, pilot, "n")
        await type_text(pilot, "aoife")
        await settle(app, pilot)
        await press(app, pilot, "enter")
        assert "Aoife Byrne (say: EE-fa)" in header(app) and "spelt" not in header(app)
        await type_text(pilot, "A-O-I-F-E")
        await press(app, pilot, "ctrl+s")  # confirmed
        assert "Aoife Byrne (say: EE-fa) spelt A-O-I-F-E" in header(app)
        await press(app, pilot, "f3")
        assert "Aoife Byrne (say: EE-fa) spelt A-O-I-F-E" in header(app)


# --- the response target ---------------------------------------------------------------------------


async def test_the_header_counts_down_the_response_warns_then_says_late(db_path, clock):
    """Until the call is acknowledged the header shows the response target (P3: 2 business hours);
    at 75 % it warns with the due time on the notices line, past it RESPONSE LATE; ctrl+r answers it."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        await identify(app, pilot)  # Tue 14:00 London
        assert "SLA response 2h 00m left" in header(app) and not loud(app, "SLA response 2h 00m left")
        clock.advance(timedelta(minutes=95))
        text = header(app)
        assert "SLA response WARNING 25m left" in text and loud(app, "SLA response WARNING 25m left")
        assert "Response due 16:00: acknowledge the call to the caller" in text
        clock.advance(timedelta(minutes=32))
        text = header(app)
        assert "SLA RESPONSE LATE 7m over" in text and loud(app, "SLA RESPONSE LATE 7m over")
        assert "Response was due 16:00: get back to the caller now" in text
        await press(app, pilot, "ctrl+r")  # the reference given: responded (late)
        text = header(app)
        assert "response" not in text.lower()
        assert "SLA" not in text  # responded, and no priority yet: the resolution target waits for it
        await press(app, pilot, "ctrl+s", "f3")
        await type_text(pilot, "printer offline")
        await press(app, pilot, "enter", "h", "ctrl+s")  # assessed: the priority is set
        assert "SLA 3d 5h left" in header(app)  # P4 (one person, no urgency): 80 business hours less 2 h 07 m used


# --- call-backs ---------------------------------------------------------------------------------------


def promises(runtime) -> list[Commitment]:
    with runtime.store.read() as session:
        return list(session.exec(select(Commitment)))


async def test_a_call_back_proposes_the_time_the_number_and_the_words(db_path, clock):
    """The caller rang from their mobile: ctrl+o proposes a call-back to that number within the office's
    24 hours and shows the words to say; the number can be changed, must be there, and is kept."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock, caller_id="07700 900555")  # the phone system gives the mobile
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        assert app.flow.call_id is not None, "the caller id opens the caller's call"
        await press(app, pilot, "ctrl+o")
        assert isinstance(app.screen, PromiseScreen)
        assert app.screen.query_one("#number", Input).value == "07700 900555"
        assert app.screen.query_one(TimeField).value == "2026-03-11 14:00"  # Tue 14:00 + 24 hours, the desk open then
        say = app.screen.query_one("#say", Static)
        assert str(say.render()) == "Say: We'll call you back on 07700 900555 by tomorrow at 14:00."
        await fill(app, pilot, "#due", "tomorrow 10am")
        assert str(say.render()) == "Say: We'll call you back on 07700 900555 by tomorrow at 10:00."
        await fill(app, pilot, "#number", "")
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, PromiseScreen), "a call-back without a number is not saved"
        assert any("a call-back needs the number to ring" in n.message for n in app.notices.all)
        await fill(app, pilot, "#number", "020 7946 0999")
        assert str(say.render()) == "Say: We'll call you back on 020 7946 0999 by tomorrow at 10:00."
        await fill(app, pilot, "#what", "Ring with the engineer's time")
        await press(app, pilot, "ctrl+s")
        assert not isinstance(app.screen, PromiseScreen)

        await press(app, pilot, "f6")  # the follow-up list shows the number to ring
        table = app.screen.query_one("#all-promises", DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[4:] == ["call-back", "020 7946 0999", "Ring with the engineer's time"]

        clock.advance(timedelta(hours=19, minutes=55))  # Wed 09:55: coming up, with the number
        app.check_promises()
        await settle(app, pilot)
        coming = [n for n in app.notices.all if n.title == "Promise coming up"]
        assert coming and "(ring 020 7946 0999)" in coming[0].message

    [made] = with_runtime(db_path, clock, promises)
    assert (made.kind, made.contact_number) == (CommitmentKind.CALLBACK, "020 7946 0999")
    assert made.due_at == datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
    call = with_runtime(db_path, clock, only_call)
    events = with_runtime(db_path, clock, lambda rt: events_of(rt, call.id))
    created = next(e for e in events if e.kind == EventKind.CREATED)
    made_event = next(e for e in events if e.kind == EventKind.COMMITMENT_MADE)
    assert created.payload["caller_number"] == "07700 900555"
    assert made_event.payload["contact_number"] == "020 7946 0999"


async def test_another_promise_needs_no_number_and_says_no_call_back_words(db_path, clock):
    """"Other promise": the number is optional (the label says so) and the call-back words go away."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await identify(app, pilot)  # typed in, no caller id: the customer's first phone is proposed
        await press(app, pilot, "ctrl+o")
        assert app.screen.query_one("#number", Input).value == "020 7946 0000"
        assert app.screen.query_one("#say", Static).display
        app.screen.query_one("#kind").focus()
        await press(app, pilot, "o")
        assert not app.screen.query_one("#say", Static).display
        assert "(if any)" in str(app.screen.query_one("#number-label").render())
        await fill(app, pilot, "#number", "")
        await fill(app, pilot, "#what", "E-mail the form")
        await press(app, pilot, "ctrl+s")
        assert not isinstance(app.screen, PromiseScreen)
    [made] = with_runtime(db_path, clock, promises)
    assert (made.kind, made.contact_number, made.description) == (CommitmentKind.PROMISE, "", "E-mail the form")


# --- the follow-up call on a day the office opens ------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "proposed"),
    [
        (datetime(2026, 4, 2, 13, 0, tzinfo=UTC), "2026-04-07 10:00"),  # Thursday before Easter: not Good Friday or Easter Monday
        (datetime(2026, 5, 1, 13, 0, tzinfo=UTC), "2026-05-05 10:00"),  # Friday 1 May: not the bank holiday
        (datetime(2026, 12, 23, 14, 0, tzinfo=UTC), "2026-12-29 10:00"),  # not the office's closed 24th, nor Christmas
    ],
)
async def test_the_close_proposes_the_follow_up_on_the_next_business_day(db_path, clock, today, proposed):
    """The close screen books the relationship follow-up on the office calendar's next business day."""
    clock.set(today)
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await identify(app, pilot)
        await press(app, pilot, "f5")
        assert isinstance(app.screen, CloseScreen)
        field = app.screen.query_one("#follow-up-at", TimeField)
        assert field.value == proposed
        local = datetime.fromisoformat(proposed).replace(tzinfo=LONDON)
        assert field.result is not None and field.result.ok and field.result.when == local.astimezone(UTC)
