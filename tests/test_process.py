"""The console's process settings: frame rate and malloc arenas, set once at start."""

from __future__ import annotations

import subprocess
import sys

import pytest

from deskcli.core import process


def test_frame_rate_defaults_to_120_and_the_users_choice_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEXTUAL_FPS", raising=False)
    process.prepare_console_process()
    assert process.os.environ["TEXTUAL_FPS"] == "120"
    monkeypatch.setenv("TEXTUAL_FPS", "30")
    process.prepare_console_process()
    assert process.os.environ["TEXTUAL_FPS"] == "30"


def test_the_deskcli_command_sets_the_frame_rate_before_textual_reads_it() -> None:
    """Textual reads TEXTUAL_FPS once, when imported: the command must set it first."""
    code = (
        "import os, sys\n"
        "os.environ.pop('TEXTUAL_FPS', None)\n"
        "from deskcli import cli\n"
        "sys.argv = ['deskcli', '--help']\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "import textual.constants\n"
        "print(textual.constants.MAX_FPS)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "120"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_malloc_arenas_are_capped_on_linux() -> None:
    assert process.limit_malloc_arenas() is True
