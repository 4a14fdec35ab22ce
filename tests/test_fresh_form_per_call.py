"""No answer of one call survives into the next: two calls in one session, every stage.

The first call fills every field, radio-like choice, tick and list of every stage and
is closed with the customer's agreement and satisfaction 5. The second call then
finds every stage empty - and ``ctrl+s`` / ``y`` on its close screen cannot close it
"with the customer's agreement" that nobody gave.
"""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input, OptionList, TextArea

from console import answer, console, only_call, ready, seed, settle, text_of, type_text, with_runtime
from deskcli.models import Call, CallStatus, CustomerCreate
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.close import CloseScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.resolve import ResolveScreen
from deskcli.widgets.choice import Choice
from deskcli.widgets.tick_list import TickList
from deskcli.widgets.time_field import TimeField

pytestmark = pytest.mark.usefixtures("analyst_profile")

FIRST = CustomerCreate(name="Siobhan O'Neill", organisation="Northwind", phones=["020 7946 0000"], email="s@northwind.example")
SECOND = CustomerCreate(name="Rahul Verma", organisation="Contoso", phones=["020 7946 0999"])


async def _fill_every_stage(app, pilot) -> dict:
    """The first call: every field of every stage answered, then closed with agreement."""
    screen = app.screen
    assert isinstance(screen, GreetingScreen)
    await type_text(pilot, "S-I-O")
    await pilot.press("enter")
    await type_text(pilot, "shi-VAWN")
    await pilot.press("ctrl+r")
    await settle(app, pilot)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, AssessmentScreen)
    await type_text(pilot, "printer offline")
    await pilot.press("enter", "h", "h", "v")  # category, urgency high, business severe
    await type_text(pilot, "4")
    await pilot.press("enter")
    await type_text(pilot, "2")
    for box in ("#executive", "#security", "#complaint"):
        app.screen.query_one(box, Checkbox).value = True
    await settle(app, pilot)
    app.screen.query_one("#complaint-valid", Choice).focus()
    await pilot.press("y")  # valid
    app.screen.query_one("#complaint-steps", Input).focus()
    await type_text(pilot, "ring back")
    app.screen.query_one("#notes", TextArea).focus()
    await type_text(pilot, "tried a restart")
    await settle(app, pilot)
    await pilot.press("f4")
    await settle(app, pilot)
    assert isinstance(app.screen, ResolveScreen)
    await pilot.press("ctrl+t")  # the escalate pane: tick a trigger, change the route
    triggers = app.screen.query_one("#triggers", TickList)
    triggers.focus()
    triggers.highlighted = 1
    await pilot.press("space")
    app.screen.query_one("#route", Choice).focus()
    await pilot.press("3")
    app.screen.query_one("#cause", Choice).focus()
    await pilot.press("l")  # the analyst's own cause
    app.screen.query_one("#channel", Choice).focus()
    await pilot.press("e")  # contact by e-mail from now on
    app.screen.query_one("#time-to-fix", Input).focus()
    await type_text(pilot, "2 hours")
    app.screen.query_one("#next-contact", TimeField).input.focus()
    await type_text(pilot, "+1h")
    app.screen.query_one("#callback-pref", Input).focus()
    await type_text(pilot, "after 2pm")
    await pilot.press("ctrl+r")  # the resolve pane after all
    await type_text(pilot, "cleared the queue")
    app.screen.query_one("#instructions", TextArea).focus()
    await type_text(pilot, "print a test page")
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, CloseScreen)
    app.screen.query_one("#prevention", TextArea).focus()
    await type_text(pilot, "check the queue daily")
    app.screen.query_one("#comment", Input).focus()
    await type_text(pilot, "great help")
    app.screen.query_one("#satisfaction", Choice).focus()
    await pilot.press("5")
    await pilot.press("y")
    await settle(app, pilot)
    first = with_runtime(app.options.db, app.runtime.clock, only_call)
    assert first.status == CallStatus.CLOSED and first.satisfaction == 5
    fields = {"greeting": "#confirm-spelling", "assessment": "#summary", "resolve": "#resolution", "close": "#satisfaction"}
    used = {name: app.get_screen(name).query_one(selector) for name, selector in fields.items()}
    await pilot.press("ctrl+g")
    await settle(app, pilot)
    return used


def _second_call(runtime) -> Call:
    from sqlmodel import col, select

    with runtime.store.read() as session:
        return session.exec(select(Call).order_by(col(Call.id).desc())).first()


async def test_nothing_of_the_first_call_shows_on_the_second(db_path, clock):
    seed(db_path, clock, FIRST, SECOND)
    app = console(db_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "siob")
        used = await _fill_every_stage(app, pilot)

        await answer(app, pilot, "rahul")
        assert app.flow.call_id is not None and app.flow.view.customer.name == "Rahul Verma"
        greeting = app.screen
        assert isinstance(greeting, GreetingScreen)
        # Every form is built afresh (new widgets, new per-call state), not reset by hand.
        for name, widget in used.items():
            assert not widget.is_attached, name  # the first call's widget is gone
            assert app.get_screen(name).query_one(f"#{widget.id}") is not widget, name
        assert greeting.query_one("#confirm-spelling", Input).value == ""
        assert greeting.query_one("#confirm-pronunciation", Input).value == ""
        assert greeting.form.confirmed_here is False and greeting.form.acknowledged_here is False

        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        for selector in ("#summary", "#people", "#departments", "#complaint-steps"):
            assert screen.query_one(selector, Input).value == "", selector
        for selector in ("#category", "#urgency", "#business"):
            assert screen.query_one(selector, Choice).value is None, selector
        for selector in ("#executive", "#security", "#complaint"):
            assert screen.query_one(selector, Checkbox).value is False, selector
        assert screen.query_one("#complaint-valid", Choice).value is None
        assert screen.query_one("#notes", TextArea).text == ""
        assert screen.query_one("#suggestions", OptionList).option_count == 0
        assert "Which device" not in text_of(app, "#questions")
        assert screen.focused is screen.query_one("#summary")

        await pilot.press("f4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResolveScreen)
        assert screen.form.pane == "resolve" and not screen.form.pane_chosen
        assert not screen.escalate_pane.state.route_chosen and not screen.escalate_pane.state.cause_chosen
        assert screen.query_one("#resolution", TextArea).text == ""
        assert screen.query_one("#instructions", TextArea).text == ""
        assert screen.query_one("#triggers", TickList).ticked == set()  # nothing holds, nothing ticked
        assert screen.query_one("#route", Choice).value is None and screen.query_one("#tier", Choice).value is None
        assert screen.query_one("#cause", Choice).value is None
        assert screen.escalate_pane.channel is None  # the customer's channel kept, as on any new call
        for selector in ("#receiver", "#time-to-fix", "#callback-pref"):
            assert screen.query_one(selector, Input).value == "", selector
        assert screen.query_one("#next-contact", TimeField).value == ""
        assert "Rahul Verma" in screen.query_one("#handoff", TextArea).text  # composed for this call
        assert "Siobhan" not in screen.query_one("#handoff", TextArea).text

        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CloseScreen)
        assert screen.query_one("#satisfaction", Choice).value is None
        assert screen.query_one("#agreement", Choice).value is None
        assert screen.query_one("#comment", Input).value == ""
        assert screen.query_one("#summary", TextArea).text == ""
        assert screen.query_one("#prevention", TextArea).text == ""
        assert screen.query_one("#follow-up", Checkbox).value is True  # the default, not the last answer
        assert text_of(app, "#close-status") == ""
        await pilot.press("ctrl+s")  # the same keys as on the first call...
        await settle(app, pilot)
        assert "Ask the customer first" in text_of(app, "#close-status")

    second = with_runtime(db_path, clock, _second_call)
    assert second.customer_agreed_at is None and second.status == CallStatus.OPEN
    assert second.satisfaction is None and second.summary == "" and second.category is None
