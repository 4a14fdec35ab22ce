"""Trainer mode's own pieces on screen: the caller panel, the presenter layout, the clock
dialog, the practice picker and the DEMO marks."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Digits, OptionList, Static

from console import ready, settle, type_text
from deskcli.trainer.clock_screen import ClockScreen
from deskcli.trainer.practice_picker import PracticePicker
from trainer_console import SIZE, demo_database, practice_ready, press, trainer


def _panel_text(app) -> str:
    return str(app.screen.query_one("#caller-panel #caller-text", Static).render())


async def test_panel_shows_the_caller_and_f10_advances_the_script(tmp_path, clock):
    app = trainer(demo_database(tmp_path, clock), clock, "printer-offline")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        scenario = app.practice.scenario
        text = _panel_text(app)
        assert "PRACTICE CALLER" in text and scenario.persona.name in text
        assert scenario.answers[0].say.split(" - ")[0] in text
        assert str(app.screen.query_one("#call-header").render()).startswith(" DEMO ")
        await press(app, pilot, "f10", "f10")
        assert scenario.script[1].say.split("...")[0][:30] in _panel_text(app)
        assert scenario.script[1].hint[:30] in _panel_text(app)


async def test_presenter_layout_shows_the_clock_in_digits_and_the_stages(tmp_path, clock):
    app = trainer(demo_database(tmp_path, clock), clock, "printer-offline")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        panel = app.screen.query_one("#caller-panel")
        assert not panel.has_class("-presenter")
        await press(app, pilot, "f11")
        assert panel.has_class("-presenter")
        local = clock.now().astimezone(app.runtime.settings.zone())
        assert app.screen.query_one(Digits).value == f"{local:%H:%M}"
        assert "▶ GREETING" in _panel_text(app)
        await press(app, pilot, "f3")
        assert "▶ ASSESSMENT" in _panel_text(app)


async def test_the_clock_dialog_moves_time_for_the_whole_console(tmp_path, clock):
    app = trainer(demo_database(tmp_path, clock), clock, "printer-offline")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        before = clock.now()
        await press(app, pilot, "ctrl+k")
        assert isinstance(app.screen, ClockScreen)
        await press(app, pilot, "2")  # +1 hour
        assert clock.now() - before == timedelta(hours=1)
        assert app.runtime.clock.now() == clock.now()
        await press(app, pilot, "ctrl+k")
        await press(app, pilot, "escape")  # leave the clock alone
        assert clock.now() - before == timedelta(hours=1)
        await press(app, pilot, "ctrl+k", "tab")
        await type_text(pilot, "+30m")
        await press(app, pilot, "ctrl+s")  # a typed time
        assert clock.now() - before == timedelta(hours=1, minutes=30)


async def test_without_a_scenario_the_trainer_picks_one(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, None)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, PracticePicker)
        options = app.screen.query_one(OptionList)
        assert options.option_count >= 6
        await press(app, pilot, "enter")
        await practice_ready(app, pilot)
        assert app.practice.scenario.key == options.get_option_at_index(0).id
