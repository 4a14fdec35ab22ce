"""The first console of the day starts the day's backup (setting ``backup_daily``), and says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskcli.config.launch import LaunchOptions
from deskcli.runtime import open_runtime
from deskcli.store import backup


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Calls to start the background backup, recorded instead of run."""
    calls: list[tuple] = []

    def fake(db_path: Path, folder: Path, **kwargs: object) -> bool:
        calls.append((db_path, folder, kwargs))
        return True

    monkeypatch.setattr(backup, "start_daily", fake)
    return calls


@pytest.mark.usefixtures("analyst_profile")
def test_a_console_start_begins_the_daily_backup_when_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         started: list[tuple]) -> None:
    """Only a console start (not a subcommand, not the demo) with backup_daily on starts it, with a note."""
    monkeypatch.setenv("DESKCLI_BACKUP_DIR", str(tmp_path / "backups"))
    database = tmp_path / "desk.db"
    open_runtime(LaunchOptions(db=database, console=True)).close()
    assert started == []  # the setting is off by default
    monkeypatch.setenv("DESKCLI_BACKUP_DAILY", "true")
    open_runtime(LaunchOptions(db=database)).close()
    open_runtime(LaunchOptions(db=tmp_path / "demo.db", console=True, mode="demo")).close()
    assert started == []
    runtime = open_runtime(LaunchOptions(db=database, console=True))
    runtime.close()
    assert [(path, folder) for path, folder, _kw in started] == [(database.resolve(), tmp_path / "backups")]
    assert any("Today's backup is being taken in the background" in note for note in runtime.notes)


@pytest.mark.usefixtures("analyst_profile")
def test_a_failed_daily_backup_is_told_at_the_next_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The note the background backup leaves when it fails is shown by the next console."""
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "daily-backup-failed.txt").write_text("2026-03-10 09:00 UTC: disk full\n", encoding="utf-8")
    monkeypatch.setenv("DESKCLI_BACKUP_DIR", str(folder))
    runtime = open_runtime(LaunchOptions(db=tmp_path / "desk.db", console=True))
    runtime.close()
    assert "The last automatic backup failed: 2026-03-10 09:00 UTC: disk full" in runtime.notes
