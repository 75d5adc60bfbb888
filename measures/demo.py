"""Demo performance reports: eight quarters of clearly synthetic figures for every demo task force.

Called by ``seed_demo`` (DEBUG only). Idempotent: a quarter that already has a report for a task
force is left alone. The oldest quarters are accepted, then one returned, one submitted and the
current quarter a draft, so the staff grid shows every status. Figures are drawn from a seeded
random generator and are consistent (every breakdown within its total), and each report's comment
says they are synthetic.
"""

import datetime
import random

from django.utils import timezone

from measures import services
from measures.models import MeasureSet, Report, ReportingPeriod
from members.demo import email_for
from members.models import TaskForce, User

QUARTERS = 8
NOTE = "Synthetic demo figures: not real task force data."


def _quarters(today):
    quarter, year = (today.month - 1) // 3 + 1, today.year
    found = []
    for _ in range(QUARTERS):
        found.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return list(reversed(found))


def _figures(rng, size):
    investigations = rng.randint(4, 14) * size
    labor = rng.randint(0, investigations // 3)
    victims = rng.randint(5, 16) * size
    v_labor = rng.randint(0, victims // 3)
    minors = rng.randint(0, victims // 2)
    foreign = rng.randint(0, victims // 3)
    served = rng.randint(victims // 2, victims)
    charges = rng.randint(1, 6) * size
    federal = rng.randint(0, charges // 2)
    typed = {
        "investigations": investigations,
        "investigations-sex": investigations - labor,
        "investigations-labor": labor,
        "victims": victims,
        "victims-sex": victims - v_labor,
        "victims-labor": v_labor,
        "victims-minor": minors,
        "victims-adult": victims - minors,
        "victims-us": victims - foreign,
        "victims-foreign": foreign,
        "referrals": rng.randint(victims // 2, victims + 3),
        "arrests": rng.randint(1, 8) * size,
        "charges": charges,
        "charges-state": charges - federal,
        "charges-federal": federal,
        "charges-trafficking": rng.randint(0, charges),
        "convictions": rng.randint(0, charges),
        "trainings": rng.randint(0, 5),
        "people-trained": rng.randint(0, 120),
        "victims-served": served,
    }
    for service in ("case-management", "housing", "legal", "medical", "mental-health", "interpretation"):
        typed[f"served-{service}"] = rng.randint(0, served)
    return {code: str(value) for code, value in typed.items()}


def seed(stdout):
    measure_set = MeasureSet.objects.order_by("-version").first()
    staff = User.objects.filter(email=email_for("tta")).first()
    if measure_set is None or staff is None:
        return
    quarters = _quarters(timezone.localdate())
    periods = []
    for year, quarter in quarters:
        due = datetime.date(year + (quarter == 4), (quarter * 3) % 12 + 1, 30)
        period, _ = ReportingPeriod.objects.get_or_create(
            year=year, quarter=quarter, defaults={"measure_set": measure_set, "due_on": due}
        )
        periods.append(period)
    made = 0
    for position, task_force in enumerate(TaskForce.objects.order_by("pk")):
        reporter = User.objects.filter(task_force=task_force, is_coordinator=True, status="approved").first()
        if reporter is None:
            continue
        rng = random.Random(f"demo-measures-{task_force.pk}")
        for index, period in enumerate(periods):
            if Report.objects.filter(task_force=task_force, period=period).exists():
                continue
            made += _report(reporter, staff, period, _figures(rng, 1 + position % 3), index, position)
    stdout.write(f"Measures: {made} synthetic quarterly reports over {len(periods)} quarters.")


def _report(reporter, staff, period, typed, index, position):
    report = services.report_for(reporter.task_force, period)
    checked = services.save(reporter, report, typed, {}, NOTE, expected_version=report.version)
    if checked.needs_explanation:
        # Random figures jump between quarters; say so where the check asks.
        explanations = {code: "Synthetic demo figure." for code in checked.needs_explanation}
        services.save(reporter, report, typed, explanations, NOTE, expected_version=report.version)
    last = index == QUARTERS - 1
    if last:
        return 1  # the current quarter stays a draft
    report = services.submit(reporter, report, expected_version=report.version)
    if index == QUARTERS - 2 and position % 2 == 0:
        return 1  # waiting for staff
    if index == QUARTERS - 3 and position % 2 == 1:
        services.return_for_changes(
            staff,
            report,
            "Synthetic demo: please confirm the arrests figure.",
            expected_version=report.version,
        )
        return 1
    services.accept(staff, report, expected_version=report.version)
    return 1
