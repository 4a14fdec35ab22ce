"""The terminal as analysts use it: 80 columns, no colour, their own keys and theme, F1."""

from __future__ import annotations

import tomllib

import pytest
from rich.text import Text
from textual.widgets import Input

from console import answer, console, ready, seed, settle, text_of, type_text
from deskcli.config import paths
from deskcli.models import CustomerCreate
from deskcli.screens.followup import FollowUpScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.keys import KeysScreen
from deskcli.widgets.choice import Choice, Option
from deskcli.widgets.key_bar import KeyBar
from deskcli.widgets.notice_line import NoticeLine
from deskcli.widgets.tick import Tick

pytestmark = pytest.mark.usefixtures("analyst_profile")

SIOBHAN = CustomerCreate(name="Siobhan O'Neill", organisation="Northwind", phones=["020 7946 0000"])


def test_ticked_and_unticked_differ_without_colour():
    """With NO_COLOR only the characters are left: [X] and [ ], and [● …] for the chosen option."""
    on, off = Tick("Executive", value=True), Tick("Executive", value=False)
    assert on.BUTTON_INNER == "X" and off.BUTTON_INNER == " "
    choice = Choice([Option("Yes", True, "y"), Option("No", False, "n")], value=True)
    plain = Text.plain.fget(choice.render())  # the text without any style
    assert "[● Yes]" in plain and "[● No]" not in plain


async def test_80_columns_keep_the_keys_that_matter_and_messages_off_the_fields(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "siob")
        assert isinstance(app.screen, GreetingScreen)
        bar = str(app.screen.query_one(KeyBar).render())
        for shown in ("^s Save", "^g Hang up", "^b Queue", "^o Promise", "^p Palette", "F1"):
            assert shown in bar, bar
        app.notify("A message for the analyst", title="Test", timeout=30)
        await pilot.pause()
        line = app.screen.query_one(NoticeLine)
        assert "A message for the analyst" in str(line.render())
        field = app.screen.focused
        assert isinstance(field, Input)
        assert not line.region.overlaps(field.region)  # the message never covers the field in use
        header = str(app.screen.query_one("#call-header").render())
        assert "F3" in header and "call 0:" in header
        await pilot.press("f8")  # on hold: the hold timer stays on the stage line, nothing wraps
        await settle(app, pilot)
        lines = str(app.screen.query_one("#call-header").render()).splitlines()
        stage_line = next(line for line in lines if "F3" in line)
        assert "HOLD" in stage_line and len(stage_line) <= 78, stage_line


async def test_a_repeated_promise_reminder_is_one_message(db_path, clock):
    """The same reminder raised again replaces itself: one message, counted, not a stack of them."""
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        for _ in range(3):
            app.notify("HD-000001 Pat: ring back - due 14:00", title="Promise DUE now", key="promise:due:1")
        current = [n for n in app.notices.current() if n.title == "Promise DUE now"]
        assert len(current) == 1 and current[0].count == 3


async def test_f1_lists_deskclis_own_keys_first_and_escape_closes_it(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "siob")
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, KeysScreen)
        listed = str(app.screen.query_one(".article-body Static").render())
        assert listed.index("deskcli's keys") < listed.index("Hang up") < listed.index("Keys of the field in use")
        assert "[call.hang_up]" in listed  # the id to remap it by
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, GreetingScreen)


async def test_keys_are_remapped_from_the_config_file(db_path, clock, monkeypatch):
    """keymap: "call.hang_up" = "f10" in the settings: F10 hangs up."""
    monkeypatch.setenv("DESKCLI_KEYMAP", '{"call.hang_up": "f10"}')
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "siob")
        assert "f10 Hang up" in str(app.screen.query_one(KeyBar).render())
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.flow.call_id is None  # hung up: back on the queue


async def test_the_chosen_theme_is_kept_for_the_next_start(db_path, clock):
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        app.theme = "nord"
        for _ in range(20):
            await settle(app, pilot)
            config = paths.config_file()
            if config.exists() and tomllib.loads(config.read_text()).get("theme") == "nord":
                break
    assert tomllib.loads(paths.config_file().read_text())["theme"] == "nord"
    again = console(db_path, clock)
    async with again.run_test(size=(100, 34)) as pilot:
        await ready(again, pilot)
        assert again.theme == "nord"


async def test_statuses_are_shown_in_words(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "siob")
        await pilot.press("f5")
        await settle(app, pilot)
        app.screen.query_one("#agreement", Choice).focus()
        await pilot.press("n")  # not yet: awaiting their confirmation
        await settle(app, pilot)
        await pilot.press("ctrl+g", "n")
        await settle(app, pilot)
        await type_text(pilot, "siob")
        await settle(app, pilot)
        card = text_of(app, "#card")
        assert "awaiting the customer's confirmation" in card and "awaiting_confirmation" not in card


async def test_n_on_the_follow_up_list_takes_the_next_call_once_closed(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await pilot.press("f")  # the follow-up list from the queue, no call on screen
        await settle(app, pilot)
        assert isinstance(app.screen, FollowUpScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, GreetingScreen)
        assert app.screen.focused is app.screen.query_one("#lookup")
