"""Quarterly reports: filled in, checked, submitted, returned, accepted and corrected; as the
reporter, the task force's other members, another task force and staff; with bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.errors import Conflict, NotPermitted, ServiceError
from measures import services
from measures.checks import parse
from measures.models import DataReporter, Figure, Report, ReportEvent, ReportStatus
from members.models import AuditEvent
from tests.factories import TaskForceFactory, make_role
from tests.measures.factories import accepted_report, period, plausible, submitted_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed,value,problem",
    [
        ("12", 12, None),
        (" 1,204 ", 1204, None),
        ("0", 0, None),
        ("", None, None),
        ("-3", None, "negative"),
        ("2.5", None, "whole number"),
        ("twelve", None, "whole number"),
        ("=SUM(A1:A3)", None, "whole number"),
        ("1e5", None, "whole number"),
        ("'; DROP TABLE measures_figure; --", None, "whole number"),
        ("99999999999", None, "whole number"),
        ("20000000", None, "more than"),
    ],
)
def test_a_figure_is_a_whole_number_zero_or_more(typed, value, problem):
    parsed, message = parse(typed)
    assert parsed == value
    assert (message is None) if problem is None else (problem in message)


def test_a_reporter_saves_partway_and_nothing_typed_is_lost(role_user, client_for):
    coordinator = role_user("coordinator")
    period()
    client = client_for(coordinator)
    page = client.get("/measures/2026/q3/")
    assert page.status_code == 200 and not Report.objects.exists()  # a GET changes nothing
    typed = {
        "figure-investigations": "10",
        "figure-investigations-sex": "2.5",
        "figure-arrests": "-1",
        "version": "1",
    }
    saved = client.post("/measures/2026/q3/save/", typed)
    assert saved.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.DRAFT
    figures = {f.measure.code: (f.raw, f.value) for f in Figure.objects.select_related("measure")}
    assert figures["investigations"] == ("10", 10)
    assert figures["investigations-sex"] == ("2.5", None)  # kept as typed, flagged, not refused
    assert figures["arrests"] == ("-1", None)
    body = client.get("/measures/2026/q3/").content.decode()
    assert 'value="2.5"' in body and 'value="-1"' in body
    assert "Enter a whole number" in body and "cannot be negative" in body
    assert body.count('aria-invalid="true"') == 2


def test_submit_refuses_broken_or_missing_figures_and_shows_each_next_to_its_field(role_user, client_for):
    coordinator = role_user("coordinator")
    quarter = period()
    client = client_for(coordinator)
    figures = {f"figure-{code}": value for code, value in plausible(quarter).items()}
    figures["figure-investigations-sex"] = "9"  # 9 + 3 labor > 10 investigations
    figures["figure-arrests"] = ""
    refused = client.post("/measures/2026/q3/submit/", {**figures, "version": "1"})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert (
        "Sex trafficking investigations + labor trafficking investigations (12) is more than "
        "investigations opened (10)" in body
    )
    assert 'value="9"' in body  # what was typed is still there
    report = Report.objects.get()
    assert report.status == ReportStatus.DRAFT and report.submitted_at is None
    # Fixed, it goes through.
    figures["figure-investigations-sex"] = "7"
    figures["figure-arrests"] = "5"
    report.refresh_from_db()
    done = client.post("/measures/2026/q3/submit/", {**figures, "version": str(report.version)})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == coordinator
    assert ReportEvent.objects.get().action == ReportEvent.Action.SUBMITTED
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.PERFORMANCE_REPORT, actor=coordinator).count() == 1
    )


def test_independent_breakdowns_are_each_checked_against_the_total(role_user):
    coordinator = role_user("coordinator")
    quarter = period()
    report = services.report_for(coordinator.task_force, quarter)
    # Age adds up (4 + 8 = 12) but nationality does not (10 + 5 = 15 > 12); services are not summed.
    typed = plausible(quarter, **{"victims-foreign": "5", "served-housing": "9", "served-legal": "9"})
    checked = services.save(coordinator, report, typed, {}, expected_version=report.version)
    assert set(checked.problems) == {"victims-us", "victims-foreign"}
    assert "more than victims identified (12)" in checked.problems["victims-us"][0]
    typed["served-legal"] = "10"  # alone more than the 9 victims served
    checked = services.save(coordinator, report, typed, {}, expected_version=report.version)
    assert "served-legal" in checked.problems


def test_a_large_change_against_last_quarter_asks_for_an_explanation(role_user):
    coordinator, staff = role_user("coordinator"), role_user("tta_staff")
    accepted_report(coordinator, staff, period(2026, 2))
    report = services.report_for(coordinator.task_force, period(2026, 3))
    typed = plausible(period(2026, 3), arrests="40")  # 5 last quarter: 8 times
    checked = services.save(coordinator, report, typed, {}, expected_version=report.version)
    assert checked.needs_explanation == {"arrests"}
    assert "Last quarter this was 5" in checked.problems["arrests"][0]
    with pytest.raises(ServiceError, match="Fix the figures"):
        services.submit(coordinator, report, expected_version=report.version)
    checked = services.save(
        coordinator,
        report,
        typed,
        {"arrests": "Joint operation with the FBI field office"},
        expected_version=report.version,
    )
    assert not checked.blocking
    assert (
        services.submit(coordinator, report, expected_version=report.version).status == ReportStatus.SUBMITTED
    )


def test_free_text_goes_through_the_privacy_guard(role_user):
    coordinator = role_user("coordinator")
    report = services.report_for(coordinator.task_force, period())
    with pytest.raises(ServiceError, match="case or docket number"):
        services.save(
            coordinator, report, {}, {}, "See case no. 2026-CR-0042 for the spike", expected_version=1
        )
    checked = services.save(
        coordinator, report, {"arrests": "3"}, {"arrests": "Call 614-555-0134 about it"}, expected_version=1
    )
    assert "phone number" in checked.problems["arrests"][-1]
    assert Figure.objects.get(measure__code="arrests").explanation == ""


def test_only_the_coordinator_or_a_designated_reporter_fills_in(role_user, client_for):
    coordinator, member, other = (
        role_user("coordinator"),
        role_user("member"),
        role_user("other_task_force_member"),
    )
    quarter = period()
    report = services.report_for(coordinator.task_force, quarter)
    with pytest.raises(NotPermitted):
        services.save(member, report, plausible(quarter), {}, expected_version=report.version)
    with pytest.raises(NotPermitted):
        services.save(other, report, plausible(quarter), {}, expected_version=report.version)
    assert client_for(member).post("/measures/2026/q3/save/", {"figure-arrests": "1"}).status_code == 403
    # The coordinator designates the member; now they may; another task force's member cannot be designated.
    client = client_for(coordinator)
    assert client.post("/measures/reporters/add/", {"member": other.pk}).status_code == 302
    assert not DataReporter.objects.exists()
    assert client.post("/measures/reporters/add/", {"member": member.pk}).status_code == 302
    assert client.post("/measures/reporters/add/", {"member": member.pk}).status_code == 302  # double click
    assert DataReporter.objects.get().user == member
    assert client_for(member).post("/measures/reporters/add/", {"member": member.pk}).status_code == 403
    assert (
        client_for(member)
        .post("/measures/2026/q3/save/", {"figure-arrests": "1", "version": "1"})
        .status_code
        == 302
    )
    assert Figure.objects.get(measure__code="arrests").raw == "1"
    assert client_for(coordinator).post(f"/measures/reporters/{member.pk}/remove/").status_code == 302
    assert client_for(member).post("/measures/2026/q3/save/", {"figure-arrests": "2"}).status_code == 403


def test_staff_return_then_accept_and_two_decisions_at_once_lose_nothing(role_user, client_for):
    coordinator, staff = role_user("coordinator"), role_user("tta_staff")
    report = submitted_report(coordinator, period())
    client = client_for(staff)
    page = client.get(f"/measures/staff/reports/{report.pk}/")
    assert page.status_code == 200 and "Return for changes" in page.content.decode()
    empty = client.post(
        f"/measures/staff/reports/{report.pk}/return/", {"staff_comment": " ", "version": report.version}
    )
    assert empty.status_code == 400 and "Say what needs to change" in empty.content.decode()
    seen = report.version
    returned = client.post(
        f"/measures/staff/reports/{report.pk}/return/",
        {"staff_comment": "<script>alert(1)</script> Arrests look doubled", "version": seen},
    )
    assert returned.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    # A second member of staff, on the page opened before the return, clicks Accept: refused, not lost.
    late = client.post(f"/measures/staff/reports/{report.pk}/accept/", {"version": seen}, follow=True)
    assert "Someone changed this report" in late.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    reporter_page = client_for(coordinator).get("/measures/2026/q3/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Arrests look doubled" in reporter_page
    assert "<script>alert(1)</script>" not in reporter_page
    services.save(coordinator, report, plausible(report.period), {}, expected_version=report.version)
    report = services.submit(coordinator, report, expected_version=report.version)
    client = client_for(staff)
    assert (
        client.post(f"/measures/staff/reports/{report.pk}/accept/", {"version": report.version}).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert list(report.events.values_list("action", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    with pytest.raises(Conflict):
        services.accept(staff, report, expected_version=report.version)


def test_a_correction_after_acceptance_is_a_new_revision_with_a_reason(role_user, client_for):
    coordinator, staff = role_user("coordinator"), role_user("tta_staff")
    report = accepted_report(coordinator, staff, period())
    client = client_for(coordinator)
    with pytest.raises(Conflict, match="accepted"):
        services.save(coordinator, report, {}, {}, expected_version=None)  # accepted: not editable
    assert (
        client.post("/measures/2026/q3/correct/", {"reason": "", "version": report.version}).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED  # no reason, no correction
    client.post(
        "/measures/2026/q3/correct/", {"reason": "Two arrests were counted twice", "version": report.version}
    )
    report.refresh_from_db()
    assert (report.status, report.revision) == (ReportStatus.DRAFT, 2)
    assert report.events.last().note == "Two arrests were counted twice"


def test_a_closed_period_and_a_second_report_for_the_same_quarter_are_refused(role_user, client_for):
    coordinator = role_user("coordinator")
    quarter = period(is_closed=True)
    assert client_for(coordinator).get("/measures/2026/q3/").status_code == 404
    open_quarter = period(2026, 4)
    first = services.report_for(coordinator.task_force, open_quarter)
    assert services.report_for(coordinator.task_force, open_quarter) == first
    assert Report.objects.filter(period=open_quarter).count() == 1
    open_quarter.is_closed = True
    open_quarter.save()
    with pytest.raises(Conflict, match="closed"):
        services.save(coordinator, first, {"arrests": "1"}, {}, expected_version=first.version)
    assert quarter.pk


def test_another_task_force_never_sees_a_report(role_user, client_for):
    coordinator, other = role_user("coordinator"), role_user("other_task_force_member")
    report = submitted_report(coordinator, period())
    # The other task force's member asks for the same quarter: they get their own (no) report.
    page = client_for(other).get("/measures/2026/q3/")
    assert page.status_code == 404 and "Joint" not in page.content.decode()
    assert client_for(other).get(f"/measures/staff/reports/{report.pk}/").status_code == 403
    assert client_for(role_user("member")).get(f"/measures/staff/reports/{report.pk}/").status_code == 403
    # The task force's own member reads the figures but gets no form.
    own = client_for(role_user("member")).get("/measures/2026/q3/").content.decode()
    assert (
        "Sex trafficking investigations" in own
        and "<input" not in own.split("figures-caption")[1].split("</table>")[0]
    )


def test_pages_make_a_fixed_number_of_queries(role_user, client_for):
    coordinator, staff = role_user("coordinator"), role_user("tta_staff")
    accepted_report(coordinator, staff, period(2026, 2))
    submitted_report(coordinator, period(2026, 3))

    def count(user, url):
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    reporter, staff_client = coordinator, staff
    client_for(staff).get("/")  # the site's settings row is created on the first request ever
    report_queries = count(reporter, "/measures/2026/q3/")
    grid_queries = count(staff_client, "/measures/staff/")
    index_queries = count(reporter, "/measures/")
    # More task forces and quarters change nothing.
    for n in range(4):
        other = make_role("coordinator", task_force=TaskForceFactory(name=f"Task force {n}"))
        submitted_report(other, period(2025, n + 1))
    assert count(staff_client, "/measures/staff/") == grid_queries
    assert count(reporter, "/measures/2026/q3/") == report_queries
    assert count(reporter, "/measures/") == index_queries
    assert report_queries <= 16 and grid_queries <= 12 and index_queries <= 12


def test_the_demo_seeds_eight_quarters_in_every_status_and_runs_twice(settings):
    from io import StringIO

    from django.core.management import call_command

    from measures.models import ReportingPeriod

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "accepted"}
    assert ReportingPeriod.objects.count() == 8
    count = Report.objects.count()
    assert count >= 8
    call_command("seed_demo", stdout=StringIO())
    assert Report.objects.count() == count
    assert all(r.comment.startswith("Synthetic demo figures") for r in Report.objects.all())


def test_a_new_measure_set_version_never_changes_a_half_filled_report(role_user):
    from measures.models import Measure, MeasureSet

    coordinator = role_user("coordinator")
    quarter = period()
    report = services.report_for(coordinator.task_force, quarter)
    services.save(
        coordinator, report, {"arrests": "4", "victims": "oops"}, {}, expected_version=report.version
    )
    # Staff publish version 2 (arrests renamed and redefined, a measure dropped) while it is half filled.
    newer = MeasureSet.objects.create(version=2, title="Measures, version 2")
    Measure.objects.create(
        measure_set=newer, code="arrests", name="Arrests (any offense)", definition="All arrests."
    )
    next_quarter = period(2026, 4, measure_set=newer)
    assert quarter.measure_set.version == 1 and next_quarter.measure_set == newer
    # The half-filled report still has every version-1 measure and what was typed, as typed.
    measures = services.measures_of(quarter)
    assert len(measures) == 26 and {m.measure_set.version for m in measures} == {1}
    raws, _ = services.entries(report)
    assert raws["arrests"] == "4" and raws["victims"] == "oops"
    checked = services.check_report(report)
    assert "Enter a whole number" in checked.problems["victims"][0]
    # The next quarter asks for version 2's measures only.
    assert [m.name for m in services.measures_of(next_quarter)] == ["Arrests (any offense)"]
