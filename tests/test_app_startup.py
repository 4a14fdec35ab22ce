"""The app starts before the data layer, asks for the profile once, and fails clearly."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, Input, Static
from textual.worker import WorkerCancelled

from deskcli.app import DeskApp
from deskcli.config.launch import LaunchOptions
from deskcli.core.clock import ManualClock
from deskcli.core.errors import StoreError
from deskcli.models import CommitmentKind, CustomerCreate
from deskcli.runtime import open_runtime
from deskcli.screens.home import HomeScreen
from deskcli.screens.profile import ProfileScreen
from deskcli.services.lifecycle import calls, commitments
from deskcli.services.lookup import customers


async def settle(app: DeskApp, pilot) -> None:
    """Wait until every worker has finished and the screen has caught up."""
    for _ in range(5):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # the app is exiting
            return
        await pilot.pause()


def status_text(app: DeskApp) -> str:
    return str(app.screen.query_one("#home-status", Static).render())


async def test_first_start_asks_for_the_profile_and_keeps_it(db_path: Path, clock: ManualClock, isolated_home: Path):
    """Without a profile the form appears; once filled it is saved (0600) and the queue loads."""
    app = DeskApp(LaunchOptions(db=db_path), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ProfileScreen)
        await pilot.press("enter", "enter", "enter", "enter")  # through every field with no name
        assert "your name" in str(app.screen.query_one("#profile-error", Static).render())
        assert app.focused is app.screen.query_one("#name", Input)
        await pilot.press(*"Ann Jones", "enter", "enter", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "0 open call(s)" in status_text(app)
    config = isolated_home / "config" / "deskcli" / "config.toml"
    assert 'name = "Ann Jones"' in config.read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    runtime = open_runtime(LaunchOptions(db=db_path), clock)
    try:
        assert runtime.analyst is not None and runtime.analyst.name == "Ann Jones"
        assert runtime.settings.analyst.department == "Help Desk"
    finally:
        runtime.close()


async def test_bad_database_stops_the_app_with_a_clear_error(tmp_path: Path, analyst_profile: None):
    """A file that is not a database ends the app with exit code 2 and the file's name."""
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n")
    app = DeskApp(LaunchOptions(db=bogus))
    async with app.run_test() as pilot:
        await settle(app, pilot)
    assert app.return_code == 2
    assert isinstance(app.startup_error, StoreError)
    assert str(bogus) in app.startup_error.message
    assert bogus.read_text() == "these are my notes, not a database\n"


async def test_every_key_is_also_a_palette_command(db_path: Path, clock: ManualClock, analyst_profile: None):
    """The command palette offers the screen's actions (here: Refresh)."""
    app = DeskApp(LaunchOptions(db=db_path), clock=clock)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
    assert "Refresh (r)" in titles
    assert "Keys (f1)" in titles
    assert not any(title.startswith("Cursor") for title in titles)  # widget internals stay out


async def test_queue_shows_names_literally_and_overdue_promises_loudly(db_path: Path, clock: ManualClock, analyst_profile: None):
    """Markup in a customer's name is shown as typed; an overdue promise says OVERDUE."""
    runtime = open_runtime(LaunchOptions(db=db_path), clock)
    actor = runtime.actor()
    with runtime.store.write() as session:
        customer = customers.create_customer(session, CustomerCreate(name="[@click=app.quit]x[/]"), actor, region="GB")
        call = calls.create_call(session, customer.id, actor)
        calls.update_assessment(session, call.id, actor, summary="[bold]not bold[/bold]")
        commitments.make_commitment(session, call.id, CommitmentKind.CALLBACK, clock.now() + timedelta(minutes=5), actor)
        calls.end_talk(session, call.id, actor)  # off the phone: the app opens on the queue
    runtime.close()
    clock.advance(timedelta(minutes=10))
    app = DeskApp(LaunchOptions(db=db_path), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        mine = app.screen.query_one("#mine", DataTable)
        row = [str(cell) for cell in mine.get_row_at(0)]
        promises = app.screen.query_one("#promises", DataTable)
        due = str(promises.get_row_at(0)[0])
        status = status_text(app)
    assert row[2] == "[@click=app.quit]x[/]"
    assert row[5] == "[bold]not bold[/bold]"
    assert row[4].endswith("left (priority not set)")  # the SLA, counted at the default priority
    assert due.startswith("OVERDUE")
    assert "OVERDUE" in status
    assert app.return_code is None  # the [@click=app.quit] in the name did not quit the app


async def test_queue_counts_every_promise_due_while_listing_one_page(db_path: Path, clock: ManualClock, analyst_profile: None):
    """60 promises due today, 55 of them overdue: the status counts them all, the table lists a page."""
    runtime = open_runtime(LaunchOptions(db=db_path), clock)
    actor = runtime.actor()
    with runtime.store.write() as session:
        customer = customers.create_customer(session, CustomerCreate(name="Pat Wren"), actor, region="GB")
        call = calls.create_call(session, customer.id, actor)
        for minutes in range(1, 61):
            commitments.make_commitment(session, call.id, CommitmentKind.CALLBACK, clock.now() + timedelta(minutes=minutes), actor)
        calls.end_talk(session, call.id, actor)
    runtime.close()
    clock.advance(timedelta(minutes=55, seconds=30))
    app = DeskApp(LaunchOptions(db=db_path), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        status = status_text(app)
        rows = app.screen.query_one("#promises", DataTable).row_count
    assert "55 promise(s) OVERDUE" in status
    assert "the first 50 below; f lists them all" in status
    assert rows == 50


def test_the_first_frame_does_not_wait_for_the_data_layer():
    """Importing the CLI and the app loads neither the data layer nor what only a call needs."""
    code = (
        "import sys, deskcli.cli, deskcli.app, deskcli.screens.home, deskcli.screens.profile\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'pydantic_settings', 'phonenumbers', 'holidays',\n"
        "                     'deskcli.console.call_flow', 'zoneinfo') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
