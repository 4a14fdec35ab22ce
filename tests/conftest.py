"""Shared fixtures: an isolated home, a movable clock, a fresh database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskcli.config import paths
from deskcli.core.clock import ManualClock
from deskcli.models import Analyst, AnalystBase, CustomerCreate
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import analysts
from deskcli.services.lookup import customers
from deskcli.services.rules.policy import Policies, load_policies
from deskcli.store import db

START = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
"""A Tuesday afternoon (UTC, and London time too: before the clocks change)."""


@pytest.fixture(scope="session")
def holiday_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One public-holiday cache for the whole run: filling it runs a child process once."""
    folder = tmp_path_factory.getbasetemp() / "holiday-cache"
    folder.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(paths.CACHE_ENV, str(folder))
        yield folder


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, holiday_cache: Path) -> Path:
    """Point the user data and config dirs at a temporary folder; clear DESKCLI_* variables.

    The public-holiday cache is shared by every test (it is derived data, not state).
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))
    for name in list(os.environ):
        if name.upper().startswith("DESKCLI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DESKCLI_TIMEZONE", "Europe/London")
    monkeypatch.setenv(paths.CACHE_ENV, str(holiday_cache))
    return home


@pytest.fixture
def analyst_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """The analyst at the seat is known (no first-start profile dialog): Ann Jones."""
    monkeypatch.setenv("DESKCLI_ANALYST__NAME", "Ann Jones")
    monkeypatch.setenv("DESKCLI_ANALYST__DEPARTMENT", "Help Desk")
    monkeypatch.setenv("DESKCLI_ANALYST__HANDLE", "ajones")


@pytest.fixture
def clock() -> ManualClock:
    """A frozen clock at :data:`START`; tests move it with ``advance``."""
    return ManualClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where this test's database file goes."""
    return tmp_path / "desk" / "deskcli.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[db.Store]:
    """A fresh, migrated database."""
    opened = db.open_store(db.target_for(db_path, None))
    yield opened
    opened.dispose()


@pytest.fixture(scope="session")
def policies(holiday_cache: Path) -> Policies:
    """The shipped policies."""
    return load_policies()


@pytest.fixture
def analyst(store: db.Store, clock: ManualClock) -> Analyst:
    """Ann Jones of the Help Desk, the analyst at this seat."""
    with store.write() as session:
        return analysts.ensure_analyst(
            session,
            AnalystBase(handle="ajones", name="Ann Jones", department="Help Desk", organisation="Acme"),
            Actor(None, clock),
        )


@pytest.fixture
def actor(analyst: Analyst, clock: ManualClock) -> Actor:
    """Ann Jones acting on the test clock."""
    return Actor(analyst.id, clock)


@pytest.fixture
def customer_id(store: db.Store, actor: Actor) -> int:
    """A known customer: Siobhan O'Neill of Northwind, with a London number."""
    with store.write() as session:
        customer = customers.create_customer(
            session,
            CustomerCreate(
                name="Siobhan O'Neill",
                name_spelling="S-I-O-B-H-A-N",
                pronunciation="shi-VAWN",
                email="siobhan.oneill@northwind.example",
                organisation="Northwind Traders",
                department="Finance",
                phones=["020 7946 0000"],
            ),
            actor,
            region="GB",
        )
        return customer.id
