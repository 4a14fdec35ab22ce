"""Public holidays come from a child process and a cache, so the console never loads the package."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from deskcli.config import paths
from deskcli.services.timekeeping import public_holidays

ENGLAND_2026 = {
    date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25),
    date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
}
"""England and Wales bank holidays 2026 (Boxing Day is a Saturday: Monday the 28th is the day off)."""


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of this test's own, empty, and nothing remembered in memory."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(paths.CACHE_ENV, str(folder))
    monkeypatch.setattr(public_holidays, "_memory", {})
    return folder


def forbid_child(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Make any child process fail the test; returns the list of attempted commands."""
    attempts: list[list[str]] = []

    def refuse(command, **_kwargs):
        attempts.append(command)
        raise AssertionError(f"no child process expected, got {command}")

    monkeypatch.setattr(public_holidays.subprocess, "run", refuse)
    return attempts


def test_dates_match_the_bank_holidays_of_england(own_cache: Path) -> None:
    found = public_holidays.dates("GB", "ENG", 2026)
    assert {day for day in found if day.year == 2026} >= ENGLAND_2026
    assert date(2026, 3, 17) not in found  # St Patrick's Day is Northern Ireland's


def test_subdivisions_differ(own_cache: Path) -> None:
    assert date(2026, 3, 17) in public_holidays.dates("GB", "NIR", 2026)
    assert date(2026, 8, 3) in public_holidays.dates("GB", "SCT", 2026)  # Scotland's summer holiday
    assert date(2026, 8, 31) not in public_holidays.dates("GB", "SCT", 2026)


def test_the_console_process_never_imports_the_holidays_package(own_cache: Path) -> None:
    script = (
        "import sys\n"
        "from deskcli.services.timekeeping import public_holidays\nfrom deskcli.services.rules import policy\n"
        "policy.load_policies()\n"
        "days = public_holidays.dates('GB', 'ENG', 2026)\n"
        "print(len(days), 'holidays' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, imported = done.stdout.split()
    assert int(count) >= 8
    assert imported == "False"


def test_answers_are_cached_on_disk_for_the_next_start(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    public_holidays.dates("GB", "ENG", 2026)
    public_holidays.catalogue()
    files = list(own_cache.glob("holidays-*.json"))
    assert len(files) == 1
    # A new process: nothing in memory; the file answers without a child.
    monkeypatch.setattr(public_holidays, "_memory", {})
    attempts = forbid_child(monkeypatch)
    assert public_holidays.dates("GB", "ENG", 2026) >= ENGLAND_2026
    assert public_holidays.dates("GB", "ENG", 2028)  # inside the window computed with 2026
    assert "ENG" in public_holidays.catalogue()["GB"]
    assert attempts == []


def test_a_year_outside_the_window_is_computed_and_added(own_cache: Path) -> None:
    public_holidays.dates("GB", "ENG", 2026)
    assert date(2040, 12, 25) in public_holidays.dates("GB", "ENG", 2040)
    saved = json.loads(next(own_cache.glob("holidays-*.json")).read_text())
    assert {"2026", "2040"} <= set(saved["dates"]["GB/ENG"])


def test_without_a_child_the_dates_are_computed_here(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args, **_kwargs):
        raise OSError("no python here")

    monkeypatch.setattr(public_holidays.subprocess, "run", broken)
    assert public_holidays.dates("GB", "ENG", 2026) >= ENGLAND_2026
    assert "ENG" in public_holidays.catalogue()["GB"]


def test_a_damaged_cache_file_is_rebuilt(own_cache: Path) -> None:
    own_cache.mkdir(parents=True)
    damaged = own_cache / f"holidays-{public_holidays.package_version()}.json"
    damaged.write_text("{not json", encoding="utf-8")
    assert public_holidays.dates("GB", "ENG", 2026) >= ENGLAND_2026
    assert "GB/ENG" in json.loads(damaged.read_text())["dates"]


def test_an_unwritable_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(paths.CACHE_ENV, str(blocker / "cache"))
    monkeypatch.setattr(public_holidays, "_memory", {})
    assert public_holidays.dates("GB", "ENG", 2026) >= ENGLAND_2026


def test_catalogue_lists_countries_with_subdivisions_and_aliases(own_cache: Path) -> None:
    known = public_holidays.catalogue()
    assert {"GB", "US", "DE", "FR"} <= set(known)
    assert {"ENG", "SCT", "England"} <= set(known["GB"])
    assert "CA" in known["US"]
    assert all(len(code) == 2 and code.isupper() for code in known)
