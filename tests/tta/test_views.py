"""TTA pages: who sees what, forms end to end, CSV safety, research table, daily reminder, query counts."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from config.errors import ServiceError
from taxonomy.models import Term
from tests.factories import TaskForceFactory
from tests.tta.factories import AssessmentFactory, CycleFactory, RequestFactory, all_rated_terms, rate
from tta import analysis
from tta.models import Cycle, Match, NeedsAssessment, ServiceTarget, TTARequest
from tta.reminders import email_overdue_requests
from tta.services.assessments import save_draft
from tta.services.cycles import set_service_target
from tta.services.matches import add_match
from tta.services.triage import add_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    return CycleFactory(name="2026")


@pytest.fixture
def assessment(role_user, cycle):
    coordinator = role_user("coordinator")
    return save_draft(coordinator, coordinator.task_force, cycle, ratings={all_rated_terms()[0].pk: (2, 5)})


@pytest.mark.parametrize(
    "role,status",
    [
        ("member", 200),
        ("coordinator", 200),
        ("tta_staff", 200),
        ("other_task_force_member", 404),
        ("moderator", 200),
        ("pending", 302),
        ("anonymous", 302),
    ],
)
def test_assessment_visible_to_own_task_force_and_staff_only(role_user, client_for, assessment, role, status):
    user = role_user(role)
    if role == "moderator":
        user.task_force = TaskForceFactory(name="Elsewhere")
        user.save()
        status = 404
    response = client_for(user).get(f"/tta/assessments/{assessment.pk}/")
    assert response.status_code == status


def test_tta_staff_of_another_task_force_or_none_see_every_assessment_and_request(
    role_user, client_for, assessment
):
    """The staff rule on its own: these staff share nothing with the task force asking."""
    from tests.tta.factories import RequestFactory

    request = RequestFactory(task_force=assessment.task_force, requester=role_user("member"))
    for task_force in (TaskForceFactory(name="Elsewhere"), None):
        staff = role_user("tta_staff")
        staff.task_force = task_force
        staff.save()
        client = client_for(staff)
        assert client.get(f"/tta/assessments/{assessment.pk}/").status_code == 200
        assert client.get(f"/tta/requests/{request.pk}/").status_code == 200
        assert client.get(f"/tta/staff/requests/{request.pk}/").status_code == 200
    # A member of that other task force, without the staff role, sees neither.
    outsider = role_user("member")
    outsider.task_force = TaskForceFactory(name="Elsewhere again")
    outsider.save()
    assert client_for(outsider).get(f"/tta/assessments/{assessment.pk}/").status_code == 404
    assert client_for(outsider).get(f"/tta/requests/{request.pk}/").status_code == 404


def test_the_form_shows_what_last_cycle_said(role_user, client_for, cycle):
    coordinator = role_user("coordinator")
    last = CycleFactory(
        name="2025", opens=datetime.date(2025, 1, 1), closes=datetime.date(2025, 12, 31), is_open=False
    )
    before = AssessmentFactory(
        task_force=coordinator.task_force,
        cycle=last,
        status="submitted",
        preferred_delivery=["virtual"],
        context="<script>alert(1)</script> We had no interpreter contract.",
    )
    before.audiences.add(Term.objects.current().of_facet("audience").order_by("sort_order", "name").first())
    rated = all_rated_terms()[0]
    rate(before, rated.slug, 2, 5)
    html = client_for(coordinator).get("/tta/assessment/").content.decode()
    assert "Last cycle's answers (2025)" in html
    assert "Last cycle: capacity 2, priority 5" in html and "Last cycle: not rated" in html
    audience = before.audiences.get().name
    assert "Last cycle: Virtual" in html and f"Last cycle: {audience}" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; We had no interpreter contract." in html
    assert "<script>alert(1)" not in html


def test_coordinator_fills_the_form_partway_then_submits(role_user, client_for, cycle):
    coordinator = role_user("coordinator")
    client = client_for(coordinator)
    terms = all_rated_terms()
    first = terms[0]
    response = client.post(
        "/tta/assessment/",
        {f"capacity_{first.pk}": "2", f"priority_{first.pk}": "5", "context": "<b>hi</b>", "save": "1"},
    )
    assert response.status_code == 302
    page = client.get("/tta/assessment/")
    assert 'value="2" checked' in page.content.decode() and "&lt;b&gt;hi&lt;/b&gt;" in page.content.decode()
    bad = client.post("/tta/assessment/", {f"capacity_{first.pk}": "9", f"priority_{first.pk}": "5"})
    assert bad.status_code == 400 and "1 to 5" in bad.content.decode()
    data = (
        {f"capacity_{t.pk}": "3" for t in terms} | {f"priority_{t.pk}": "4" for t in terms} | {"submit": "1"}
    )
    done = client.post("/tta/assessment/", data)
    assert done.status_code == 302
    assert NeedsAssessment.objects.get(task_force=coordinator.task_force).status == "submitted"


def test_member_cannot_open_the_assessment_form(role_user, client_for, cycle):
    assert client_for(role_user("member")).get("/tta/assessment/").status_code == 403


def test_member_files_a_request_through_the_form(role_user, client_for):
    member = role_user("member")
    client = client_for(member)
    topic = Term.objects.get(slug="training")
    response = client.post(
        "/tta/requests/new/",
        {"topic": topic.pk, "description": "Patrol training", "urgency": "high", "format": "on_site"},
    )
    r = TTARequest.objects.get()
    assert response["Location"] == f"/tta/requests/{r.pk}/"
    Term.objects.filter(pk=topic.pk).update(retired=True)
    again = client.post(
        "/tta/requests/new/", {"topic": topic.pk, "description": "x", "urgency": "high", "format": "on_site"}
    )
    assert again.status_code == 400 and "retired" in again.content.decode()


def test_requester_sees_accepted_matches_not_notes(role_user, client_for):
    member, staff = role_user("member"), role_user("tta_staff")
    r = RequestFactory(task_force=member.task_force, requester=member)
    add_note(staff, r.pk, "Secret staff note")
    accepted = add_match(staff, r.pk, title="Case review template", url="/resources/case-review/")
    Match.objects.create(
        request=r,
        kind="resource",
        target_key="resource:9",
        title="Rejected one",
        reason="x",
        state="rejected",
    )
    page = client_for(member).get(f"/tta/requests/{r.pk}/").content.decode()
    assert (
        '<a href="/resources/case-review/">Case review template</a>' in page and accepted.state == "accepted"
    )
    assert "Secret staff note" not in page and "Rejected one" not in page
    staff_page = client_for(staff).get(f"/tta/staff/requests/{r.pk}/").content.decode()
    assert "Secret staff note" in staff_page
    assert client_for(role_user("other_task_force_member")).get(f"/tta/requests/{r.pk}/").status_code == 404


def test_staff_triage_page_changes_status_and_refuses_stale_changes(role_user, client_for):
    member, staff = role_user("member"), role_user("tta_staff")
    r = RequestFactory(task_force=member.task_force, requester=member)
    client = client_for(staff)
    ok = client.post(
        f"/tta/staff/requests/{r.pk}/status/",
        {"status": "assigned", "expected_status": "received"},
    )
    assert ok.status_code == 302
    stale = client.post(
        f"/tta/staff/requests/{r.pk}/status/",
        {"status": "declined", "reason": "x", "expected_status": "received"},
    )
    assert stale.status_code == 400 and "while you were looking" in stale.content.decode()
    r.refresh_from_db()
    assert r.status == "assigned"


def _grow(member, n):
    for i in range(n):
        tf = TaskForceFactory(name=f"Grown {i} {TTARequest.objects.count()}")
        RequestFactory(task_force=member.task_force, requester=member)
        RequestFactory(task_force=tf, requester=None)


@pytest.mark.parametrize("who", ["member", "tta_staff"])
def test_list_pages_run_constant_queries(role_user, client_for, cycle, django_assert_max_num_queries, who):
    member = role_user("member")
    client = client_for(role_user(who) if who != "member" else member)
    url = "/tta/" if who == "member" else "/tta/staff/"
    client.get(url)  # the first request of a session does one-off work (MFA check, session save)
    counts = []
    for n in (1, 6):
        _grow(member, n)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(url)


def test_detail_pages_run_constant_queries(role_user, client_for, django_assert_max_num_queries):
    member, staff = role_user("member"), role_user("tta_staff")
    r = RequestFactory(task_force=member.task_force, requester=member)
    client_for(staff).get(f"/tta/staff/requests/{r.pk}/")
    counts = {}
    for n in (1, 8):
        for i in range(n):
            add_note(staff, r.pk, f"note {i}")
            add_match(staff, r.pk, title=f"Match {n}-{i}")
        for who, url in ((member, f"/tta/requests/{r.pk}/"), (staff, f"/tta/staff/requests/{r.pk}/")):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client_for(who).get(url).status_code == 200
            counts.setdefault(url, []).append(len(ctx))
    for url, pair in counts.items():
        assert pair[0] == pair[1], url
    with django_assert_max_num_queries(max(max(p) for p in counts.values())):
        client_for(member).get(f"/tta/requests/{r.pk}/")


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_look_like_formulas_are_neutralised(cell):
    table = analysis.Table("t", "T", ["Topic", "n"], [[cell, 1]])
    text = analysis.as_csv(table)
    assert text.splitlines()[1].lstrip('"').startswith("'")


def test_csv_export_download(role_user, client_for):
    member, staff = role_user("member"), role_user("tta_staff")
    topic = Term.objects.get(slug="training")
    Term.objects.filter(pk=topic.pk).update(name="=cmd|' /C calc'!A0")
    RequestFactory(task_force=member.task_force, requester=member, topic=topic, status="delivered")
    response = client_for(staff).get("/tta/staff/export/delivered-by-topic.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=cmd" in response.content.decode()
    assert client_for(member).get("/tta/staff/export/delivered-by-topic.csv").status_code == 403
    assert client_for(staff).get("/tta/staff/export/nope.csv").status_code == 404


def test_dashboard_charts_are_svg_without_style_attributes(role_user, client_for, cycle):
    a = AssessmentFactory(task_force=TaskForceFactory(name="Charted"), cycle=cycle, status="submitted")
    rate(a, "training", 1, 5)
    page = client_for(role_user("tta_staff")).get("/tta/staff/").content.decode()
    assert "<svg" in page and "style=" not in page.split("<svg", 1)[1].split("</section>")[0]
    assert "Needs by area" in page and "Training" in page


def test_research_table_suppresses_small_counts_and_names_no_task_force(cycle):
    for i in range(6):
        a = AssessmentFactory(
            task_force=TaskForceFactory(name=f"Named TF {i}", region=5), cycle=cycle, status="submitted"
        )
        rate(a, "training", 1, 5 if i < 3 else 2)
    rows = analysis.research_needs_table(cycle)
    assert rows == [{"area": "Training", "region": 5, "task_forces_rating": 6, "high_priority": "<5"}]
    assert "Named TF" not in repr(rows)


def test_daily_job_emails_each_assignee_their_overdue_requests(role_user):
    member, staff, other_staff = role_user("member"), role_user("tta_staff"), role_user("tta_staff")
    ServiceTarget.objects.create(status="assigned", days=3)
    late = RequestFactory(
        task_force=member.task_force,
        requester=member,
        status="assigned",
        assignee=staff,
        status_changed_at=timezone.now() - datetime.timedelta(days=5),
    )
    RequestFactory(task_force=member.task_force, requester=member, status="assigned", assignee=other_staff)
    RequestFactory(
        task_force=member.task_force,
        requester=member,
        status="closed",
        assignee=other_staff,
        status_changed_at=timezone.now() - datetime.timedelta(days=50),
    )
    assert email_overdue_requests() == 1
    assert mail.outbox[0].to == [staff.email] and f"#{late.pk}" in mail.outbox[0].body
    from scheduler.registry import jobs

    assert jobs.get("tta.overdue_reminders").every == datetime.timedelta(days=1)


def test_staff_set_service_targets_and_requests_past_them_show_overdue(role_user, client_for):
    member, staff = role_user("member"), role_user("tta_staff")
    client = client_for(staff)
    assert client.post("/tta/staff/settings/targets/", {"status": "received", "days": "2"}).status_code == 302
    assert ServiceTarget.objects.get(status="received").days == 2
    # Setting it again updates the one target; bad input is refused with a message and changes nothing.
    client.post("/tta/staff/settings/targets/", {"status": "received", "days": "3"})
    for bad in (
        {"status": "received", "days": "0"},
        {"status": "received", "days": "x' OR 1=1"},
        {"status": "closed", "days": "5"},
        {"status": "<b>", "days": "5"},
    ):
        refused = client.post("/tta/staff/settings/targets/", {**bad})
        assert refused.status_code == 400 and "Check the form" in refused.content.decode()
    assert list(ServiceTarget.objects.values_list("status", "days")) == [("received", 3)]
    with pytest.raises(ServiceError, match="finished"):
        set_service_target(staff, "declined", 5)

    now = timezone.now()
    late = RequestFactory(
        task_force=member.task_force,
        requester=member,
        description="Late one",
        status_changed_at=now - datetime.timedelta(days=3, hours=1),
    )
    on_time = RequestFactory(
        task_force=member.task_force,
        requester=member,
        description="On time",
        status_changed_at=now - datetime.timedelta(days=2, hours=23),
    )
    flags = analysis_flags([late, on_time], now)
    assert flags == {late.pk: True, on_time.pk: False}  # longer than 3 days, not exactly at it
    assert (
        '<span class="tta-overdue">Overdue</span>'
        in client.get(f"/tta/staff/requests/{late.pk}/").content.decode()
    )
    assert "tta-overdue" not in client.get(f"/tta/staff/requests/{on_time.pk}/").content.decode()
    dashboard = client.get("/tta/staff/").content.decode()
    assert dashboard.count('class="tta-overdue"') == 1
    # Only staff reach the settings.
    assert (
        client_for(member)
        .post("/tta/staff/settings/targets/", {"status": "received", "days": "9"})
        .status_code
        == 403
    )
    assert ServiceTarget.objects.get(status="received").days == 3


def analysis_flags(requests, now):
    from tta.analysis import overdue_flags

    return overdue_flags(requests, now=now)


def test_staff_open_and_close_cycles_each_at_their_own_url(role_user, client_for):
    staff = role_user("tta_staff")
    client = client_for(staff)
    opened = client.post(
        "/tta/staff/settings/cycles/open/",
        {"name": "FY2031 Q1", "opens": "2031-01-01", "closes": "2031-03-31"},
    )
    assert opened.status_code == 302 and opened["Location"] == "/tta/staff/settings/"
    cycle = Cycle.objects.get(name="FY2031 Q1")
    assert cycle.is_open
    page = client.get("/tta/staff/settings/").content.decode()
    assert f'action="/tta/staff/settings/cycles/{cycle.pk}/close/"' in page
    # Bad input: the page comes back with the form as typed and its message; nothing opens.
    for bad in (
        {"name": "Backwards", "opens": "2031-03-31", "closes": "2031-01-01"},
        {"name": "", "opens": "2031-01-01", "closes": "2031-03-31"},
        {"name": "<script>alert(1)</script>", "opens": "not a date", "closes": "2031-03-31"},
    ):
        refused = client.post("/tta/staff/settings/cycles/open/", bad)
        body = refused.content.decode()
        assert refused.status_code == 400
        assert "<script>alert(1)</script>" not in body
        if bad["name"] == "Backwards":
            assert "close on or after" in body and 'value="Backwards"' in body
    assert not Cycle.objects.filter(name__in=["Backwards", ""]).exists()
    # A GET never changes anything; an unknown cycle is a 404.
    assert client.get(f"/tta/staff/settings/cycles/{cycle.pk}/close/").status_code == 405
    assert client.post("/tta/staff/settings/cycles/999999/close/").status_code == 404
    closed = client.post(f"/tta/staff/settings/cycles/{cycle.pk}/close/")
    assert closed.status_code == 302
    cycle.refresh_from_db()
    assert not cycle.is_open
    # Closing twice (a double click) is harmless.
    assert client.post(f"/tta/staff/settings/cycles/{cycle.pk}/close/").status_code == 302
