"""``--caller-id`` names the caller before the data layer is loaded: the glance reads the
SQLite file with the standard library and must agree with the lookup it stands in for."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from console import console, ready, seed, with_runtime
from deskcli.app import DeskApp
from deskcli.models import CustomerCreate
from deskcli.screens.greeting import GreetingScreen
from deskcli.services.lookup import customers
from deskcli.services.lookup.caller_glance import glance

pytestmark = pytest.mark.usefixtures("analyst_profile")

PEOPLE = [
    CustomerCreate(name="Siobhan O'Neill", organisation="Northwind", phones=["020 7946 0000"]),
    CustomerCreate(name="Ann Jones", organisation="", phones=["020 7946 0111", "07700 900123"]),
    CustomerCreate(name="Bob Smith", organisation="Acme", phones=["020 7946 0111"]),  # shares Ann's office line
    CustomerCreate(name="Cara Diaz", organisation="Acme", phones=["+1 212 555 0100"]),
]


def lookup_names(db_path, clock, number: str) -> list[str]:
    def read(runtime):
        with runtime.store.read() as session:
            return sorted(match.name for match in customers.lookup(session, number, region="GB"))

    return with_runtime(db_path, clock, read)  # type: ignore[return-value]


@pytest.mark.parametrize(
    "number",
    ["020 7946 0000", "+44 20 7946 0000", "0044 20 7946 0000", "020 7946 0111", "07700 900123", "+1 212 555 0100",
     "020 7946", "020 7946 0999", "0161 496 0000"],
)
def test_the_glance_finds_whom_the_lookup_finds(db_path, clock, number):
    seed(db_path, clock, *PEOPLE)
    seen = glance(db_path, number, "GB")
    assert seen is not None
    assert sorted(name for name, _ in seen.callers) == lookup_names(db_path, clock, number)


def test_the_glance_says_who_it_is_or_how_many_share_the_number(db_path, clock):
    seed(db_path, clock, *PEOPLE)
    assert glance(db_path, "020 7946 0000", "GB").describe() == "Siobhan O'Neill (Northwind), 020 7946 0000"
    assert glance(db_path, "020 7946 0111", "GB").describe() == "020 7946 0111: 2 customers share it (Ann Jones, Bob Smith)"
    assert glance(db_path, "020 7946 0999", "GB").describe() == "020 7946 0999: not on record yet"


def test_no_glance_without_a_usable_file(tmp_path):
    assert glance(tmp_path / "missing.db", "020 7946 0000", "GB") is None
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()  # no tables: a file from before the first start
    assert glance(empty, "020 7946 0000", "GB") is None
    assert glance(tmp_path / "missing.db", "abc", "GB") is None  # no digits: nothing to look up


def test_the_glance_and_the_runtime_module_load_no_data_layer():
    code = (
        "import sys, deskcli.runtime, deskcli.services.actions.ringing\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'alembic') or m.startswith('deskcli.models'))\n"
        "print(','.join(loaded))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


async def test_the_caller_is_named_before_the_database_is_open(db_path, clock, monkeypatch):
    seed(db_path, clock, *PEOPLE)
    said: list[tuple[str, str, bool]] = []
    notify = DeskApp.notify

    def recording(self, message, *, title="", **options):
        said.append((title, str(message), self.runtime is None))
        return notify(self, message, title=title, **options)

    monkeypatch.setattr(DeskApp, "notify", recording)
    app = console(db_path, clock, caller_id="020 7946 0000")
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        for _ in range(100):
            if isinstance(app.screen, GreetingScreen) and app.flow.view is not None:
                break
            await pilot.pause(0.05)
        assert app.flow.view is not None and app.flow.view.customer.name == "Siobhan O'Neill"
        assert not any(notice.title == "Incoming call" for notice in app.notices.current())  # the greeting says it now
    [glanced] = [(message, early) for title, message, early in said if title == "Incoming call"]
    message, early = glanced
    assert early, "the glance came after the database was open"
    assert message.startswith("Siobhan O'Neill (Northwind), 020 7946 0000 · say: Good ")
