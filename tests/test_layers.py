"""Layering: the services and models never import the terminal UI (Textual)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import importlib, json, pkgutil, sys
import deskcli.models
import deskcli.services

imported = ["deskcli.models", "deskcli.services"]
for package in (deskcli.services, deskcli.models):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
ui = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
print(json.dumps({"imported": imported, "ui": ui}))
"""


def _run(script: str, cwd: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_services_and_models_do_not_import_textual(tmp_path: Path) -> None:
    """Importing every module of deskcli.services and deskcli.models leaves Textual unimported."""
    report = _run(_SCRIPT, tmp_path)
    assert "deskcli.services.lifecycle.calls" in report["imported"]
    assert "deskcli.models.guards" in report["imported"]
    assert report["ui"] == [], f"Textual modules imported by the data layer: {report['ui']}"


def test_probe_detects_textual(tmp_path: Path) -> None:
    """The probe itself sees Textual when it is imported (so the layering test can fail)."""
    report = _run("import textual\n" + _SCRIPT, tmp_path)
    assert "textual" in report["ui"]
