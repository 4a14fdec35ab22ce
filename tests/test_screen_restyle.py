"""Switching stages does not restyle every widget unless the theme changed meanwhile."""

from __future__ import annotations

import pytest
from textual.css.stylesheet import Stylesheet

from console import answer, console, ready, seed, settle
from deskcli.models import CustomerCreate

pytestmark = pytest.mark.usefixtures("analyst_profile")


async def open_call_on_both_stages(app, pilot) -> None:
    """A call, with the greeting and assessment screens each shown once."""
    await answer(app, pilot, "hal")
    await pilot.press("f3")
    await settle(app, pilot)
    await pilot.press("f2")
    await settle(app, pilot)


async def test_switching_back_to_a_shown_stage_skips_the_full_restyle(db_path, clock, monkeypatch):
    seed(db_path, clock, CustomerCreate(name="Hal Dover"))
    restyled: list[int] = []
    update_nodes = Stylesheet.update_nodes

    def counting(self, nodes, animate=False):
        nodes = list(nodes)
        restyled.append(len(nodes))
        return update_nodes(self, nodes, animate=animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", counting)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await open_call_on_both_stages(app, pilot)
        restyled.clear()
        await pilot.press("f3")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "AssessmentScreen"
        whole_screen = len(list(app.screen.walk_children(with_self=True)))
    # Small restyles (focus, a class on one widget) are fine; the whole screen is not redone.
    assert whole_screen > 20
    assert all(count < whole_screen for count in restyled), (restyled, whole_screen)


async def test_a_theme_change_while_a_stage_is_hidden_shows_when_it_comes_back(db_path, clock):
    seed(db_path, clock, CustomerCreate(name="Hal Dover"))
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await open_call_on_both_stages(app, pilot)
        assessment = app.get_screen("assessment")
        before = assessment.styles.background
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(app, pilot)
        assert assessment.styles.background == before  # hidden: not restyled yet
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.screen is assessment
        assert assessment.styles.background != before
        # Styled like the greeting screen, which was on screen when the theme changed.
        assert assessment.styles.background == app.get_screen("greeting").styles.background
