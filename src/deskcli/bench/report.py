"""The benchmark's figures: value, floor, ratio, budget and pass/fail; as a table or JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured figure."""

    name: str
    value: float
    unit: str
    floor: float | None = None
    """The same measurement of the floor (bare Textual app, raw SQL), in the same run."""
    budget: str = ""
    """The budget as text (``≤ 1.25 × floor``, ``p95 < 50 ms``)."""
    passed: bool | None = None
    """``None`` when the figure has no budget (reported for information)."""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """Value over floor."""
        if self.floor in (None, 0):
            return None
        return self.value / self.floor


def ratio_figure(name: str, value: float, floor: float, unit: str, limit: float, note: str = "") -> Figure:
    """A figure whose budget is a multiple of its floor."""
    return Figure(name, value, unit, floor, f"≤ {limit:g} × floor", value <= limit * floor, note)


def limit_figure(
    name: str, value: float, unit: str, limit: float, label: str, *, inclusive: bool = False, note: str = ""
) -> Figure:
    """A figure with an absolute budget (``value < limit``, or ``≤`` when ``inclusive``)."""
    return Figure(name, value, unit, None, label, value <= limit if inclusive else value < limit, note)


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:,.0f} {unit}".strip()


def table(figures: list[Figure]) -> str:
    """A plain-text table, one figure per line."""
    rows = [("figure", "value", "floor", "ratio", "budget", "result")]
    for figure in figures:
        ratio = f"{figure.ratio:.2f}" if figure.ratio is not None else "-"
        result = "-" if figure.passed is None else ("pass" if figure.passed else "FAIL")
        rows.append((figure.name, _number(figure.value, figure.unit), _number(figure.floor, figure.unit), ratio, figure.budget or "-", result))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    notes = [f"  * {figure.name}: {figure.note}" for figure in figures if figure.note]
    return "\n".join(lines + (["", *notes] if notes else []))


def as_json(figures: list[Figure], context: dict[str, Any]) -> dict[str, Any]:
    """The same figures as data."""
    return {
        **context,
        "figures": [{**asdict(figure), "ratio": figure.ratio} for figure in figures],
        "passed": all(figure.passed is not False for figure in figures),
    }
