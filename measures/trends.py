"""A task force's own figures over time, beside the median of its peers.

Only accepted reports count (a report under correction is back in draft and drops out until it
is accepted again, so a figure nobody has checked never reaches a chart). Measures are followed
by code, which carries across measure-set versions.

The peer median is the median of the other task forces' accepted values for the same measure
and quarter. It is shown only when at least ``PEERS_AT_LEAST`` peers reported, and nothing else
about the peers is published beside it (no count, minimum or maximum, no names): with the number
of peers and the extremes, a median of exactly five would give away individual values.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from config.charts import bar_chart
from measures import models as measures_models
from measures.models import Measure, ReportingPeriod

TREND_QUARTERS = 8
PEERS_AT_LEAST = 5
OWN, PEERS = "Your task force", "Median of peer task forces"


@dataclass
class Point:
    period: ReportingPeriod
    value: int | None  # None: no accepted report with this figure
    peer_median: float | None  # None: fewer than PEERS_AT_LEAST peers reported


@dataclass
class Part:
    """A sub-measure, shown in its parent's breakdown table (the task force's own figures only)."""

    name: str
    values: list[int | None]


@dataclass
class Trend:
    code: str
    name: str
    definition: str
    points: list[Point]
    parts: list[Part] = field(default_factory=list)

    @property
    def chart(self):
        peers = [p.peer_median for p in self.points]
        series: list[tuple[str, list]] = [(OWN, [p.value for p in self.points])]
        if any(m is not None for m in peers):
            series.append((PEERS, peers))
        return bar_chart(
            self.name,
            f"{self.name} each quarter: your task force's accepted figure"
            + (", beside the median of peer task forces where at least 5 reported" if len(series) > 1 else "")
            + ". Quarters without an accepted figure have no bar. The table below has the figures.",
            [short_label(p.period) for p in self.points],
            series,
            css_class="measures-chart",
        )

    @property
    def breakdown_rows(self):
        """(period, [each part's figure]) per quarter, for the breakdown table."""
        return [
            (point.period, [part.values[i] for part in self.parts]) for i, point in enumerate(self.points)
        ]

    @property
    def has_data(self) -> bool:
        return any(p.value is not None or p.peer_median is not None for p in self.points)


def short_label(period: ReportingPeriod) -> str:
    """A chart's axis label ("Q1 ’26"): the table beside it has the full "2026 Q1"."""
    return f"Q{period.quarter} ’{period.year % 100:02d}"


def recent_periods(count: int = TREND_QUARTERS) -> list[ReportingPeriod]:
    """The latest ``count`` reporting periods, oldest first (one query)."""
    return list(reversed(ReportingPeriod.objects.order_by("-year", "-quarter")[:count]))


def accepted_figures(periods, *, task_force_id=None, codes=None):
    """(task force, period, code, value) of accepted reports' figures, in one query."""
    rows = measures_models.accepted_figures().filter(report__period__in=periods)
    if task_force_id is not None:
        rows = rows.filter(report__task_force_id=task_force_id)
    if codes is not None:
        rows = rows.filter(measure__code__in=codes)
    return rows.values_list("report__task_force_id", "report__period_id", "measure__code", "accepted_value")


def peer_medians(periods, task_force_id, codes) -> dict[tuple[int, str], float]:
    """(period id, code) -> median of the other task forces' accepted values, where enough reported."""
    values = defaultdict(list)
    for other, period_id, code, value in accepted_figures(periods, codes=codes):
        if other != task_force_id:
            values[period_id, code].append(value)
    return {
        key: _tidy(statistics.median(found)) for key, found in values.items() if len(found) >= PEERS_AT_LEAST
    }


def _tidy(number) -> float | int:
    return int(number) if float(number).is_integer() else round(float(number), 1)


def measures_for(periods) -> list[Measure]:
    """The measures of the newest period's set, in order (names and definitions as they stand now)."""
    if not periods:
        return []
    return list(Measure.objects.filter(measure_set_id=periods[-1].measure_set_id).order_by("position", "pk"))


def trends_for(task_force_id, periods=None) -> list[Trend]:
    """One trend per top-level measure, with its sub-measures' own figures, in four queries."""
    periods = recent_periods() if periods is None else periods
    measures = measures_for(periods)
    top = [m for m in measures if m.parent_id is None]
    own = {
        (period_id, code): value
        for _, period_id, code, value in accepted_figures(periods, task_force_id=task_force_id)
    }
    medians = peer_medians(periods, task_force_id, [m.code for m in top])
    trends = []
    for measure in top:
        trend = Trend(
            measure.code,
            measure.name,
            measure.definition,
            [Point(p, own.get((p.pk, measure.code)), medians.get((p.pk, measure.code))) for p in periods],
        )
        trend.parts = [
            Part(part.name, [own.get((p.pk, part.code)) for p in periods])
            for part in measures
            if part.parent_id == measure.pk
        ]
        trends.append(trend)
    return trends
