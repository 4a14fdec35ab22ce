"""Which column goes to which field: by name, by ``--map``, or by a saved mapping file.

``--map "Customer Email=email"`` maps a column (its header as written, or the same
ignoring case and punctuation); ``--map "Fax="`` leaves a column out. A mapping file
(TOML, written with ``--save-mapping``) holds the same and the reading options, for
the next import of the same kind of file. Two columns given one field, one column given
two fields, a field deskcli does not know and a column the file does not have are each
refused with a message that says which.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import tomlkit
from pydantic import BaseModel, ConfigDict, ValidationError

from deskcli.core.errors import DataFileError
from deskcli.services.exchange.fields import alias_table, by_name, normalise

IGNORE = ""
"""The field name that leaves a column out (``--map "Fax="``)."""


class MappingError(DataFileError):
    """A column mapping that cannot be used."""


@dataclass(frozen=True)
class Mapping:
    """The columns of one file and the field each goes to."""

    columns: tuple[tuple[int, str, str], ...]
    """(column index, header, field) for every mapped column."""
    unmapped: tuple[str, ...]
    """Columns left out because no field matches them."""
    ignored: tuple[str, ...] = ()
    """Columns left out on purpose (mapped to nothing)."""
    notes: tuple[str, ...] = ()
    """Columns that matched a field another column already had."""

    def fields(self) -> set[str]:
        """The fields something is mapped to."""
        return {name for _index, _header, name in self.columns}

    def as_overrides(self) -> dict[str, str]:
        """The mapping as a mapping file's ``[columns]`` table."""
        result = {header: name for _index, header, name in self.columns}
        result.update(dict.fromkeys((*self.ignored, *self.unmapped), IGNORE))
        return result


def parse_map_options(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["Customer Email=email", "Fax="]`` → ``{"Customer Email": "email", "Fax": ""}``."""
    result: dict[str, str] = {}
    for value in values:
        column, equals, name = value.rpartition("=")
        if not equals or not column.strip():
            raise MappingError(f"--map {value!r}: expected \"COLUMN=field\" (or \"COLUMN=\" to leave a column out).")
        column, name = column.strip(), name.strip()
        if column in result and result[column] != name:
            raise MappingError(
                f"--map: the column {column!r} is mapped twice (to {result[column] or 'nothing'!r} and {name or 'nothing'!r}).",
                "Give each column one field.",
            )
        result[column] = name
    return result


def build(kind: str, header: tuple[str, ...], overrides: dict[str, str], *, source: str = "--map") -> Mapping:
    """Match ``header`` to the fields of ``kind``; ``overrides`` (column → field) come first."""
    specs = by_name(kind)
    aliases = alias_table(kind)
    positions: dict[str, int] = {}
    normalised: dict[str, list[int]] = {}
    for index, column in enumerate(header):
        positions.setdefault(column, index)
        normalised.setdefault(normalise(column), []).append(index)
    chosen: dict[int, str] = {}
    ignored: list[int] = []
    for column, name in overrides.items():
        found = positions.get(column)
        if found is None:
            candidates = normalised.get(normalise(column), [])
            if len(candidates) != 1:
                listed = ", ".join(repr(item) for item in header if item)
                raise MappingError(f"{source}: the file has no column {column!r} (its columns: {listed}).")
            found = candidates[0]
        index = found
        if name == IGNORE or name == "-":
            ignored.append(index)
            continue
        if name not in specs:
            close = difflib.get_close_matches(name, list(specs), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise MappingError(
                f"{source} {column}={name}: {name!r} is not a field of a {kind} import{hint}.",
                "Fields: " + ", ".join(specs),
            )
        taken = [header[i] for i, other in chosen.items() if other == name]
        if taken:
            raise MappingError(
                f"{source}: the field {name} is mapped from two columns ({taken[0]!r} and {header[index]!r}).",
                "Map one of them to another field, or leave it out with --map 'COLUMN='.",
            )
        if index in chosen and chosen[index] != name:
            raise MappingError(f"{source}: the column {header[index]!r} is mapped twice ({chosen[index]} and {name}).")
        chosen[index] = name
    notes: list[str] = []
    unmapped: list[int] = []
    for index, column in enumerate(header):
        if index in chosen or index in ignored:
            continue
        alias = aliases.get(normalise(column))
        if alias is None or not column:
            unmapped.append(index)
            continue
        holder = next((i for i, other in chosen.items() if other == alias), None)
        if holder is not None:
            notes.append(f"{column!r} also looks like {alias} (taken by {header[holder]!r}): map it with --map to use it")
            unmapped.append(index)
            continue
        chosen[index] = alias
    columns = tuple(sorted((index, header[index], name) for index, name in chosen.items()))
    return Mapping(
        columns=columns,
        unmapped=tuple(header[i] or f"(column {i + 1}, no name)" for i in unmapped),
        ignored=tuple(header[i] for i in ignored),
        notes=tuple(notes),
    )


class MappingOptions(BaseModel):
    """Reading options kept in a mapping file (the command line wins over them)."""

    model_config = ConfigDict(extra="forbid")

    encoding: str | None = None
    delimiter: str | None = None
    date_format: str | None = None
    separator: str | None = None
    missing: list[str] | None = None
    timezone: str | None = None


class MappingFile(BaseModel):
    """A saved mapping: which kind of import, the columns, the options."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["customers", "calls"]
    columns: dict[str, str] = {}
    options: MappingOptions = MappingOptions()


@dataclass
class SavedMapping:
    """A mapping file as read."""

    columns: dict[str, str]
    options: dict[str, Any] = field(default_factory=dict)


def load(path: Path, kind: str) -> SavedMapping:
    """Read a mapping file for an import of ``kind``; a broken file names the file and the field."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise MappingError(f"mapping file {path}: no such file.") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"mapping file {path} is not valid TOML: {exc}.") from None
    except OSError as exc:
        raise MappingError(f"mapping file {path} cannot be read: {exc.strerror}.") from None
    try:
        parsed = MappingFile.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        raise MappingError(f"mapping file {path}: {where}: {problem['msg']}.") from None
    if parsed.kind != kind:
        raise MappingError(f"mapping file {path} is for importing {parsed.kind}, not {kind}.")
    return SavedMapping(dict(parsed.columns), parsed.options.model_dump(exclude_none=True))


def save(path: Path, kind: str, mapping: Mapping, options: dict[str, Any]) -> Path:
    """Write the mapping used (and the reading options) to ``path`` for the next import."""
    document = {
        "kind": kind,
        "columns": mapping.as_overrides(),
        "options": {key: value for key, value in options.items() if value not in (None, [], "")},
    }
    temporary = path.with_name(path.name + ".tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(tomlkit.dumps(document).encode("utf-8"))
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise MappingError(f"mapping file {path} cannot be written: {exc.strerror}.") from None
    return path
