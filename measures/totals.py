"""Staff totals: every measure summed over accepted reports, by quarter and by federal region, and
their CSV (cells made spreadsheet-safe by ``config/csv_cells.py``).

Only accepted reports count. Staff see every task force's reports already, so these totals are not
suppressed; they never leave the staff pages.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum

from config.csv_cells import safe_cell
from measures.models import Report, accepted_figures
from measures.trends import measures_for
from members.models import FederalRegion

CSV_HEADERS = ["Year", "Quarter", "Region", "Measure code", "Measure", "Total", "Task forces reporting"]


@dataclass
class Totals:
    periods: list  # oldest first
    measures: list  # (measure, [total per period]); a sub-measure has parent_id set
    reports: list[int]  # accepted reports per period
    measure: object  # the measure broken down by region
    regions: list  # (region label, [total per period])
    region_totals: list  # the chosen measure's total per period


def _accepted(periods):
    return accepted_figures().filter(report__period__in=periods)


def totals(periods, code: str | None) -> Totals:
    """Every measure's total by quarter, and one measure (``code``, else the first) by region."""
    measures = measures_for(periods)
    by_code = {m.code: m for m in measures}
    chosen = by_code.get(code or "") or (measures[0] if measures else None)
    sums = {
        (row["report__period_id"], row["measure__code"]): row["total"]
        for row in _accepted(periods)
        .values("report__period_id", "measure__code")
        .annotate(total=Sum("accepted_value"))
    }
    counted = dict(
        Report.objects.filter(accepted_revision__isnull=False, period__in=periods)
        .values("period_id")
        .annotate(n=Count("pk"))
        .values_list("period_id", "n")
    )
    regions = []
    if chosen is not None:
        by_region: dict[int, dict[int, int]] = defaultdict(dict)
        rows = (
            _accepted(periods)
            .filter(measure__code=chosen.code)
            .values("report__period_id", "report__task_force__region")
            .annotate(total=Sum("accepted_value"))
        )
        for row in rows:
            by_region[row["report__task_force__region"]][row["report__period_id"]] = row["total"]
        regions = [
            (label, [by_region[value].get(p.pk) for p in periods])
            for value, label in FederalRegion.choices
            if value in by_region
        ]
    return Totals(
        periods=periods,
        measures=[(m, [sums.get((p.pk, m.code)) for p in periods]) for m in measures],
        reports=[counted.get(p.pk, 0) for p in periods],
        measure=chosen,
        regions=regions,
        region_totals=[sums.get((p.pk, chosen.code)) for p in periods] if chosen else [],
    )


def as_csv() -> str:
    """Every accepted figure summed by quarter, region and measure, newest quarter first (one query)."""
    rows = (
        accepted_figures()
        .values(
            "report__period__year",
            "report__period__quarter",
            "report__task_force__region",
            "measure__code",
            "measure__name",
            "measure__position",
        )
        .annotate(total=Sum("accepted_value"), task_forces=Count("report__task_force", distinct=True))
        .order_by(
            "-report__period__year",
            "-report__period__quarter",
            "report__task_force__region",
            "measure__position",
        )
    )
    regions = dict(FederalRegion.choices)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    for row in rows:
        cells = [
            row["report__period__year"],
            f"Q{row['report__period__quarter']}",
            regions.get(row["report__task_force__region"], row["report__task_force__region"]),
            row["measure__code"],
            row["measure__name"],
            row["total"],
            row["task_forces"],
        ]
        writer.writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()
