"""Performance measures at scale: 100 task forces, 40 quarters, 60 measures (issue 17).

Full mode builds a measure set of 60 measures (the default set's, with their breakdowns, plus
plain totals to make up the number), 40 quarters ending with the current one, 100 task forces
and a report for each task force and quarter with every figure filled in: 4,000 reports and
240,000 figures (smoke: 5 task forces, 3 quarters, 20 measures). The latest quarter's reports
are in every status (draft, submitted, returned, accepted); earlier ones are accepted. Rows go
in with bulk_create: the bench measures reading, not loading.

It times, after ANALYZE (what a live PostgreSQL database has), wall-clock milliseconds, median
and 95th percentile over repeated GETs after one warm-up:

- the staff grid (``/measures/staff/``), as TTA staff;
- a task force's report for the latest quarter (the form with its checks and last quarter's
  figures), as its coordinator;
- a task force's trends (``measures:trends``), as its coordinator;

and the seconds to build the research dataset version from every accepted figure
(``research.exports.snapshot("performance_measures")``: rows, CSV, the research app's
validation, storing). Targets: p95 at most 100 ms for the pages, at most 5 s for the version.
"""

import datetime
import random
import time

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.timing import time_page_ms
from config.compat.allauth import TOTP, generate_totp_secret
from measures.models import Figure, Measure, MeasureSet, Report, ReportingPeriod, ReportStatus
from members.models import FederalRegion, TaskForce, User
from members.roles import MEMBER, TTA_STAFF

FULL = {"task_forces": 100, "quarters": 40, "measures": 60, "repeats": 40}
SMOKE = {"task_forces": 5, "quarters": 3, "measures": 20, "repeats": 3}
TARGET_P95_MS = 100
TARGET_DATASET_S = 5.0
BENCH_SET_VERSION = 900


def _measure_set(count):
    """The default set's measures (parents and breakdowns kept), plus plain totals up to ``count``."""
    default = MeasureSet.objects.get(version=1)
    bench = MeasureSet.objects.create(version=BENCH_SET_VERSION, title="Bench measure set")
    copied = {}
    for measure in default.measures.order_by("position", "pk")[:count]:
        copied[measure.pk] = Measure.objects.create(
            measure_set=bench,
            code=measure.code,
            name=measure.name,
            definition=measure.definition,
            unit=measure.unit,
            parent=copied.get(measure.parent_id),
            breakdown=measure.breakdown,
            position=measure.position,
        )
    extra = count - len(copied)
    Measure.objects.bulk_create(
        Measure(
            measure_set=bench,
            code=f"bench-extra-{n:02d}",
            name=f"Bench measure {n:02d}",
            definition="A count the bench adds to reach the issue's 60 measures.",
            position=1000 + n,
        )
        for n in range(extra)
    )
    return bench, list(bench.measures.order_by("position", "pk"))


def _quarters(count, measure_set):
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    rows = []
    for _ in range(count):
        due = datetime.date(year + (quarter == 4), quarter % 4 * 3 + 1, 30)
        rows.append(ReportingPeriod(year=year, quarter=quarter, measure_set=measure_set, due_on=due))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    ReportingPeriod.objects.bulk_create(rows)
    return list(ReportingPeriod.objects.order_by("-year", "-quarter"))


def _task_forces(count):
    regions = [value for value, _ in FederalRegion.choices]
    TaskForce.objects.bulk_create(
        TaskForce(name=f"Bench Task Force {n:03d}", state="OH", region=regions[n % len(regions)])
        for n in range(count)
    )
    return list(TaskForce.objects.filter(name__startswith="Bench Task Force ").order_by("pk"))


def _reports(task_forces, periods, measures, rng):
    latest = periods[0]
    statuses = [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED]
    Report.objects.bulk_create(
        (
            Report(
                task_force=tf,
                period=period,
                status=status,
                accepted_revision=1 if status == ReportStatus.ACCEPTED else None,
            )
            for n, tf in enumerate(task_forces)
            for period in periods
            for status in [statuses[n % len(statuses)] if period == latest else ReportStatus.ACCEPTED]
        ),
        batch_size=2000,
    )
    by_parent = {m.pk: m for m in measures}
    sizes = {tf.pk: rng.uniform(0.5, 3) for tf in task_forces}
    created = 0
    reports = Report.objects.filter(task_force__in=task_forces).values_list("pk", "task_force_id", "status")
    batch = []
    for report_pk, tf_pk, status in reports.iterator(chunk_size=2000):
        accepted = status == ReportStatus.ACCEPTED
        values = {}
        for measure in measures:
            if measure.parent_id in by_parent:
                # A part of a breakdown: at most its share of the total, so the checks pass.
                value = values[measure.parent_id] // 3
            else:
                value = max(0, round(rng.gauss(12 * sizes[tf_pk], 3)))
            values[measure.pk] = value
            batch.append(
                Figure(
                    report_id=report_pk,
                    measure_id=measure.pk,
                    raw=str(value),
                    value=value,
                    accepted_value=value if accepted else None,
                )
            )
        if len(batch) >= 10_000:
            Figure.objects.bulk_create(batch, batch_size=5000)
            created += len(batch)
            batch = []
    Figure.objects.bulk_create(batch, batch_size=5000)
    return created + len(batch)


def _analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _person(label, task_force, groups, *, coordinator=False) -> User:
    """A signed-in reader of the bench's own: approved, in ``groups``, with a second factor (the
    MFA gate sends anyone without one to set it up). Built here, not from the test factories."""
    user = User.objects.create(
        email=f"bench-measures-{label}@example.org",
        full_name=f"Bench {label.title()}",
        password=make_password(None),
        status=User.Status.APPROVED,
        task_force=task_force,
        is_coordinator=coordinator,
    )
    user.groups.add(*Group.objects.filter(name__in=groups))
    TOTP.activate(user, generate_totp_secret())
    return user


def _sign_in(user):
    client = Client()
    client.force_login(user)
    return client


def run(smoke: bool) -> dict:
    from research import exports

    sizes = SMOKE if smoke else FULL
    rng = random.Random(20261207)
    figures = {}

    started = time.perf_counter()
    _, measures = _measure_set(sizes["measures"])
    periods = _quarters(sizes["quarters"], measures[0].measure_set)
    task_forces = _task_forces(sizes["task_forces"])
    figures["figures loaded"] = _reports(task_forces, periods, measures, rng)
    figures["reports"] = Report.objects.count()
    figures["measures in the set"] = len(measures)
    figures["setup (s)"] = time.perf_counter() - started
    _analyze()

    staff = _person("staff", task_forces[-1], [MEMBER, TTA_STAFF])
    # The first task force's latest report is a draft: its coordinator gets the form.
    coordinator = _person("coordinator", task_forces[0], [MEMBER], coordinator=True)
    latest = periods[0]
    pages = {
        "staff grid": (_sign_in(staff), reverse("measures:staff_grid")),
        "report": (_sign_in(coordinator), reverse("measures:report", args=[latest.year, latest.quarter])),
    }
    pages["trends"] = (_sign_in(coordinator), reverse("measures:trends"))
    within = True
    for label, (client, url) in pages.items():
        median, p95, queries = time_page_ms(client, url, sizes["repeats"])
        figures[f"{label}: median ms"] = median
        figures[f"{label}: p95 ms"] = p95
        figures[f"{label}: queries"] = queries
        within = within and p95 <= TARGET_P95_MS

    started = time.perf_counter()
    version = exports.snapshot("performance_measures")
    figures["research dataset version (s)"] = time.perf_counter() - started
    figures["research dataset rows"] = version.row_count
    figures["research dataset valid"] = "yes" if version.status == version.Status.VALID else "NO"
    started = time.perf_counter()
    exports.snapshot("performance_measures")
    figures["research dataset unchanged, kept (s)"] = time.perf_counter() - started

    figures["p95 target (ms)"] = TARGET_P95_MS
    figures["dataset target (s)"] = TARGET_DATASET_S
    figures["within target"] = (
        "yes" if within and figures["research dataset version (s)"] <= TARGET_DATASET_S else "NO"
    )
    return figures
