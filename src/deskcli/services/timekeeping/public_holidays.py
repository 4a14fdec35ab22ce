"""Public holidays for the business calendar, without loading the holidays package here.

The ``holidays`` package imports every country's rules (and the Islamic, Hindu,
Chinese … calendars) as soon as one country is asked for: about 12 MB resident, for
a dozen dates a year. The console keeps that out of its own process: a short-lived
child (``python -m deskcli.services.timekeeping.public_holidays``) works out the list of
countries and subdivisions, or a window of years of one country's holiday dates, and
the answer is kept in a small JSON file in the user cache directory, named after the
``holidays`` version (a new version recomputes). If the child cannot run, the same
answer is computed in this process (more memory, same dates).

Nothing here is a call-lifecycle rule; it is where the business calendar's public
holidays come from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

from deskcli.config import paths

YEARS_BEFORE = 3
YEARS_AFTER = 3
"""A missing year is computed with its neighbours: SLAs look back and ahead."""

CHILD_TIMEOUT_S = 60

_lock = threading.Lock()
_memory: dict[str, dict] = {}
"""Cache file path → its content, once read (the console reads the file once)."""


def package_version() -> str:
    """The installed ``holidays`` version (read from its metadata, not by importing it)."""
    from importlib import metadata

    try:
        return metadata.version("holidays")
    except metadata.PackageNotFoundError:
        return "unknown"


def catalogue() -> dict[str, tuple[str, ...]]:
    """Every country code the ``holidays`` package knows → its subdivision codes and aliases."""
    with _lock:
        content = _content()
        if "catalogue" not in content:
            content["catalogue"] = _ask(["catalogue"])
            _save(content)
        return {code: tuple(subdivisions) for code, subdivisions in content["catalogue"].items()}


def dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The public holidays of ``country`` (and ``subdivision``) in ``year``."""
    key = f"{country}/{subdivision or ''}"
    with _lock:
        content = _content()
        years = content.setdefault("dates", {}).setdefault(key, {})
        if str(year) not in years:
            first, last = year - YEARS_BEFORE, year + YEARS_AFTER
            found = _ask(["dates", country, subdivision or "-", str(first), str(last)])
            years.update({str(number): found.get(str(number), []) for number in range(first, last + 1)})
            _save(content)
        return frozenset(date.fromisoformat(text) for text in years[str(year)])


def _cache_file() -> Path:
    return paths.cache_dir() / f"holidays-{package_version()}.json"


def _content() -> dict:
    path = str(_cache_file())
    if path not in _memory:
        try:
            loaded = json.loads(Path(path).read_text(encoding="utf-8"))
            _memory[path] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            # Missing or damaged: it is only a cache; it is rebuilt.
            _memory[path] = {}
    return _memory[path]


def _save(content: dict) -> None:
    """Write the cache atomically (two consoles may fill it at once); failing is harmless."""
    path = _cache_file()
    try:
        paths.make_private_dir(path.parent)  # 0700, like deskcli's other folders
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".holidays-", delete=False) as handle:
            json.dump(content, handle)
        os.replace(handle.name, path)
    except OSError:
        pass


def _ask(arguments: list[str]) -> dict:
    """Run the child for one answer; compute in this process if the child fails."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "deskcli.services.timekeeping.public_holidays", *arguments],
            capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=True, stdin=subprocess.DEVNULL,
        )
        answer = json.loads(done.stdout)
        if isinstance(answer, dict):
            return answer
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    return _compute(arguments)


def _compute(arguments: list[str]) -> dict:
    """The answer to one request, from the ``holidays`` package (imported here)."""
    import holidays

    if arguments[0] == "catalogue":
        known: dict[str, list[str]] = {}
        for code, subdivisions in holidays.list_supported_countries().items():
            if len(code) != 2 or not code.isupper():
                continue
            try:
                aliases = getattr(type(holidays.country_holidays(code)), "subdivisions_aliases", {}) or {}
            except NotImplementedError:
                aliases = {}
            known[code] = [*subdivisions, *aliases]
        return known
    _, country, subdivision, first, last = arguments
    found = holidays.country_holidays(
        country, subdiv=None if subdivision == "-" else subdivision, years=range(int(first), int(last) + 1)
    )
    by_year: dict[str, list[str]] = {}
    for day in sorted(found):
        by_year.setdefault(str(day.year), []).append(day.isoformat())
    return by_year


def main() -> None:
    """``python -m deskcli.services.timekeeping.public_holidays catalogue | dates CC SUB|- FIRST LAST``."""
    print(json.dumps(_compute(sys.argv[1:])))


if __name__ == "__main__":
    main()
