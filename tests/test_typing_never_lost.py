"""No typed word is lost: a failed save is kept and retried, every stage takes the words
typed on arrival, text is saved while typing goes on, and control characters inside
pasted text are neither keys nor stored."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest
from textual import events
from textual.widgets import Input, TextArea

from console import console, ready, settle, type_text, with_runtime
from deskcli.core.clock import SystemClock
from deskcli.models import Call
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.resolve import ResolveScreen
from deskcli.screens.stage import TAKES_INPUT
from deskcli.services.actions import assessment as assessment_actions
from test_notes_survive import Terminal
from test_quit_and_hang_up import call_in_assessment, until

pytestmark = pytest.mark.usefixtures("analyst_profile")


def call_of(db_path, clock, call_id: int) -> Call:
    def read(runtime):
        with runtime.store.read() as session:
            return session.get(Call, call_id)

    return with_runtime(db_path, clock, read)


async def test_a_failed_save_stays_unsaved_is_shown_and_is_retried(db_path, clock, monkeypatch):
    """The disk is full for the first attempts: the header says NOT SAVED, and the summary lands later."""
    call_id = call_in_assessment(db_path, clock)
    room = threading.Event()
    original = assessment_actions.save_assessment

    def full_then_free(*args, **kwargs):
        if not room.is_set():
            raise OSError("database or disk is full")
        return original(*args, **kwargs)

    monkeypatch.setattr(assessment_actions, "save_assessment", full_then_free)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        await type_text(pilot, "vpn drops")
        header = app.screen.query_one("#call-header")
        assert await until(lambda: "NOT SAVED" in str(header.render()), 10.0), "the failed save was not shown"
        assert [n for n in app.notices.current() if n.title == "Not saved" and "disk is full" in n.message]
        assert call_of(db_path, clock, call_id).summary == ""
        room.set()  # the disk has room again: the kept words are saved without a key
        assert await until(lambda: call_of(db_path, clock, call_id).summary == "vpn drops", 6.0), "never retried"
        assert await until(lambda: "NOT SAVED" not in str(header.render()), 3.0)
        assert not [n for n in app.notices.current() if n.title == "Not saved"]


async def test_every_stage_takes_the_words_typed_on_arrival(db_path, clock):
    call_id = call_in_assessment(db_path, clock)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await type_text(pilot, "wifi")  # assessment on resume: the summary
        await pilot.press("f4")  # first visit to resolve
        await settle(app, pilot)
        assert isinstance(app.screen, ResolveScreen)
        await type_text(pilot, "reset")
        assert app.screen.query_one("#resolution", TextArea).text == "reset"
        await pilot.press("f3")  # a revisit of the assessment
        await settle(app, pilot)
        await type_text(pilot, " drops")
        assert app.screen.query_one("#summary", Input).value == "wifi drops"
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("ctrl+t")  # the escalate pane, then shift+tab through it
        await settle(app, pilot)
        for _ in range(12):
            await pilot.press("shift+tab")
            assert isinstance(app.screen.focused, TAKES_INPUT), app.screen.focused
        app.screen.set_focus(None)  # nothing focused: the words still go to a field
        await pilot.press("f3")
        await settle(app, pilot)
        app.screen.set_focus(None)
        await type_text(pilot, "!")
        assert app.screen.query_one("#summary", Input).value == "wifi drops!"
        await pilot.pause(1.2)
        await settle(app, pilot)
    assert call_of(db_path, clock, call_id).summary == "wifi drops!"


async def test_a_pasted_control_character_is_neither_a_key_nor_stored(db_path, clock):
    """A paste holding a BEL (ctrl+g, hang up) lands as text without it; the call stays live."""
    call_id = call_in_assessment(db_path, clock)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        summary = app.screen.query_one("#summary", Input)
        summary.focus()
        app.post_message(events.Paste("printer\x07 offline\x1b[2J"))
        await pilot.pause(1.3)
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert summary.value == "printer offline[2J"
    call = call_of(db_path, clock, call_id)
    assert call.summary == "printer offline[2J" and call.talk_ended_at is None


@pytest.mark.slow
def test_control_characters_inside_typed_bursts_are_text_in_a_real_terminal(db_path):
    """Keys written in one burst (a paste without bracketed paste mode): the BEL inside is
    dropped, not taken as ctrl+g, and the letters after it are notes, not queue keys."""
    clock = SystemClock()
    call_id = call_in_assessment(db_path, clock)
    terminal = Terminal(db_path)
    try:
        terminal.wait_for(b"Notes - saved as you type")
        time.sleep(0.5)
        terminal.type("\x0e")  # ctrl+n: to the notes
        time.sleep(0.2)
        os.write(terminal.fd, b"abc\x07nfd")  # one read of the terminal
        time.sleep(0.2)
        os.write(terminal.fd, b"\x07xyz")  # a burst that starts with the BEL
        deadline = time.monotonic() + 5
        while call_of(db_path, clock, call_id).notes != "abcnfdxyz" and time.monotonic() < deadline:
            time.sleep(0.1)
        call = call_of(db_path, clock, call_id)
    finally:
        terminal.kill()
    assert call.notes == "abcnfdxyz"
    assert call.talk_ended_at is None  # not hung up


@pytest.mark.slow
def test_a_summary_typed_without_a_pause_is_on_disk_before_a_kill(db_path):
    """Typed continuously and then SIGKILLed: all but about the last second of the summary survives."""
    clock = SystemClock()
    call_id = call_in_assessment(db_path, clock)
    typed = "printer offline since the move to floor four"
    terminal = Terminal(db_path)
    try:
        terminal.wait_for(b"Notes - saved as you type")
        time.sleep(0.5)
        terminal.type(typed, pause=0.05)  # ~2.3 s of continuous typing, never a 0.4 s pause
    finally:
        terminal.kill()  # also when the test failed before: no console left running
    stored = call_of(db_path, clock, call_id).summary
    assert typed.startswith(stored)
    # Saved at least once a second while typing: at most ~1.2 s (24 keys at 50 ms) may be missing.
    assert len(stored) >= len(typed) - 24, repr(stored)


async def test_a_summary_is_saved_while_typing_goes_on(db_path, clock):
    """Continuous typing: the summary reaches the database before the typing stops."""
    call_id = call_in_assessment(db_path, clock)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await type_text(pilot, "the shared drive is")  # ~1.2 s of keys, no pause of 0.4 s
        mid_typing = call_of(db_path, clock, call_id).summary
        await type_text(pilot, " missing")
        await asyncio.sleep(0.8)
        await settle(app, pilot)
    assert mid_typing and "the shared drive is".startswith(mid_typing)
    assert call_of(db_path, clock, call_id).summary == "the shared drive is missing"


def drafts_of(db_path, clock, call_id: int) -> dict[str, str]:
    from sqlmodel import select

    from deskcli.models import CallDraft

    def read(runtime):
        with runtime.store.read() as session:
            return {d.field: d.text for d in session.exec(select(CallDraft).where(CallDraft.call_id == call_id))}

    return with_runtime(db_path, clock, read)


async def test_words_typed_into_a_field_not_yet_saved_come_back_after_a_restart(db_path, clock):
    """The resolution typed but not recorded (no ctrl+s) is kept as a draft, shown again, then cleared."""
    from deskcli.models import Stage
    from deskcli.services.lifecycle import calls

    call_id = call_in_assessment(db_path, clock)
    with_runtime(db_path, clock, lambda rt: _move(rt, call_id, Stage.RESOLVE, calls))
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, ResolveScreen)
        await type_text(pilot, "swapped the cable")
        await pilot.pause(1.2)
        await settle(app, pilot)
        assert drafts_of(db_path, clock, call_id) == {"resolution": "swapped the cable"}
        assert call_of(db_path, clock, call_id).resolution == ""  # not part of the record yet
    again = console(db_path, clock)
    async with again.run_test(size=(100, 34)) as pilot:
        await ready(again, pilot)
        assert again.screen.query_one("#resolution", TextArea).text == "swapped the cable"
        await pilot.press("ctrl+s")
        await settle(again, pilot)
    assert call_of(db_path, clock, call_id).resolution == "swapped the cable"
    assert drafts_of(db_path, clock, call_id) == {}


def _move(runtime, call_id, stage, calls) -> None:
    with runtime.store.write() as session:
        calls.move_to_stage(session, call_id, stage, runtime.actor())


async def test_words_typed_before_the_form_is_filled_are_kept(db_path, clock):
    """The screen is drawn a refresh before the call's record fills it; words typed in that moment
    stay - alone when the record's field is empty, after the record's text when it is not."""
    from textual.widgets import TextArea

    from deskcli.screens.assessment import AssessmentScreen

    call_id = call_in_assessment(db_path, clock)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        notes, summary = screen.query_one("#notes", TextArea), screen.query_one("#summary", Input)
        # As the form stood before the record filled it: empty, with the analyst typing.
        screen.form.call_id = None
        notes.load_text("")
        summary.value = ""
        notes.focus()
        await type_text(pilot, "caller on a hotel wifi")
        screen.load_call(app.flow.view)  # the record arrives (its notes are empty, its summary is not)
        await pilot.pause(1.2)
        await settle(app, pilot)
        assert notes.text == "caller on a hotel wifi"
        assert summary.value == "" or summary.value == call_of(db_path, clock, call_id).summary
    assert call_of(db_path, clock, call_id).notes == "caller on a hotel wifi"


async def test_typed_words_follow_the_records_text_when_it_has_some(db_path, clock):
    """A field with text on record: the words typed before the fill come after it, and both are saved."""
    from textual.widgets import TextArea

    call_id = call_in_assessment(db_path, clock)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        screen = app.screen
        notes = screen.query_one("#notes", TextArea)
        notes.focus()
        await type_text(pilot, "first words")
        await pilot.pause(1.2)
        await settle(app, pilot)
        assert call_of(db_path, clock, call_id).notes == "first words"
        screen.form.call_id = None  # the next call's fresh form, before the record fills it
        notes.load_text("")
        await type_text(pilot, "more")
        screen.load_call(app.flow.view)
        assert notes.text == "first words\nmore"
        await pilot.pause(1.2)
        await settle(app, pilot)
    assert call_of(db_path, clock, call_id).notes == "first words\nmore"


async def test_a_name_carried_from_the_lookup_is_typed_on_not_replaced(db_path, clock):
    """No match for "Zoe": Enter opens the new-customer form with it; " Adams" typed next adds to it
    (a selected field would have been replaced by the next key)."""
    from deskcli.screens.greeting import GreetingScreen

    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, GreetingScreen)
        await type_text(pilot, "Zoe")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.focused is app.screen.query_one("#new-name", Input)
        await type_text(pilot, " Adams")
        assert app.screen.query_one("#new-name", Input).value == "Zoe Adams"
