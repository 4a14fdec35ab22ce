"""A report as text: a table to read, CSV for a spreadsheet, JSON for another program.

Plain text only (the console draws its own screen from the same :class:`Report`).
Every metric is printed with its definition under it. Nothing is capped: CSV and
JSON hold every figure, group and week.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from datetime import timedelta

from deskcli.core.timefmt import duration
from deskcli.services.reports.common import Figure
from deskcli.services.reports.report import MetricReport, Report

BARS = " ▁▂▃▄▅▆▇█"


def value_text(figure: Figure | None) -> str:
    """``64.8% (303/468)``, ``4:05``, ``12``, ``4.14/5``; ``-`` when there was nothing to count."""
    if figure is None or figure.value is None:
        return "-"
    if figure.unit == "%":
        return f"{figure.value:.1f}% ({figure.numerator:,.0f}/{figure.denominator:,.0f})"
    if figure.unit == "s":
        return duration(timedelta(seconds=round(figure.value)))
    if figure.unit == "/5":
        return f"{figure.value:.2f}/5"
    if figure.unit == "x":
        return f"{figure.value:.2f}"
    return f"{figure.value:,.0f}"


def change_text(now: Figure | None, before: Figure | None) -> str:
    """The change from the previous period (percentage points for rates)."""
    if now is None or before is None or now.value is None or before.value is None:
        return ""
    delta = now.value - before.value
    if abs(delta) < 1e-9:
        return "="
    if now.unit == "%":
        return f"{delta:+.1f} pt"
    if now.unit == "s":
        return ("+" if delta > 0 else "-") + duration(timedelta(seconds=abs(round(delta))))
    if now.unit in ("/5", "x"):
        return f"{delta:+.2f}"
    return f"{delta:+,.0f}"


def sparkline(values: list[float | None]) -> str:
    """One block character per value, scaled between the smallest and largest (a gap for none)."""
    known = [value for value in values if value is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    marks = []
    for value in values:
        if value is None:
            marks.append(" ")
        else:
            level = 4 if span == 0 else round((value - low) / span * 7) + 1
            marks.append(BARS[level])
    return "".join(marks)


def plain(text: object) -> str:
    """Text from the database made safe for a terminal: control characters (escape sequences) become ``?``."""
    return "".join(char if char.isprintable() else "?" for char in str(text))


def _columns(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[n]) for row in rows) for n in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def metric_table(metric: MetricReport, report: Report) -> list[str]:
    """One metric as lines of text."""
    lines = [metric.title, "=" * len(metric.title)]
    rows = [("", report.period.label, report.previous.label, "change")]
    for figure in metric.current:
        before = metric.previous_of(figure.key)
        rows.append((plain(figure.label), value_text(figure), value_text(before), change_text(figure, before)))
    lines += _columns(rows)
    if metric.groups:
        lines.append("")
        shown = metric.current[: min(3, len(metric.current))]
        group_rows = [(f"by {report.by}", *(figure.label for figure in shown))]
        for group in metric.groups:
            by_key = {figure.key: figure for figure in group.figures}
            group_rows.append((plain(group.label), *(value_text(by_key.get(figure.key)) for figure in shown)))
        lines += _columns(group_rows)
    if metric.trend:
        headline = metric.trend[0].figure.label
        points = [point.figure.value for point in metric.trend]
        first, last = metric.trend[0].week, metric.trend[-1].week
        lines += [
            "",
            f"weekly {headline}, {first.first:%d %b} to {last.last:%d %b}: {sparkline(points)}",
            "  " + "  ".join(
                f"{point.week.first:%d %b} {value_text(point.figure).split(' (')[0]}" for point in metric.trend
            ),
        ]
    lines.append("")
    lines += textwrap.wrap("Definition: " + metric.definition, width=100)
    return lines


def as_table(report: Report) -> str:
    """The whole report to read in a terminal or a text file."""
    head = [
        f"deskcli report: {report.period.label} (beside {report.previous.label})"
        + (f", by {report.by}" if report.by else ""),
        f"as of {report.generated_at.astimezone(report.period.zone):%Y-%m-%d %H:%M} ({report.period.zone.key})",
        "",
    ]
    if report.empty:
        return "\n".join([*head, "No calls on record yet: there is nothing to report."]) + "\n"
    body: list[str] = []
    for metric in report.metrics:
        body += [*metric_table(metric, report), "", ""]
    return "\n".join(head + body).rstrip() + "\n"


def _number(value: float | None) -> float | int | None:
    """Whole numbers without a decimal point (a count of calls is 12, not 12.0)."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def _figure_rows(metric: MetricReport, period: str, figures: tuple[Figure, ...] | list[Figure], group: str = "") -> list[list[object]]:
    return [
        [metric.key, figure.key, figure.label, period, group, _number(figure.value), _number(figure.numerator),
         _number(figure.denominator), figure.unit]
        for figure in figures
    ]


def as_csv(report: Report) -> str:
    """Every figure as a row: the period, the previous one, each group, each trend week."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["metric", "figure", "label", "period", "group", "value", "numerator", "denominator", "unit"])
    for metric in report.metrics:
        rows = _figure_rows(metric, report.period.label, metric.current)
        rows += _figure_rows(metric, report.previous.label, metric.previous)
        for group in metric.groups:
            rows += _figure_rows(metric, report.period.label, group.figures, group.label)
        for point in metric.trend:
            rows += _figure_rows(metric, f"week of {point.week.first.isoformat()}", [point.figure])
        writer.writerows(rows)
    return out.getvalue()


def _figure_json(figure: Figure) -> dict[str, object]:
    return {
        "key": figure.key, "label": figure.label, "value": _number(figure.value), "unit": figure.unit,
        "numerator": _number(figure.numerator), "denominator": _number(figure.denominator),
    }


def as_json(report: Report) -> str:
    """The report as one JSON document."""
    document = {
        "period": {"label": report.period.label, "first": report.period.first.isoformat(), "last": report.period.last.isoformat()},
        "previous": {"label": report.previous.label, "first": report.previous.first.isoformat(), "last": report.previous.last.isoformat()},
        "by": report.by,
        "generated_at": report.generated_at.isoformat(),
        "calls_on_record": report.calls_on_record,
        "metrics": [
            {
                "key": metric.key,
                "title": metric.title,
                "definition": metric.definition,
                "current": [_figure_json(figure) for figure in metric.current],
                "previous": [_figure_json(figure) for figure in metric.previous],
                "groups": [
                    {"key": group.key, "label": group.label, "figures": [_figure_json(f) for f in group.figures]}
                    for group in metric.groups
                ],
                "trend": [{"week": point.week.first.isoformat(), **_figure_json(point.figure)} for point in metric.trend],
            }
            for metric in report.metrics
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


FORMATS = {"table": as_table, "csv": as_csv, "json": as_json}
