"""Reading deskcli's data files: policies, knowledge articles, scenarios.

The shipped files live in ``data/`` at the top of the repository; a wheel carries them
as ``deskcli/data``, read with ``importlib.resources``, and a source checkout (an
editable install) reads the repository's ``data/`` (:func:`shipped_root`). An office can copy any of them
into its own folder (setting ``policy_dir``) and edit it there: a file of the same
name in that folder replaces the shipped one.

A broken file is a :class:`~deskcli.core.errors.DataFileError` naming the file, the field
and what was expected.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from deskcli.core.errors import DataFileError

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base of every data-file model: unknown keys are errors, loaded values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

_CLOCK_TEXT = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$")


def _time_of_day(value: object) -> time:
    """A TOML local time (``18:00:00``) or the text ``"18:00"``; nothing else.

    pydantic alone reads the number ``18`` as 18 seconds past midnight: an office that
    writes ``evening_from = 18`` must be told, not greeted with "Good evening" all day.
    """
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str):
        match = _CLOCK_TEXT.match(value.strip())
        if match:
            return time(int(match[1]), int(match[2]), int(match[3] or 0))
    raise ValueError(f"expected a time of day such as 18:00:00 (or \"18:00\"), found {value!r}")


LocalTime = Annotated[time, BeforeValidator(_time_of_day)]
"""A time of day in a data file, read strictly (see :func:`_time_of_day`)."""


@dataclass(frozen=True)
class DataFile:
    """One data file's name (for messages) and text."""

    name: str
    """Where it came from: ``data/policies/escalation.toml`` or an office path."""
    text: str


SOURCE_DATA = Path(__file__).resolve().parents[3] / "data"
"""``data/`` at the top of a source checkout (``src/deskcli/config/datafiles.py`` → repository)."""


def shipped_root() -> Traversable:
    """The shipped data: ``deskcli/data`` in an installed wheel, else the checkout's ``data/``."""
    packaged = resources.files("deskcli") / "data"
    if packaged.is_dir():
        return packaged
    if SOURCE_DATA.is_dir():
        return SOURCE_DATA
    raise DataFileError("the data files (policies, knowledge, scenarios) are missing from this deskcli installation.")


def read(relative: str, override_dir: Path | None = None) -> DataFile:
    """Read ``relative`` (e.g. ``policies/escalation.toml``), preferring the office's copy."""
    if override_dir is not None:
        candidate = override_dir / Path(relative).name
        if candidate.is_file():
            try:
                return DataFile(str(candidate), candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise DataFileError(f"{candidate}: cannot be read ({exc}).") from None
    resource = shipped_root().joinpath(*relative.split("/"))
    if not resource.is_file():
        raise DataFileError(f"data/{relative} is missing from this deskcli installation.")
    return DataFile(f"data/{relative}", resource.read_text(encoding="utf-8"))


def iter_folder(relative: str, suffix: str) -> Iterator[DataFile]:
    """Every shipped file in the folder ``relative`` ending in ``suffix``, by name."""
    folder = shipped_root().joinpath(*relative.split("/"))
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.is_file() and entry.name.endswith(suffix):
            yield DataFile(f"data/{relative}/{entry.name}", entry.read_text(encoding="utf-8"))


def parse_toml(file: DataFile) -> dict[str, Any]:
    """Parse a TOML data file, naming it (and the line) when it is not valid TOML."""
    try:
        return tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{file.name}: not valid TOML ({exc}).", "Fix the file or remove the office copy.") from None


def validate(model: type[M], data: dict[str, Any], file: DataFile) -> M:
    """Validate ``data`` as ``model``; the error names the file, the field and what was expected."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        value = problem.get("input")
        shown = f" (found {value!r})" if isinstance(value, (str, int, float, bool)) else ""
        raise DataFileError(f"{file.name}: field {field}: {problem['msg']}{shown}.") from None


def load_toml_model(model: type[M], relative: str, override_dir: Path | None = None,
                    added_later: tuple[str, ...] = ()) -> M:
    """Read, parse and validate one TOML data file.

    ``added_later`` names top-level tables a later deskcli added to the shipped file: an
    office's copy made from an older one lacks them, and takes the shipped ones instead
    of failing at start-up (a table the office writes itself, even empty, stands).
    """
    file = read(relative, override_dir)
    data = parse_toml(file)
    missing = [key for key in added_later if key not in data]
    if missing and not file.name.startswith("data/"):
        shipped = parse_toml(read(relative))
        data.update({key: shipped[key] for key in missing if key in shipped})
    return validate(model, data, file)
