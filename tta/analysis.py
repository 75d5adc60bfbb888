"""The staff dashboard's figures: aggregate tables, their bar charts, CSV export, and the research table.

Each figure is a Table (headers, rows, and the column its chart draws), built in
a fixed number of queries. CSV cells are neutralised so a spreadsheet never
runs one as a formula. ``research_needs_table`` gives the research notebook
counts by area and region with small counts suppressed and no task force names.
"""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone

from config.csv_cells import safe_cell
from members.models import FederalRegion
from taxonomy.models import Term
from tta import training_events
from tta.matching import HIGH_PRIORITY
from tta.models import (
    FINISHED_STATUSES,
    AreaRating,
    NeedsAssessment,
    RequestStatus,
    ServiceTarget,
    TTARequest,
)

SUPPRESS_BELOW = 5
CHART_WIDTH = 320
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 0  # labels sit in the data table and above each bar, not beside it


@dataclass
class Bar:
    label: str
    value: float
    y: int
    width: int
    text_y: int
    shown: str = ""  # a suppressed cell's text ("<5"), shown instead of the value


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list]
    chart_column: int = 1
    # For the public version: the column holding each row's group size (task forces or
    # requests), and the columns that are counts.
    base_column: int | None = None
    count_columns: tuple[int, ...] = ()
    suppressed: bool = False
    bars: list[Bar] = field(default_factory=list)
    chart_height: int = 0

    def draw(self):
        values = [_number(row[self.chart_column]) for row in self.rows]
        top = max(values, default=0) or 1
        step = BAR_HEIGHT * 2 + BAR_GAP
        self.bars = [
            Bar(
                label=str(row[0]),
                value=value,
                y=i * step + BAR_HEIGHT,
                width=max(1, round(CHART_WIDTH * value / top)) if value else 0,
                text_y=i * step + BAR_HEIGHT - 4,
                shown=row[self.chart_column] if isinstance(row[self.chart_column], str) else "",
            )
            for i, (row, value) in enumerate(zip(self.rows, values, strict=True))
        ]
        self.chart_height = max(step, len(self.rows) * step)
        return self


def _submitted(cycle):
    return AreaRating.objects.filter(
        assessment__cycle=cycle, assessment__status=NeedsAssessment.Status.SUBMITTED
    )


def needs_by_area(cycle) -> Table:
    stats = (
        _submitted(cycle)
        .values("term__name", "term__facet", "term__sort_order")
        .annotate(
            high=Count("pk", filter=Q(priority__gte=HIGH_PRIORITY)),
            priority=Avg("priority"),
            capacity=Avg("capacity"),
            rating=Count("pk"),
        )
        .order_by("-high", "term__facet", "term__sort_order", "term__name")
    )
    facets = dict(Term._meta.get_field("facet").choices)
    rows = [
        [
            s["term__name"],
            s["high"],
            facets.get(s["term__facet"], ""),
            _round(s["priority"]),
            _round(s["capacity"]),
            s["rating"],
        ]
        for s in stats
    ]
    return Table(
        "needs-by-area",
        "Needs by area: task forces rating priority 4 or 5",
        [
            "Area",
            "High-priority task forces",
            "Facet",
            "Mean priority",
            "Mean capacity",
            "Task forces rating",
        ],
        rows,
        base_column=5,
        count_columns=(1, 5),
    ).draw()


def needs_by_region(cycle) -> Table:
    high = Counter(
        _submitted(cycle)
        .filter(priority__gte=HIGH_PRIORITY)
        .values_list("assessment__task_force__region", flat=True)
    )
    submitted = Counter(
        NeedsAssessment.objects.filter(cycle=cycle, status=NeedsAssessment.Status.SUBMITTED).values_list(
            "task_force__region", flat=True
        )
    )
    rows = [
        [label, high.get(value, 0), submitted.get(value, 0)]
        for value, label in FederalRegion.choices
        if submitted.get(value)
    ]
    return Table(
        "needs-by-region",
        "Needs by federal region: high-priority ratings",
        ["Region", "High-priority ratings", "Assessments submitted"],
        rows,
        base_column=2,
        count_columns=(1, 2),
    ).draw()


def gaps(cycle) -> Table:
    stats = (
        _submitted(cycle)
        .values("term__name", "term__sort_order", "term__facet")
        .annotate(priority=Avg("priority"), capacity=Avg("capacity"), rating=Count("pk"))
    )
    rows = sorted(
        (
            [
                s["term__name"],
                _round((s["priority"] or 0) - (s["capacity"] or 0)),
                _round(s["priority"]),
                _round(s["capacity"]),
                s["rating"],
            ]
            for s in stats
        ),
        key=lambda row: (-row[1], row[0]),
    )
    return Table(
        "gaps",
        "Gap between priority of need and capacity (mean priority minus mean capacity)",
        ["Area", "Gap", "Mean priority", "Mean capacity", "Task forces rating"],
        [row for row in rows],
        base_column=4,
        count_columns=(4,),
    ).draw()


def _is_overdue(status, changed_at, targets, now) -> bool:
    """In a status longer than its service target; a finished request is never overdue."""
    return (
        status in targets
        and status not in FINISHED_STATUSES
        and now - changed_at > timedelta(days=targets[status])
    )


def overdue_flags(requests, targets=None, now=None) -> dict[int, bool]:
    """Which requests have sat in their status longer than that status's service target."""
    now = now or timezone.now()
    targets = targets if targets is not None else dict(ServiceTarget.objects.values_list("status", "days"))
    return {r.pk: _is_overdue(r.status, r.status_changed_at, targets, now) for r in requests}


def requests_by_status(now=None) -> Table:
    now = now or timezone.now()
    targets = dict(ServiceTarget.objects.values_list("status", "days"))
    ages = defaultdict(list)
    overdue = Counter()
    for status, changed, created in TTARequest.objects.values_list(
        "status", "status_changed_at", "created_at"
    ):
        ages[status].append((now - created).days)
        if _is_overdue(status, changed, targets, now):
            overdue[status] += 1
    rows = [
        [
            label,
            len(ages[value]),
            round(sum(ages[value]) / len(ages[value]), 1) if ages[value] else 0,
            max(ages[value], default=0),
            overdue[value],
        ]
        for value, label in RequestStatus.choices
    ]
    return Table(
        "requests-by-status",
        "Requests by status and age",
        ["Status", "Requests", "Mean age (days)", "Oldest (days)", "Overdue"],
        rows,
        base_column=1,
        count_columns=(1, 4),
    ).draw()


def delivered_by_topic() -> Table:
    stats = (
        TTARequest.objects.filter(status__in=[RequestStatus.DELIVERED, RequestStatus.CLOSED])
        .values("topic__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "topic__name")
    )
    return Table(
        "delivered-by-topic",
        "Delivered TTA by topic",
        ["Topic", "Requests delivered"],
        [[s["topic__name"], s["n"]] for s in stats],
        base_column=1,
        count_columns=(1,),
    ).draw()


def _region_label(value) -> str:
    return FederalRegion(value).label if value in FederalRegion.values else "No region (no task force)"


def trainings_by_task_force(now=None) -> Table:
    """Training events delivered (ended, with attendance marked) to each task force's members, and
    how many of them attended; from trainings, through tta.training_events. No person's name."""
    rows = [
        [row["task_force"], row["trainings"], row["attendees"], _region_label(row["region"])]
        for row in training_events.delivered_by_task_force(now)
    ]
    return Table(
        "trainings-by-task-force",
        "Trainings delivered and attendees by task force",
        ["Task force", "Trainings delivered", "Attendees", "Region"],
        rows,
        base_column=2,
        count_columns=(1, 2),
    ).draw()


def trainings_by_region(now=None) -> Table:
    rows = [
        [_region_label(row["region"]), row["trainings"], row["attendees"]]
        for row in training_events.delivered_by_region(now)
    ]
    return Table(
        "trainings-by-region",
        "Trainings delivered and attendees by federal region",
        ["Region", "Trainings delivered", "Attendees"],
        rows,
        base_column=2,
        count_columns=(1, 2),
    ).draw()


FIGURES = [
    ("needs-by-area", "Needs by area: task forces rating priority 4 or 5"),
    ("needs-by-region", "Needs by federal region: high-priority ratings"),
    ("gaps", "Gap between priority of need and capacity (mean priority minus mean capacity)"),
    ("requests-by-status", "Requests by status and age"),
    ("delivered-by-topic", "Delivered TTA by topic"),
    ("trainings-by-task-force", "Trainings delivered and attendees by task force"),
    ("trainings-by-region", "Trainings delivered and attendees by federal region"),
]


def dashboard_tables(cycle, only=None) -> list[Table]:
    """The dashboard's figures in order; ``only`` (slugs) builds just those. Needs figures need a cycle."""
    builders = {
        "needs-by-area": lambda: needs_by_area(cycle) if cycle else None,
        "needs-by-region": lambda: needs_by_region(cycle) if cycle else None,
        "gaps": lambda: gaps(cycle) if cycle else None,
        "requests-by-status": requests_by_status,
        "delivered-by-topic": delivered_by_topic,
        "trainings-by-task-force": trainings_by_task_force,
        "trainings-by-region": trainings_by_region,
    }
    wanted = [slug for slug, _ in FIGURES if only is None or slug in only]
    return [table for slug in wanted if (table := builders[slug]()) is not None]


def table_by_slug(slug, cycle) -> Table | None:
    return next((t for t in dashboard_tables(cycle) if t.slug == slug), None)


def public_version(table: Table) -> Table:
    """The table as anyone may see it: a row about fewer than SUPPRESS_BELOW task forces or
    requests keeps only its label ("<5" and dashes), and any other count under SUPPRESS_BELOW
    shows as "<5", so no small group, and so no single task force, can be picked out."""
    rows = []
    for row in table.rows:
        small = table.base_column is not None and _number(row[table.base_column]) < SUPPRESS_BELOW
        cells = [row[0]]
        for index, cell in enumerate(row[1:], start=1):
            if index in table.count_columns and _number(cell) < SUPPRESS_BELOW:
                cells.append(f"<{SUPPRESS_BELOW}")
            elif small and isinstance(cell, int | float):
                cells.append("–")
            else:
                cells.append(cell)
        rows.append(cells)
    return Table(
        table.slug,
        table.title,
        table.headers,
        rows,
        chart_column=table.chart_column,
        base_column=table.base_column,
        count_columns=table.count_columns,
        suppressed=True,
    ).draw()


def _number(value) -> float:
    """A cell as a number for charts and thresholds; a suppressed or empty cell is 0."""
    return float(value) if isinstance(value, int | float) else 0.0


def _round(value):
    return round(value, 2) if value is not None else None


# CSV


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


# Research


def suppressed(count: int) -> int | str:
    return f"<{SUPPRESS_BELOW}" if count < SUPPRESS_BELOW else count


def research_needs_table(cycle) -> list[dict]:
    """High-priority needs by area and federal region, counts under 5 suppressed; no task force names.

    One row per (area, region) that has any submitted rating, so an absent row
    reveals nothing a "<5" would not.
    """
    stats = (
        _submitted(cycle)
        .values("term__name", "assessment__task_force__region")
        .annotate(
            task_forces=Count("assessment__task_force", distinct=True),
            high=Count("pk", filter=Q(priority__gte=HIGH_PRIORITY)),
        )
        .order_by("term__name", "assessment__task_force__region")
    )
    return [
        {
            "area": s["term__name"],
            "region": s["assessment__task_force__region"],
            "task_forces_rating": suppressed(s["task_forces"]),
            "high_priority": suppressed(s["high"]),
        }
        for s in stats
    ]
