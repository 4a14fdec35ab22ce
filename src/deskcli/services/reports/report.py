"""The report a desk manager reads: every metric for a period, beside the previous one, by group, with a trend.

:func:`build_report` runs each metric's query once over a window cut at every
boundary the report needs (the period, the previous period of the same length and
the trend weeks), then adds up segments: the period's figures, the previous period's,
each group's and each week's all come from the same counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from deskcli.core.errors import RuleViolation
from deskcli.models import Analyst, Call
from deskcli.services.actor import Actor
from deskcli.services.reports import (
    escalation,
    fcr,
    handling,
    issues,
    promises,
    reopen,
    satisfaction,
    service_levels,
)
from deskcli.services.reports.common import ALL, Counts, Figure, ReportContext
from deskcli.services.reports.period import Period, parse_period
from deskcli.services.reports.sqlbits import BY_CHOICES, Window
from deskcli.services.rules.policy import Policies
from deskcli.services.timekeeping.business_time import BusinessCalendar

if TYPE_CHECKING:
    from deskcli.store.db import Store

METRICS: tuple[ModuleType, ...] = (fcr, escalation, reopen, promises, handling, service_levels, satisfaction, issues)
"""Every metric family, in the order a report shows them."""

METRIC_KEYS = tuple(metric.key for metric in METRICS)

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class GroupRow:
    """One group's figures for the period (an analyst, a category, a priority)."""

    key: str
    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class TrendPoint:
    """One week of the trend: its first day and the metric's headline figure that week."""

    week: Period
    figure: Figure


@dataclass(frozen=True)
class MetricReport:
    """One metric: the period beside the previous one, by group, and weekly."""

    key: str
    title: str
    definition: str
    current: tuple[Figure, ...]
    previous: tuple[Figure, ...]
    groups: tuple[GroupRow, ...] = ()
    trend: tuple[TrendPoint, ...] = ()

    def previous_of(self, key: str) -> Figure | None:
        """The previous period's figure with this key."""
        return next((figure for figure in self.previous if figure.key == key), None)


@dataclass(frozen=True)
class Report:
    """Everything a report shows."""

    period: Period
    previous: Period
    by: str | None
    generated_at: datetime
    metrics: tuple[MetricReport, ...] = field(default=())
    calls_on_record: int = 0

    @property
    def empty(self) -> bool:
        """No call is on record at all."""
        return self.calls_on_record == 0

    def metric(self, key: str) -> MetricReport:
        """The metric with this key (``KeyError`` if the report has none)."""
        for metric in self.metrics:
            if metric.key == key:
                return metric
        raise KeyError(key)


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: the period as typed, the breakdown, and which metrics (all by default)."""

    period: str = "month"
    by: str | None = None
    metrics: tuple[str, ...] = ()


def window_for(period: Period, now: datetime) -> tuple[Window, dict[str, set[int]]]:
    """The window cut at every boundary, and which segments make each named span."""
    previous = period.previous()
    weeks = period.trend_weeks()
    spans = {"current": (period.start, period.end), "previous": (previous.start, previous.end)}
    spans.update({f"week{n}": (week.start, week.end) for n, week in enumerate(weeks)})
    cuts = sorted({moment for span in spans.values() for moment in span})
    window = Window(tuple(cuts), now)
    segments = {
        name: {n for n in range(len(cuts) - 1) if start <= cuts[n] and cuts[n + 1] <= end}
        for name, (start, end) in spans.items()
    }
    return window, segments


def _labels(session: Session, by: str | None, groups: list[object], context: ReportContext) -> dict[object, str]:
    if by == "analyst":
        names: dict[object, str] = dict(session.exec(select(Analyst.id, Analyst.name)).all())
        return {group: names.get(group, "(nobody)") for group in groups}
    if by == "category":
        known = {category.key: category.label for category in context.policies.categories.categories}
        return {group: known.get(str(group), str(group)) if group else "(not assessed)" for group in groups}
    if by == "priority":
        return {group: f"P{group}" if group else "(no priority)" for group in groups}
    return dict.fromkeys(groups, "")


def _metric_report(
    metric: ModuleType, counts: Counts, segments: dict[str, set[int]], weeks: list[Period], by: str | None,
    labels: dict[object, str],
) -> MetricReport:
    current = set(segments["current"])
    if metric is service_levels:
        current.add(service_levels.NOW_SEGMENT)  # "overdue now" belongs to the report's own moment
    groups: tuple[GroupRow, ...] = ()
    if by is not None and metric is not issues:
        groups = tuple(
            GroupRow(str(group), labels.get(group, str(group)), tuple(metric.figures(counts.total(current, group))))
            for group in counts.groups()
        )
    trend = tuple(
        TrendPoint(week, metric.figures(counts.total(segments[f"week{n}"], ALL))[0]) for n, week in enumerate(weeks)
    )
    return MetricReport(
        key=metric.key,
        title=metric.title,
        definition=metric.definition,
        current=tuple(metric.figures(counts.total(current))),
        previous=tuple(metric.figures(counts.total(segments["previous"]))),
        groups=groups,
        trend=trend,
    )


def build_report(session: Session, request: ReportRequest, context: ReportContext, progress: Progress | None = None) -> Report:
    """Every asked-for metric of the period (raises :class:`RuleViolation` for a bad period, breakdown or metric)."""
    period = parse_period(request.period, now=context.now, zone=context.zone)
    if request.by is not None and request.by not in BY_CHOICES:
        raise RuleViolation(f"by: {request.by!r} is not a breakdown; expected one of {', '.join(BY_CHOICES)}.")
    unknown = [key for key in request.metrics if key not in METRIC_KEYS]
    if unknown:
        raise RuleViolation(f"metric: {unknown[0]!r} is not a metric; expected one of {', '.join(METRIC_KEYS)}.")
    chosen = [metric for metric in METRICS if not request.metrics or metric.key in request.metrics]
    on_record = session.exec(select(func.count()).select_from(Call)).one()
    report = Report(period, period.previous(), request.by, context.now, calls_on_record=on_record)
    if on_record == 0:
        return report
    window, segments = window_for(period, context.now)
    weeks = period.trend_weeks()
    done: list[MetricReport] = []
    for number, metric in enumerate(chosen):
        if progress is not None:
            progress(number / len(chosen), metric.title)
        counts = metric.collect(session, window, request.by, context)
        labels = _labels(session, request.by, counts.groups(), context)
        done.append(_metric_report(metric, counts, segments, weeks, request.by, labels))
    if progress is not None:
        progress(1.0, "done")
    return Report(period, period.previous(), request.by, context.now, tuple(done), on_record)


def run_report(
    store: Store, by: Actor, request: ReportRequest, *, policies: Policies, zone: ZoneInfo,
    calendar: BusinessCalendar, progress: Progress | None = None,
) -> Report:
    """The use case: the report as of ``by``'s now, in one read transaction (one consistent picture)."""
    context = ReportContext(policies, zone, calendar, by.now())
    with store.read() as session:
        return build_report(session, request, context, progress)
