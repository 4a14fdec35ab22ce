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


UI_ROOTS = ("screens", "widgets", "ui", "trainer", "app.py")
"""The Textual side of deskcli: it asks the use cases in services/actions, it never opens a transaction."""


def _ui_sources() -> list[Path]:
    package = Path(__file__).resolve().parents[1] / "src" / "deskcli"
    found: list[Path] = []
    for root in UI_ROOTS:
        target = package / root
        found.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    return found


def test_no_transaction_is_opened_in_the_ui() -> None:
    """No ``store.read()`` / ``store.write()`` / ``Session`` anywhere in screens, widgets, ui, trainer or app.py."""
    import re

    pattern = re.compile(r"\.(read|write)\(\)|\bSession\b|session\.")
    offending = [
        f"{path.name}:{number}: {line.strip()}"
        for path in _ui_sources()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line) and not line.lstrip().startswith(("#", '"', "'"))
    ]
    assert len(_ui_sources()) > 20  # the search looks where the UI is
    assert offending == [], offending


def test_widgets_import_no_service() -> None:
    """Widgets are fed read models; they never import a service or the store at run time.

    Type-only imports (indented under ``if TYPE_CHECKING:``) name the read models and
    are allowed; an import at module level is not.
    """
    package = Path(__file__).resolve().parents[1] / "src" / "deskcli" / "widgets"
    offending = [
        f"{path.name}: {line}"
        for path in sorted(package.glob("*.py"))
        for line in path.read_text().splitlines()
        if line.startswith(("from deskcli.services", "import deskcli.services", "from deskcli.store", "import deskcli.store"))
    ]
    assert offending == [], offending
