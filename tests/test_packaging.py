"""The wheel: built offline, installed non-editable into a fresh virtualenv, and able
to read its data files and migrations through importlib.resources."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import deskcli
from deskcli.services.rules.policy import load_policies
from deskcli.store import migrate

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, sys, sysconfig
import deskcli
from deskcli.store import migrate
from deskcli.services.rules.policy import load_policies
from deskcli.store import migrate
from deskcli.services.rules.policy import load_policies
from deskcli.services.lifecycle import knowledge
from deskcli.services.rules import policy

policies = policy.load_policies()
print(json.dumps({
    "file": deskcli.__file__,
    "version": deskcli.__version__,
    "purelib": sysconfig.get_paths()["purelib"],
    "articles": len(knowledge.shipped_articles()),
    "revisions": migrate.known_revisions(),
    "policies": sorted(type(part).__name__ for part in vars(policies).values()),
}))
"""


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this source tree, built without network access."""
    out = tmp_path_factory.mktemp("wheelhouse")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(PROJECT_ROOT)],
        cwd=out,
    )
    wheels = list(out.glob("deskcli-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh virtualenv with the wheel installed (not editable); returns (venv python, workdir).

    The dependencies come from the environment running the tests: ``--system-site-packages``
    reaches the base interpreter only, so a .pth file appends this environment's
    site-packages *after* the new venv's own (whose deskcli, from the wheel, comes first).
    """
    work = tmp_path_factory.mktemp("installed")
    target = work / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False, symlinks=os.name != "nt").create(target)
    python = target / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=work).stdout.strip()
    )
    (purelib / "zz_test_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        cwd=work,
    )
    return python, work


def _clean_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    return env


def test_wheel_contains_data_and_migrations(wheel: Path) -> None:
    """The wheel ships the policy files, knowledge articles and migration scripts under deskcli/."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "deskcli/data/policies/escalation.toml" in names
    assert "deskcli/store/migrations/versions/0001_initial_schema.py" in names
    assert "deskcli/store/migrations/env.py" in names
    assert "deskcli/store/migrations/script.py.mako" in names
    assert sum(1 for name in names if name.startswith("deskcli/data/knowledge/") and name.endswith(".md")) >= 8
    assert not any(name.startswith(("src/", "tests/")) for name in names)


def test_wheel_ships_the_license(wheel: Path) -> None:
    """The MIT licence the metadata declares is in the wheel, and the metadata names the file."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        license_file = next((n for n in names if n.endswith(".dist-info/licenses/LICENSE")), None)
        assert license_file is not None, names
        assert "MIT License" in archive.read(license_file).decode()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata


def test_sdist_ships_the_license_and_the_data(tmp_path: Path) -> None:
    """The source distribution carries LICENSE at its top level, and data/ (so a wheel built from it has the policies)."""
    import tarfile

    _run([sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)], cwd=PROJECT_ROOT)
    (sdist,) = tmp_path.glob("deskcli-*.tar.gz")
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        member = archive.extractfile(f"{top}/LICENSE")
        assert member is not None
        assert "MIT License" in member.read().decode()
        names = archive.getnames()
    assert f"{top}/data/policies/escalation.toml" in names
    assert f"{top}/data/scenarios/01-printer-offline.toml" in names


def test_wheel_declares_console_script(wheel: Path) -> None:
    """The wheel's entry points declare the ``deskcli`` console script."""
    with zipfile.ZipFile(wheel) as archive:
        entry_points = next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))
        text = archive.read(entry_points).decode()
    assert "deskcli = deskcli.cli:main" in text


def test_installed_wheel_reads_its_data(installed: tuple[Path, Path]) -> None:
    """Installed from the wheel (not the source tree), deskcli loads policies, articles and migrations."""
    python, work = installed
    result = _run([str(python), "-c", _PROBE], cwd=work, env=_clean_env())
    report = json.loads(result.stdout)
    module_file = Path(report["file"]).resolve()
    assert module_file.is_relative_to(Path(report["purelib"]).resolve()), module_file
    assert module_file.is_relative_to(work.resolve())
    assert not module_file.is_relative_to(PROJECT_ROOT)
    assert report["version"] == deskcli.__version__
    assert report["articles"] >= 8
    assert report["revisions"] and report["revisions"][0] == "0001"
    local = load_policies()
    assert report["policies"] == sorted(type(part).__name__ for part in vars(local).values())
    assert "EscalationPolicy" in report["policies"]


def test_installed_console_script_runs_check(installed: tuple[Path, Path], tmp_path: Path) -> None:
    """The installed console script creates and migrates a database from the wheel's migrations."""
    python, work = installed
    script = python.parent / "deskcli"
    database = tmp_path / "deskcli.db"
    result = _run([str(script), "--db", str(database), "check"], cwd=work, env=_clean_env())
    schema = next(line for line in result.stdout.splitlines() if line.startswith("schema"))
    assert schema.split()[1] == migrate.head_revision()
    assert database.is_file()


def test_a_source_checkout_reads_the_data_at_the_top_of_the_repository() -> None:
    """The editable install of this checkout finds data/ at the repository's top, not in the package."""
    from deskcli.config import datafiles

    root = Path(str(datafiles.shipped_root())).resolve()
    assert root == (PROJECT_ROOT / "data").resolve()
    assert not (PROJECT_ROOT / "src" / "deskcli" / "data").exists()
    assert len(load_policies().categories.categories) >= 5

