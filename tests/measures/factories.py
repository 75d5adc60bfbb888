"""Factories for measures tests: periods on the default measure set, and filled-in reports."""

import datetime

from measures import services
from measures.models import MeasureSet, ReportingPeriod
from measures.services import measures_of


def default_set():
    return MeasureSet.objects.get(version=1)


def period(year=2026, quarter=3, **fields):
    defaults = {"measure_set": default_set(), "due_on": datetime.date(year, min(quarter * 3 + 1, 12), 30)}
    defaults.update(fields)
    found, _ = ReportingPeriod.objects.get_or_create(year=year, quarter=quarter, defaults=defaults)
    return found


def plausible(period_, scale=1, **overrides):
    """A complete, consistent set of figures as typed text, by measure code."""
    base = {m.code: "0" for m in measures_of(period_)}
    base.update(
        {
            "investigations": str(10 * scale),
            "investigations-sex": str(7 * scale),
            "investigations-labor": str(3 * scale),
            "victims": str(12 * scale),
            "victims-sex": str(9 * scale),
            "victims-labor": str(3 * scale),
            "victims-minor": str(4 * scale),
            "victims-adult": str(8 * scale),
            "victims-us": str(10 * scale),
            "victims-foreign": str(2 * scale),
            "referrals": str(11 * scale),
            "arrests": str(5 * scale),
            "victims-served": str(9 * scale),
            "served-case-management": str(8 * scale),
            "served-housing": str(3 * scale),
        }
    )
    base.update(overrides)
    return base


def submitted_report(reporter, period_, **overrides):
    report = services.report_for(reporter.task_force, period_)
    services.save(reporter, report, plausible(period_, **overrides), {}, expected_version=report.version)
    return services.submit(reporter, report, expected_version=report.version)


def accepted_report(reporter, staff, period_, **overrides):
    report = submitted_report(reporter, period_, **overrides)
    return services.accept(staff, report, expected_version=report.version)
