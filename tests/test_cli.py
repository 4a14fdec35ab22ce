"""The real ``deskcli`` command (``python -m deskcli`` and the console script):
version, help, ``check``, and errors shown as one message with exit status 2."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import deskcli
from deskcli.store import migrate

CONSOLE_SCRIPT = Path(sys.executable).parent / "deskcli"

ENTRY_POINTS = {
    "module": [sys.executable, "-m", "deskcli"],
    "script": [str(CONSOLE_SCRIPT)],
}


def run(*args: str, entry: str = "module", env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run deskcli with ``args`` in a copy of this test's environment."""
    environment = dict(os.environ)
    environment.update(env or {})
    return subprocess.run(
        [*ENTRY_POINTS[entry], *args],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=60,
        cwd=cwd,
    )


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _check_lines(stdout: str) -> dict[str, str]:
    """``check`` output as {label: value}."""
    lines = {}
    for line in stdout.splitlines():
        label, _, value = line.partition("  ")
        lines[label.strip()] = value.strip()
    return lines


def test_console_script_is_installed() -> None:
    """The ``deskcli`` console script is installed next to the Python running the tests."""
    assert CONSOLE_SCRIPT.is_file()
    assert os.access(CONSOLE_SCRIPT, os.X_OK)


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_version(entry: str) -> None:
    """``--version`` prints ``deskcli, version <__version__>`` and exits 0."""
    result = run("--version", entry=entry)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"deskcli, version {deskcli.__version__}"


def test_help_lists_options_and_commands() -> None:
    """``--help`` lists --db, --caller-id, --config and the check command."""
    result = run("--help", entry="script")
    assert result.returncode == 0, result.stderr
    for word in ("--db", "--caller-id", "--config", "check"):
        assert word in result.stdout


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_check_creates_and_reports_new_database(tmp_path: Path, entry: str) -> None:
    """``deskcli --db NEW check`` creates the database and reports its path and head schema revision."""
    path = tmp_path / "desk" / "deskcli.db"
    result = run("--db", str(path), "check", entry=entry)
    assert result.returncode == 0, result.stderr
    lines = _check_lines(result.stdout)
    assert lines["database"] == str(path.resolve())
    assert lines["schema"].split()[0] == migrate.head_revision()
    assert lines["calls"].startswith("0")
    assert path.is_file()


def test_check_full_reports_integrity(tmp_path: Path) -> None:
    """``deskcli check --full`` runs SQLite's integrity check and reports ok."""
    path = tmp_path / "deskcli.db"
    result = run("--db", str(path), "check", "--full")
    assert result.returncode == 0, result.stderr
    assert _check_lines(result.stdout)["integrity"] == "ok"


def test_check_without_full_skips_integrity(tmp_path: Path) -> None:
    """Plain ``check`` does not run the (slow) integrity check."""
    result = run("--db", str(tmp_path / "deskcli.db"), "check")
    assert result.returncode == 0, result.stderr
    assert "integrity" not in _check_lines(result.stdout)


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_check_refuses_non_sqlite_file(tmp_path: Path, entry: str) -> None:
    """A --db file that is not SQLite: exit 2, a message naming it, no traceback, file unchanged."""
    path = tmp_path / "notes.db"
    path.write_text("my notes\n" * 50)
    before = _fingerprint(path)
    result = run("--db", str(path), "check", entry=entry)
    assert result.returncode == 2
    assert str(path) in result.stderr
    assert "not a SQLite database" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert _fingerprint(path) == before
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["notes.db"]


def test_bad_timezone_variable_exits_2(tmp_path: Path) -> None:
    """DESKCLI_TIMEZONE=Mars/Base: exit 2 with a message naming the variable, no traceback."""
    result = run("--db", str(tmp_path / "deskcli.db"), "check", env={"DESKCLI_TIMEZONE": "Mars/Base"})
    assert result.returncode == 2
    assert "DESKCLI_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "deskcli.db").exists()


def test_unknown_variable_exits_2(tmp_path: Path) -> None:
    """A misspelt DESKCLI_ variable: exit 2 naming it and suggesting the right one."""
    result = run("--db", str(tmp_path / "deskcli.db"), "check", env={"DESKCLI_DATBASE_URL": "sqlite://"})
    assert result.returncode == 2
    assert "DESKCLI_DATBASE_URL" in result.stderr
    assert "DESKCLI_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_config_file_exits_2(tmp_path: Path) -> None:
    """``--config`` naming a file that is not TOML: exit 2 naming the file."""
    config = tmp_path / "config.toml"
    config.write_text("this is = = not toml\n")
    result = run("--config", str(config), "--db", str(tmp_path / "deskcli.db"), "check")
    assert result.returncode == 2
    assert str(config) in result.stderr
    assert "Traceback" not in result.stderr


def test_check_uses_default_database_location(isolated_home: Path, tmp_path: Path) -> None:
    """Without --db, ``check`` opens deskcli.db in the user data directory."""
    result = run("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    expected = isolated_home / "data" / "deskcli" / "deskcli.db"
    assert _check_lines(result.stdout)["database"] == str(expected.resolve())
    assert expected.is_file()


def test_caller_id_must_be_a_phone_number() -> None:
    """``--caller-id abc`` is refused by option parsing (before any UI) as not a phone number."""
    result = run("--caller-id", "abc")
    assert result.returncode != 0
    assert "not a phone number" in result.stderr
    assert "Traceback" not in result.stderr


def _database_with_damaged_index(path: Path) -> None:
    """A deskcli database whose first page is sound but one index page is garbage."""
    import sqlite3

    from deskcli.store import db

    db.open_store(db.target_for(path, None)).dispose()
    connection = sqlite3.connect(path)
    stamp = "2026-03-10 14:00:00.000000"
    connection.executemany(
        "INSERT INTO customer (name, name_spelling, pronunciation, email, organisation, department, is_vip, "
        "caution_flags, notes, created_at, updated_at) VALUES (?, '', '', ?, 'Org', 'Dept', 0, '[]', '', ?, ?)",
        [(f"Customer {i:05d}", f"c{i}@example.org", stamp, stamp) for i in range(3000)],
    )
    connection.commit()
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_customer_name'").fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 200 : start + page_size - 200] = bytes((i * 7) % 256 for i in range(page_size - 400))
    path.write_bytes(bytes(data))


def test_check_full_reports_damage_without_traceback(tmp_path: Path) -> None:
    """``check --full`` on a file with a damaged index page reports the damage (exit 1 or 2), no traceback."""
    path = tmp_path / "damaged.db"
    _database_with_damaged_index(path)
    result = run("--db", str(path), "check", "--full")
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr
    output = result.stdout + result.stderr
    assert "malformed" in output or "damaged" in output or "integrity" in output


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "x.db"],
        ["--db=x.db"],
        ["--config", "c.toml", "--db", "x.db"],
        ["--caller-id", "+44 20 7946 0000"],
        ["--caller-id=020 7946 0000", "--db", "y.db"],
    ],
)
def test_plain_start_fast_path_agrees_with_click(argv):
    """The fast path reads a plain start exactly as the click command line does."""
    from deskcli.cli import quick_launch
    from deskcli.cli.commands import cli

    quick = quick_launch(argv)
    assert quick is not None
    context = cli.make_context("deskcli", list(argv), resilient_parsing=False)
    params = context.params
    assert quick.db == params["db_path"]
    assert quick.config == params["config_path"]
    assert quick.caller_id == params["caller_id"]


@pytest.mark.parametrize(
    "argv",
    [["check"], ["--help"], ["--version"], ["--caller-id", "abc"], ["--db"], ["--db", "a", "--db", "b"], ["--unknown"], ["--db", "--config"]],
)
def test_anything_else_goes_to_click(argv):
    """Subcommands, help, bad values and unknown options are left to click."""
    from deskcli.cli import quick_launch

    assert quick_launch(argv) is None
