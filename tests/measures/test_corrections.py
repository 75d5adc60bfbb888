"""A correction after acceptance: a new revision with a reason, reviewed again; until it is accepted
the quarter's last accepted figures keep feeding trends, totals, next quarter's checks and the
research dataset, so staff totals do not jump while a reporter is halfway through a fix."""

import csv
import io

import pytest

from measures import services, totals, trends
from measures.models import Figure, ReportStatus
from members.models import AuditEvent
from research import performance_measures
from tests.measures.factories import accepted_report, period, plausible

pytestmark = pytest.mark.django_db


def _arrests_total(quarter):
    found = totals.totals([quarter], "arrests")
    return dict((m.code, values[0]) for m, values in found.measures)["arrests"]


def _dataset_arrests():
    """(value, revision) of each arrests row of the research dataset."""
    header, rows = performance_measures.performance_measures_rows()
    rows = [dict(zip(header, row, strict=True)) for row in rows]
    return [(int(r["value"]), int(r["revision"])) for r in rows if r["measure"] == "arrests"]


def test_the_accepted_figures_count_until_a_correction_is_accepted(role_user):
    coordinator, staff = role_user("coordinator"), role_user("tta_staff")
    quarter = period()
    report = accepted_report(coordinator, staff, quarter, arrests="5")
    assert (report.accepted_revision, _arrests_total(quarter)) == (1, 5)

    report = services.open_correction(
        coordinator, report, "Two arrests were counted twice", expected_version=report.version
    )
    assert (report.status, report.revision, report.accepted_revision) == (ReportStatus.DRAFT, 2, 1)
    assert report.is_correcting
    services.save(coordinator, report, plausible(quarter, arrests="3"), {}, expected_version=report.version)
    assert Figure.objects.get(measure__code="arrests").raw == "3"  # the draft keeps what was typed

    # Half-way through the correction, and once it is submitted: everything still reads revision 1.
    for step in ("draft", "submitted"):
        if step == "submitted":
            report = services.submit(coordinator, report, expected_version=report.version)
        assert _arrests_total(quarter) == 5, step
        series = {code: values for _, _, code, values in trends.accepted_figures([quarter])}
        assert series["arrests"] == 5, step
        assert (
            services.previous_values(services.report_for(coordinator.task_force, period(2026, 4)))["arrests"]
            == 5
        ), step
        assert _dataset_arrests() == [(5, 1)], step  # the accepted revision, not 2
        rows = list(csv.reader(io.StringIO(totals.as_csv())))
        assert next(r for r in rows if r[3] == "arrests")[5] == "5", step

    # Returned, fixed and accepted: now revision 2 counts, everywhere at once.
    report = services.return_for_changes(staff, report, "Say which quarter", expected_version=report.version)
    assert _arrests_total(quarter) == 5
    services.save(coordinator, report, plausible(quarter, arrests="3"), {}, expected_version=report.version)
    report = services.submit(coordinator, report, expected_version=report.version)
    report = services.accept(staff, report, expected_version=report.version)
    assert (report.accepted_revision, report.is_correcting, _arrests_total(quarter)) == (2, False, 3)
    assert _dataset_arrests() == [(3, 2)]
    actions = list(report.events.values_list("action", "revision"))
    assert actions == [
        ("submitted", 1),
        ("accepted", 1),
        ("correction", 2),
        ("submitted", 2),
        ("returned", 2),
        ("submitted", 2),
        ("accepted", 2),
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERFORMANCE_REPORT).count() == len(actions)


def test_a_never_accepted_report_feeds_nothing(role_user):
    coordinator = role_user("coordinator")
    quarter = period()
    report = services.report_for(coordinator.task_force, quarter)
    services.save(coordinator, report, plausible(quarter), {}, expected_version=report.version)
    services.submit(coordinator, report, expected_version=report.version)
    assert _arrests_total(quarter) is None
    assert performance_measures.performance_measures_rows()[1] == []


def test_the_report_page_says_the_accepted_figures_still_count(role_user, client_for):
    coordinator, staff = role_user("coordinator"), role_user("tta_staff")
    report = accepted_report(coordinator, staff, period())
    services.open_correction(coordinator, report, "A late arrest", expected_version=report.version)
    body = client_for(coordinator).get("/measures/2026/q3/").content.decode()
    assert "revision 1 still count" in body
    staff_body = client_for(staff).get(f"/measures/staff/reports/{report.pk}/").content.decode()
    assert "revision 1 still count" in staff_body
