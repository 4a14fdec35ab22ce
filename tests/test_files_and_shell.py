"""Files and the shell as users expect: private modes for what names people, the config
file edited in place with its comments kept, warnings about files others can read, and
shell completion that answers instead of starting the console."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from deskcli.config import paths
from deskcli.config.launch import LaunchOptions
from deskcli.config.settings import AnalystProfile, load_settings, save_analyst_profile
from deskcli.runtime import open_runtime
from deskcli.store import db


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _assert_private(folder: Path, files: list[Path]) -> None:
    """``folder`` and its parent are 0700 and every one of ``files`` (at least one) is 0600."""
    assert _mode(folder) == 0o700
    assert _mode(folder.parent) == 0o700
    assert files and all(_mode(file) == 0o600 for file in files)


def _run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskcli", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL, timeout=120, cwd=cwd,
    )


@pytest.fixture
def open_umask():
    """The common umask 022 (files 0644, folders 0755 unless deskcli says otherwise)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


# --- modes ------------------------------------------------------------------------------


def test_policies_copy_makes_private_files_in_a_private_folder(tmp_path: Path, open_umask) -> None:
    folder = tmp_path / "office" / "policies"
    result = _run("policies", "copy", str(folder))
    assert result.returncode == 0, result.stderr
    _assert_private(folder, sorted(folder.glob("*.toml")))


def test_scorecard_export_is_private(tmp_path: Path, open_umask) -> None:
    """Scorecards name trainees and callers: the export is 0600 even under umask 022 (and an existing file is tightened)."""
    demo = tmp_path / "demo.db"
    db.open_store(db.target_for(demo, None)).dispose()
    fresh, existing = tmp_path / "cards.json", tmp_path / "old.md"
    existing.write_text("old")
    existing.chmod(0o644)
    for output, fmt in ((fresh, "json"), (existing, "markdown")):
        result = _run("scorecards", "--db", str(demo), "--format", fmt, "--output", str(output))
        assert result.returncode == 0, result.stderr
        assert _mode(output) == 0o600
    assert json.loads(fresh.read_text()) == []


def test_write_private_text_never_exposes_a_new_file(tmp_path: Path, open_umask) -> None:
    target = tmp_path / "card.md"
    paths.write_private_text(target, "Sam Trainee: 9/10\n")
    assert _mode(target) == 0o600
    assert target.read_text() == "Sam Trainee: 9/10\n"


def test_holiday_cache_folder_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask) -> None:
    from deskcli.services.timekeeping import public_holidays

    cache = tmp_path / "cache" / "deskcli"
    monkeypatch.setenv(paths.CACHE_ENV, str(cache))
    public_holidays._save({"catalogue": {"GB": []}})
    _assert_private(cache, list(cache.glob("holidays-*.json")))


def test_config_rewrite_ignores_a_stale_temporary_file(tmp_path: Path, open_umask) -> None:
    """A config.toml.tmp left at 0644 by an interrupted save is not reused: the new config is 0600."""
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Europe/London"\n')
    stale = tmp_path / "config.toml.tmp"
    stale.write_text("stale")
    stale.chmod(0o644)
    save_analyst_profile(AnalystProfile(name="Ann Jones", department="Help Desk"), config)
    assert _mode(config) == 0o600
    assert not stale.exists()
    assert load_settings(config).analyst.name == "Ann Jones"


# --- warnings about files others can read ---------------------------------------------------


def test_config_holding_smtp_password_readable_by_others_is_warned_about(tmp_path: Path, analyst_profile) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[smtp]\nhost = "mail.example"\nsender = "desk@example.org"\npassword = "hunter2"\n')
    config.chmod(0o644)
    runtime = open_runtime(LaunchOptions(db=tmp_path / "x.db", config=config))
    try:
        warned = [note for note in runtime.notes if "SMTP password" in note]
    finally:
        runtime.close()
    assert warned and str(config) in warned[0] and f"chmod 600 {config}" in warned[0]
    assert "hunter2" not in " ".join(runtime.notes)
    config.chmod(0o600)
    runtime = open_runtime(LaunchOptions(db=tmp_path / "x.db", config=config))
    runtime.close()
    assert not [note for note in runtime.notes if "SMTP password" in note]


def test_existing_world_readable_database_is_warned_about_and_left_alone(tmp_path: Path, analyst_profile) -> None:
    """An existing 0644 file given as --db: a note says so (with the fix); its mode is not changed behind the office's back."""
    path = tmp_path / "shared.db"
    db.open_store(db.target_for(path, None)).dispose()
    path.chmod(0o644)
    result = _run("--db", str(path), "check")
    assert result.returncode == 0, result.stderr
    assert "every user on this machine can read it" in result.stdout
    assert f"chmod 600 {path}" in result.stdout
    assert _mode(path) == 0o644
    path.chmod(0o600)
    assert "can read it" not in _run("--db", str(path), "check").stdout


# --- the config file keeps its comments -------------------------------------------------------

COMMENTED = """\
# Our desk's settings - ask Priya before changing them.
timezone = "Europe/London"   # the office is in Leeds

[smtp]
host = "mail.example"   # the relay, not the webmail
sender = "desk@example.org"

# Who sits here.
[analyst]
name = "Old Name"  # changed on first start
department = "Help Desk"
"""


def test_saving_the_profile_keeps_comments_and_layout(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(COMMENTED)
    save_analyst_profile(AnalystProfile(name="Ann Jones", department="Service Desk", handle="ajones"), config)
    text = config.read_text()
    for kept in ("# Our desk's settings - ask Priya before changing them.", "# the office is in Leeds",
                 "# the relay, not the webmail", "# Who sits here.", "[smtp]"):
        assert kept in text
    assert text.index("[smtp]") < text.index("[analyst]")
    settings = load_settings(config)
    assert (settings.analyst.name, settings.analyst.department) == ("Ann Jones", "Service Desk")
    assert settings.smtp.host == "mail.example"


def test_saving_the_profile_into_a_file_without_one_adds_the_table(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("# only a comment\nphone_region = \"US\"\n")
    save_analyst_profile(AnalystProfile(name="Ann Jones", department="Help Desk"), config)
    assert config.read_text().startswith("# only a comment\nphone_region = \"US\"\n")
    assert load_settings(config).analyst.name == "Ann Jones"


# --- shell completion -------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_prints_the_script_instead_of_starting_the_console(shell: str) -> None:
    result = _run(env={"_DESKCLI_COMPLETE": f"{shell}_source"})
    assert result.returncode == 0, result.stderr
    assert "_DESKCLI_COMPLETE" in result.stdout
    assert "\x1b[?1049h" not in result.stdout  # the console's alternate screen never opened


def test_shell_completion_completes_subcommands() -> None:
    result = _run(env={"_DESKCLI_COMPLETE": "bash_complete", "COMP_WORDS": "deskcli ch", "COMP_CWORD": "1"})
    assert result.returncode == 0, result.stderr
    assert "check" in result.stdout
