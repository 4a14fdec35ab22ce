"""Helpers for driving the console with Pilot (imported by the console tests)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from deskcli.app import DeskApp
from deskcli.config.launch import LaunchOptions
from deskcli.core.clock import ManualClock
from deskcli.models import Call, CallEvent, CustomerCreate
from deskcli.runtime import Runtime, open_runtime
from deskcli.services.lookup import customers


def seed(db_path: Path, clock: ManualClock, *people: CustomerCreate) -> list[int]:
    """Create the database (as the app would) with these customers; their ids."""
    runtime = open_runtime(LaunchOptions(db=db_path), clock)
    try:
        with runtime.store.write() as session:
            return [customers.create_customer(session, person, runtime.actor(), region="GB").id for person in people]
    finally:
        runtime.close()


def with_runtime(db_path: Path, clock: ManualClock, job: Callable[[Runtime], object]) -> object:
    """Run ``job`` against the database outside the app (setting up or checking)."""
    runtime = open_runtime(LaunchOptions(db=db_path), clock)
    try:
        return job(runtime)
    finally:
        runtime.close()


async def settle(app: DeskApp, pilot: Pilot, rounds: int = 6) -> None:
    """Let workers, queued writes and the callbacks they trigger all finish."""
    for _ in range(rounds):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            return
        if not app.writer._closed:
            await asyncio.to_thread(app.writer.submit(lambda: None).result, 10)
        await pilot.pause()


async def ready(app: DeskApp, pilot: Pilot) -> None:
    """Wait until the runtime is open and the home screen is filled."""
    for _ in range(100):
        if app.runtime is not None:
            break
        await pilot.pause(0.02)
    await settle(app, pilot)


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key (spaces included)."""
    keys = ["space" if char == " " else char for char in text]
    await pilot.press(*keys)


async def answer(app: DeskApp, pilot: Pilot, typed: str) -> None:
    """Answer a new call (n), look the caller up by ``typed`` and take the only match."""
    await pilot.press("n")
    await settle(app, pilot)
    await type_text(pilot, typed)
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


def text_of(app: DeskApp, selector: str) -> str:
    """The text shown by a Static on the current screen."""
    return str(app.screen.query_one(selector, Static).render())


def events_of(runtime: Runtime, call_id: int) -> list[CallEvent]:
    """A call's timeline, oldest first."""
    with runtime.store.read() as session:
        return list(session.exec(select(CallEvent).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id))))


def only_call(runtime: Runtime) -> Call:
    """The one call in the database."""
    with runtime.store.read() as session:
        return session.exec(select(Call)).one()


def console(db_path: Path, clock: ManualClock, **options: object) -> DeskApp:
    """The app on this database and clock."""
    return DeskApp(LaunchOptions(db=db_path, **options), clock=clock)  # type: ignore[arg-type]
