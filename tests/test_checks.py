"""The project's own checks, run by the test command so CI holds them.

ruff with the rule set in ``pyproject.toml`` (mistakes and stale code), and
import-linter's contracts (no import runs back up the layers, no Textual below the
UI, no service in the widgets). Each is a subprocess of the tool CI installs with the
``test`` extra; a finding fails with the tool's own report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    """The tool's script beside this interpreter (the virtual environment the suite runs in)."""
    script = Path(sys.executable).parent / name
    return str(script) if script.exists() else name


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "src", "tests"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_import_contracts_are_kept():
    result = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
