"""`deskcli train` and the demo seat: refusals before the screen opens, never the office's database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from deskcli.cli.commands import cli
from deskcli.config.launch import DEMO_SEAT_HANDLE, LaunchOptions
from deskcli.core.errors import SettingsError
from deskcli.runtime import open_runtime


def test_an_unknown_scenario_is_refused_with_the_list():
    result = CliRunner().invoke(cli, ["train", "no-such-caller"])
    assert result.exit_code == 2
    assert "no-such-caller" in result.output and "printer-offline" in result.output


def test_an_empty_trainee_name_is_refused():
    result = CliRunner().invoke(cli, ["train", "printer-offline", "--trainee", "  "])
    assert result.exit_code == 2 and "--trainee" in result.output


def test_the_demo_seat_carries_the_trainees_name(tmp_path: Path, clock):
    runtime = open_runtime(LaunchOptions(db=tmp_path / "demo.db", mode="train", trainee="Sam Trainee"), clock)
    try:
        assert runtime.analyst is not None
        assert (runtime.analyst.handle, runtime.analyst.name) == (DEMO_SEAT_HANDLE, "Sam Trainee")
        assert runtime.store.target.sqlite_path == (tmp_path / "demo.db").resolve()
    finally:
        runtime.close()


def test_demo_mode_never_opens_the_offices_database(tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch):
    real = tmp_path / "office.db"
    monkeypatch.setenv("DESKCLI_DB", str(real))
    with pytest.raises(SettingsError, match="office's own database"):
        open_runtime(LaunchOptions(db=real, mode="demo"), clock)
    assert not real.exists()


def test_demo_mode_ignores_the_offices_database_url(tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DESKCLI_DATABASE_URL", f"sqlite:///{tmp_path / 'office.db'}")
    runtime = open_runtime(LaunchOptions(db=tmp_path / "demo.db", mode="demo"), clock)
    try:
        assert runtime.store.target.sqlite_path == (tmp_path / "demo.db").resolve()
    finally:
        runtime.close()
    assert not (tmp_path / "office.db").exists()
