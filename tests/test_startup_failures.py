"""Every start-up failure ends in a message and a non-zero exit: a held lock (waited on,
with the seconds left reported), a config file that is not UTF-8, an unexpected error;
and two seats upgrading one old database at once."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from deskcli.app import DeskApp
from deskcli.config.launch import LaunchOptions
from deskcli.core.errors import DatabaseBusy, SettingsError, StartupError
from deskcli.runtime import open_runtime
from deskcli.store import db
from helpers import in_two_processes

NOT_UTF8 = b'# caf\xe9 settings\ntimezone = "Europe/London"\n'


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskcli", *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL, timeout=120,
    )


def _existing_database(path: Path) -> Path:
    db.open_store(db.target_for(path, None)).dispose()
    return path


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


async def _run_app_until_it_stops(app: DeskApp) -> None:
    async with app.run_test() as pilot:
        for _ in range(200):  # up to ~20 s; the app exits on its own when opening fails
            await pilot.pause(0.1)
            if app.return_code is not None:
                break


@pytest.fixture
def short_waits(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Start-up waits one second for a lock; a write waits 0.1 s."""
    values = {"DESKCLI_STARTUP_WAIT_SECONDS": "1", "DESKCLI_BUSY_TIMEOUT_MS": "100"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


# --- a held lock ------------------------------------------------------------------------


def test_check_under_a_held_lock_says_so_and_exits_2(tmp_path: Path, short_waits: dict[str, str]) -> None:
    """``deskcli check`` while another program holds the write lock: the message, exit 2, no traceback."""
    path = _existing_database(tmp_path / "deskcli.db")
    holder = _hold_write_lock(path)
    try:
        result = _run("--db", str(path), "check", env=short_waits)
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 2, result.stderr
    assert "another program holds the database" in result.stderr
    assert str(path) in result.stderr
    assert "Traceback" not in result.stderr


async def test_console_under_a_held_lock_stops_with_the_message(tmp_path: Path, short_waits, analyst_profile) -> None:
    """The console does not stay on "Opening the database…": it exits 2 with DatabaseBusy."""
    path = _existing_database(tmp_path / "deskcli.db")
    holder = _hold_write_lock(path)
    app = DeskApp(LaunchOptions(db=path))
    try:
        await _run_app_until_it_stops(app)
    finally:
        holder.rollback()
        holder.close()
    assert app.return_code == 2
    assert isinstance(app.startup_error, DatabaseBusy)
    assert app.startup_error.cause == "busy"
    assert "another program holds the database" in app.startup_error.message


async def test_the_console_counts_down_while_another_program_holds_the_database(tmp_path: Path, monkeypatch, analyst_profile) -> None:
    """The queue's opening line says what it waits for and the seconds left; then the console opens."""
    monkeypatch.setenv("DESKCLI_STARTUP_WAIT_SECONDS", "20")
    path = _existing_database(tmp_path / "deskcli.db")
    holder = _hold_write_lock(path)
    app = DeskApp(LaunchOptions(db=path))
    seen = ""
    async with app.run_test() as pilot:
        try:
            for _ in range(100):
                await pilot.pause(0.05)
                seen = str(app.screen.query_one("#home-status").render())
                if "another program holds it" in seen:
                    break
        finally:
            holder.rollback()
            holder.close()
        for _ in range(100):
            await pilot.pause(0.05)
            if app.runtime is not None:
                break
        assert app.runtime is not None  # it opened once the other program let go
    assert "another program holds it: waiting up to" in seen and " s more" in seen, seen


def test_start_waits_for_the_lock_and_reports_the_seconds_left(tmp_path: Path, monkeypatch, analyst_profile) -> None:
    """A lock released within the wait: opening succeeds, and progress heard a countdown first."""
    monkeypatch.setenv("DESKCLI_STARTUP_WAIT_SECONDS", "30")
    path = _existing_database(tmp_path / "deskcli.db")
    holder = _hold_write_lock(path)
    heard: list[float] = []

    def progress(left: float) -> None:
        heard.append(left)
        if len(heard) == 4:  # the other program finishes after a second of waiting
            holder.rollback()
            holder.close()

    runtime = open_runtime(LaunchOptions(db=path), progress=progress)
    runtime.close()
    assert len(heard) == 4, "opening did not go on as soon as the lock was free"
    assert all(0 < left <= 30 for left in heard)
    assert heard == sorted(heard, reverse=True)
    assert heard[0] - heard[-1] >= 0.5  # it counted down while waiting


def test_lock_kept_past_the_wait_is_reported_with_the_wait(tmp_path: Path, monkeypatch, analyst_profile) -> None:
    """Past startup_wait_seconds, open_runtime raises DatabaseBusy saying how long it waited."""
    monkeypatch.setenv("DESKCLI_STARTUP_WAIT_SECONDS", "1.5")
    path = _existing_database(tmp_path / "deskcli.db")
    holder = _hold_write_lock(path)
    heard: list[float] = []
    try:
        with pytest.raises(DatabaseBusy) as caught:
            open_runtime(LaunchOptions(db=path), progress=heard.append)
    finally:
        holder.rollback()
        holder.close()
    assert "waited 2 s" in caught.value.message or "waited 1 s" in caught.value.message
    assert heard


# --- a config file that is not UTF-8 -----------------------------------------------------


def test_check_with_a_non_utf8_config_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(NOT_UTF8)
    result = _run("--config", str(config), "--db", str(tmp_path / "x.db"), "check")
    assert result.returncode == 2
    assert str(config) in result.stderr
    assert "not UTF-8" in result.stderr
    assert "line 1" in result.stderr
    assert "Traceback" not in result.stderr


async def test_console_with_a_non_utf8_config_stops_with_the_message(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(NOT_UTF8)
    app = DeskApp(LaunchOptions(db=tmp_path / "x.db", config=config))
    await _run_app_until_it_stops(app)
    assert app.return_code == 2
    assert isinstance(app.startup_error, SettingsError)
    assert str(config) in app.startup_error.message


# --- anything unexpected ----------------------------------------------------------------


def test_unexpected_error_while_opening_is_a_startup_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception that is not a DeskError becomes a StartupError naming the step, with its cause."""
    import deskcli.runtime as runtime_module

    def broken(_folder):
        raise RuntimeError("the policy loader fell over")

    monkeypatch.setattr(runtime_module, "load_policies", broken)
    with pytest.raises(StartupError) as caught:
        open_runtime(LaunchOptions(db=tmp_path / "x.db"))
    assert "reading the policy files" in caught.value.message
    assert "RuntimeError: the policy loader fell over" in caught.value.message
    assert isinstance(caught.value.__cause__, RuntimeError)


_BROKEN_CHECK = """
import sys
import deskcli.services.desk.status as status
def broken(*args, **kwargs):
    raise ZeroDivisionError("a bug in the report")
status.describe = broken
from deskcli.cli import main
main(sys.argv[1:])
"""


def test_cli_never_prints_a_traceback(tmp_path: Path) -> None:
    """An unexpected exception in a command is one message and exit 2; the details go to a private file."""
    cache = tmp_path / "cache"
    result = subprocess.run(
        [sys.executable, "-c", _BROKEN_CHECK, "--db", str(tmp_path / "x.db"), "check"],
        capture_output=True, text=True, env={**os.environ, "DESKCLI_CACHE_DIR": str(cache)},
        stdin=subprocess.DEVNULL, timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "unexpected ZeroDivisionError: a bug in the report" in result.stderr
    log = cache / "last-error.txt"
    assert str(log) in result.stderr
    assert "ZeroDivisionError" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


# --- two seats upgrading one old database -------------------------------------------------


def _open_when_told(path: str, go, results) -> None:
    """Child process: open (and upgrade) the store the moment both are ready."""
    from deskcli.store import db as child_db

    try:
        go.wait(60)
        store = child_db.open_store(child_db.target_for(Path(path), None), wait_s=60)
        results.put(("ok", store.upgrade.from_revision, store.upgrade.to_revision))
        store.dispose()
    except BaseException as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}", None))


def test_two_processes_upgrading_one_old_database_at_once(tmp_path: Path) -> None:
    """Both start on a 0001 file together: one upgrades (and makes the copy), the other waits and finds it done."""
    from deskcli.store import migrate
    from test_migrations import _database_at_0001, _rows

    old = tmp_path / "old.db"
    _database_at_0001(old)
    original = _rows(old)
    # The race is timing-dependent; before the fix every one of five rounds went wrong
    # (a "disk I/O error", or both processes migrating), so two rounds show it.
    for attempt in range(2):
        path = tmp_path / f"round{attempt}" / "deskcli.db"
        path.parent.mkdir()
        shutil.copy(old, path)
        outcomes, _exit_codes = in_two_processes(_open_when_told, str(path))
        assert [status for status, *_ in outcomes] == ["ok", "ok"], outcomes
        upgraded = [(before, after) for _, before, after in outcomes if before != after]
        assert upgraded == [("0001", migrate.head_revision())], outcomes
        backup = path.with_name(f"{path.name}.before-0001")
        assert _rows(backup) == original  # the copy is whole, made once
        connection = sqlite3.connect(path)
        try:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.head_revision()
            assert connection.execute("SELECT name FROM customer").fetchall() == [("Bartholomew Quince",)]
        finally:
            connection.close()


def test_an_old_database_held_at_start_says_an_upgrade_is_in_progress(tmp_path: Path) -> None:
    """An old schema whose write lock stays taken: the message says another deskcli is upgrading it."""
    from deskcli.core.errors import UpgradeInProgress
    from test_migrations import _database_at_0001

    path = tmp_path / "old.db"
    _database_at_0001(path)
    holder = _hold_write_lock(path)
    heard: list[float] = []
    try:
        with pytest.raises(UpgradeInProgress) as caught:
            db.open_store(db.target_for(path, None), db.SqliteOptions(busy_timeout_ms=100), wait_s=1.2, progress=heard.append)
    finally:
        holder.rollback()
        holder.close()
    assert caught.value.cause == "upgrading"
    assert "another deskcli is upgrading the database" in caught.value.message
    assert heard
    assert not path.with_name(f"{path.name}.before-0001").exists()  # it did not start a copy of its own


# --- the config file parser: any bytes ------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CONFIG_PIECES = st.sampled_from([
    b'timezone = "Europe/London"\n', b"timezone = 18\n", b'[analyst]\nname = "Ann"\ndepartment = "Desk"\n',
    b'greeting_template = "Good {time_of_day}, {analyst_name} {department:%}"\n', b"busy_timeout_ms = -1\n",
    b'[smtp]\nhost = ""\n', b"startup_wait_seconds = 1e400\n", b"\xff\xfe", b"\x00", b"[[x]]\n", b'db = "\\u0000"\n',
    b'phone_region = "gb"\n', b"unknown = 1\n", b"sqlite_cache_kib = 9999999999999999999999\n",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=200), st.lists(_CONFIG_PIECES, max_size=4).map(b"".join)))
def test_any_config_file_is_settings_or_a_settings_error(tmp_path: Path, content: bytes) -> None:
    """Whatever the config file holds, loading it gives settings or a SettingsError naming it; nothing else."""
    from deskcli.config.settings import Settings, load_settings

    config = tmp_path / "config.toml"
    config.write_bytes(content)
    try:
        loaded = load_settings(config)
    except SettingsError as refused:
        assert refused.message
        return
    assert isinstance(loaded, Settings)
