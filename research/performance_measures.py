"""The "performance measures" platform export: accepted quarterly figures, task forces pseudonymised.

One row per figure of an accepted report (``measures``): which task force (a keyed pseudonym),
which quarter and measure-set version, which measure (its code, the total it breaks down and
the breakdown), the value, and the report's revision. A report under correction keeps its last
accepted revision's figures here until the correction is accepted. Nothing else about a task force:

- a task force is a keyed pseudonym (HMAC-SHA256 of its primary key under the research pseudonym
  key, ``research.training_evaluations._key``): stable across versions, so a researcher can
  follow one task force over quarters, not reversible without the key, which never leaves the site;
- its federal region is given only where at least 5 task forces in that region have accepted
  figures in the export, so a region of one or two does not name them; elsewhere it is blank.

Figures are aggregate counts already (no person is in them); the notebook's own suppression
hides small counts in what it publishes, as for every brief.

Each accepted report updates the dataset: ``measures.signals_out.report_accepted`` is received
here and queues ``build_version`` (a task), which stores a new version through the research
app's own validation only if the export changed. Read-only use of the measures models.
"""

import hashlib
import hmac
import logging
from collections import defaultdict

from django.db import transaction
from django_tasks import task

from research.training_evaluations import _key

logger = logging.getLogger(__name__)

SCHEMA_NAME = "performance_measures"
REGION_THRESHOLD = 5
HEADER = [
    "task_force",
    "region",
    "quarter",
    "measure_set",
    "measure",
    "parent",
    "breakdown",
    "value",
    "revision",
]


def pseudonym(task_force_pk: int) -> str:
    digest = hmac.new(_key(), f"task-force:{task_force_pk}".encode(), hashlib.sha256).hexdigest()
    return f"TF-{digest[:12]}"


def performance_measures_rows():
    from measures.models import Measure, Report, accepted_figures

    # Reports and measures are few (thousands); figures are many (a quarter of a million at the
    # bench's scale): join them here from two small lookups, not in the figures' query.
    reports = {
        pk: (tf, region, f"{year}-Q{quarter}", version, revision)
        for pk, tf, region, year, quarter, version, revision in Report.objects.filter(
            accepted_revision__isnull=False
        ).values_list(
            "pk",
            "task_force_id",
            "task_force__region",
            "period__year",
            "period__quarter",
            "period__measure_set__version",
            "accepted_revision",
        )
    }
    measures = {
        pk: (code, parent or "", breakdown)
        for pk, code, parent, breakdown in Measure.objects.values_list(
            "pk", "code", "parent__code", "breakdown"
        )
    }
    names = {tf: pseudonym(tf) for tf in {r[0] for r in reports.values()}}
    in_region = defaultdict(set)
    for tf, region, *_ in reports.values():
        in_region[region].add(tf)
    shown = {region for region, members in in_region.items() if len(members) >= REGION_THRESHOLD}
    figures = (
        accepted_figures()
        .order_by()
        .values_list("report_id", "measure_id", "accepted_value")
        .iterator(chunk_size=10_000)
    )
    rows = []
    for report_pk, measure_pk, value in figures:
        report = reports.get(report_pk)
        if report is None:  # accepted after the reports were read: in the next version
            continue
        tf, region, quarter, version, revision = report
        code, parent, breakdown = measures[measure_pk]
        rows.append(
            [
                names[tf],
                region if region in shown else "",
                quarter,
                version,
                code,
                parent,
                breakdown,
                value,
                revision,
            ]
        )
    # A fixed order (quarter, pseudonym, measure) that says nothing about when anyone reported.
    rows.sort(key=lambda r: (r[2], r[0], r[4]))
    return HEADER, rows


@task()
def build_version() -> str:
    """Store the current export as a new dataset version (only if it changed); returns its label."""
    from research import exports

    version = exports.snapshot(SCHEMA_NAME)
    if version.status != version.Status.VALID:
        logger.error("%s did not pass validation: %s", version.label, " ".join(version.errors))
    return version.label


def on_report_accepted(sender, report_id=None, **kwargs) -> None:
    """An accepted quarter: queue a new dataset version (after this transaction, if any, commits)."""
    transaction.on_commit(build_version.enqueue)


def connect() -> None:
    from measures.signals_out import report_accepted

    report_accepted.connect(on_report_accepted, dispatch_uid="research.performance_measures")
