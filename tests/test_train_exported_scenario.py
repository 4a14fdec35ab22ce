"""A reviewed call exported as a scenario is played in trainer mode, like a shipped practice caller."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from desk_builder import Desk
from deskcli.screens.greeting import GreetingScreen
from deskcli.services.records import review
from deskcli.services.records.review import Mark, ReviewContext, ReviewRequest
from deskcli.services.records.scenario_export import export_scenario
from trainer_console import SIZE, demo_database, practice_ready, press, scorecard, trainer

ZONE = ZoneInfo("Europe/London")


def _export_reviewed_call(tmp_path, store, clock, policies, monkeypatch):
    """Review an escalated call of the office and export it into a scenario folder; its key."""
    desk = Desk(store, clock, policies)
    customer = desk.customer("Priya Raghunathan", organisation="Calder Vale Housing", phone="020 7946 0338")
    call = desk.call(customer, summary="No one on the fourth floor can reach the shared drives", category="network",
                     priority=1, people_affected=30, departments_affected=3, business_impact="severe",
                     notes="Finance and Legal down too; engineers were in the comms cupboard this morning")
    desk.escalate(call, "technical_experts", triggers=["several_people", "several_departments", "business_impact"],
                  next_contact_in=timedelta(minutes=30), tier=3)
    context = ReviewContext(policies, policies.sla.calendar(ZONE), ZONE)
    marks = tuple(Mark(point, 4) for point in ("when", "department", "assessment", "customer", "promises", "sla"))
    review.submit_review(desk.store, desk.by(), ReviewRequest(call, marks), context)
    folder = tmp_path / "office-scenarios"
    path = export_scenario(desk.store, desk.by(), call, folder, policies=policies, zone=ZONE)
    monkeypatch.setenv("DESKCLI_SCENARIO_DIR", str(folder))
    return path.stem


async def test_the_exported_caller_rings_in_trainer_mode(tmp_path, store, clock, policies, monkeypatch):
    """``deskcli train KEY`` with the scenario folder set: the stand-in rings, the script runs, the score uses the review."""
    key = _export_reviewed_call(tmp_path, store, clock, policies, monkeypatch)
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, key)
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        assert isinstance(app.screen, GreetingScreen)
        assert app.practice.scenario.key == key
        panel = str(app.screen.query_one("#caller-text").render())
        assert "PRACTICE CALLER" in panel and app.practice.scenario.persona.name in panel
        assert "Priya" not in panel  # the stand-in, not the real caller
        await press(app, pilot, "f10")
        assert app.practice.script.position == 1
        results = await scorecard(app, pilot)
    assert results["escalated"] == "fail"  # expected: escalate; the trainee did not
