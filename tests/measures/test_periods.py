"""Staff screens for reporting periods and measure-set versions: attacker first (anonymous,
pending, a member, a coordinator, another task force, a guessed id), then staff opening a quarter,
setting its due date and change factor, closing it over unfinished reports, and creating a new
measure-set version that leaves earlier quarters as they were; bad input keeps what was typed."""

import datetime
from decimal import Decimal

import pytest

from config.errors import Conflict, NotPermitted, ServiceError
from measures import periods, services
from measures.models import Measure, MeasureSet, ReportingPeriod
from members.models import AuditEvent
from tests.measures.factories import default_set, period, plausible, submitted_report

pytestmark = pytest.mark.django_db

OPEN = {"year": "2027", "quarter": "1", "due_on": "2027-04-30", "change_factor": "2.5"}


def _audited(what):
    return AuditEvent.objects.filter(action=AuditEvent.Action.PERFORMANCE_REPORT, detail__what=what)


def _new_period_form(**changes):
    return {**OPEN, "measure_set": str(default_set().pk), **changes}


@pytest.mark.parametrize("role", ["member", "coordinator", "other_task_force_member", "editor", "researcher"])
def test_no_one_but_staff_opens_changes_or_closes_a_period(role, role_user, client_for):
    quarter = period()
    client = client_for(role_user(role))
    urls = [
        ("get", "/measures/staff/periods/"),
        ("get", f"/measures/staff/periods/{quarter.pk}/"),
        ("get", "/measures/staff/sets/"),
        ("get", "/measures/staff/sets/1/"),
        ("get", "/measures/staff/sets/new/"),
        ("post", "/measures/staff/periods/new/"),
        ("post", f"/measures/staff/periods/{quarter.pk}/settings/"),
        ("post", f"/measures/staff/periods/{quarter.pk}/close/"),
        ("post", f"/measures/staff/periods/{quarter.pk}/reopen/"),
        ("post", "/measures/staff/sets/new/"),
    ]
    for method, url in urls:
        data = _new_period_form(year="2027") if method == "post" else None
        assert getattr(client, method)(url, data).status_code == 403, url
    assert not ReportingPeriod.objects.filter(year=2027).exists()
    quarter.refresh_from_db()
    assert not quarter.is_closed and MeasureSet.objects.count() == 1
    with pytest.raises(NotPermitted):
        periods.set_closed(role_user("coordinator", email="c2@example.org"), quarter, True, confirmed=True)


def test_anonymous_and_pending_are_sent_away(role_user, client_for):
    quarter = period()
    for user, where in ((None, "/accounts/login/"), (role_user("pending"), "/members/pending/")):
        client = client_for(user)
        got = client.post(f"/measures/staff/periods/{quarter.pk}/close/", {"confirm": "on"})
        assert got.status_code == 302 and got["Location"].startswith(where)
    quarter.refresh_from_db()
    assert not quarter.is_closed


def test_a_guessed_period_or_version_is_a_404_for_staff(role_user, client_for):
    client = client_for(role_user("tta_staff"))
    assert client.get("/measures/staff/periods/999999/").status_code == 404
    assert client.post("/measures/staff/periods/999999/close/").status_code == 404
    assert client.get("/measures/staff/sets/999/").status_code == 404
    assert client.get("/measures/staff/periods/1/close/").status_code == 405  # POST only


def test_staff_open_a_quarter_on_the_latest_set_and_it_is_audited(role_user, client_for):
    staff = role_user("tta_staff")
    client = client_for(staff)
    page = client.get("/measures/staff/periods/")
    assert page.status_code == 200 and "Open a quarter" in page.content.decode()
    opened = client.post("/measures/staff/periods/new/", _new_period_form())
    created = ReportingPeriod.objects.get(year=2027, quarter=1)
    assert opened.status_code == 302 and opened["Location"] == f"/measures/staff/periods/{created.pk}/"
    assert (created.due_on, created.change_factor, created.measure_set) == (
        datetime.date(2027, 4, 30),
        Decimal("2.50"),
        default_set(),
    )
    assert _audited("reporting period opened").get().actor == staff
    # The same form sent twice (a double click): one period, and the second lands on it too.
    again = client.post("/measures/staff/periods/new/", _new_period_form())
    assert again.status_code == 302 and ReportingPeriod.objects.filter(year=2027, quarter=1).count() == 1
    assert _audited("reporting period opened").count() == 1


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"due_on": "2027-03-01"}, "due_on", "must come after the quarter ends (Mar 31, 2027)"),
        ({"due_on": "2029-04-30"}, "due_on", "more than a year after the quarter ends"),
        ({"due_on": "30/04/2027x"}, "due_on", "Enter a date"),
        ({"change_factor": "1"}, "change_factor", "must be more than 1"),
        ({"change_factor": "0.5"}, "change_factor", "must be more than 1"),
        ({"change_factor": "-3"}, "change_factor", "must be more than 1"),
        ({"change_factor": "250"}, "change_factor", "would never ask for a reason"),
        ({"change_factor": "99999999999"}, "change_factor", "at most 100"),
        ({"change_factor": "three"}, "change_factor", "Enter the factor as a number"),
        ({"change_factor": "NaN"}, "change_factor", "Enter the factor as a number"),
        ({"change_factor": "1e9"}, "change_factor", "at most 100"),
        ({"year": "<script>alert(1)</script>"}, "year", "Enter a year"),
        ({"year": "1999"}, "year", "from 2000"),
        ({"quarter": "5"}, "quarter", "Select a valid choice"),
        ({"quarter": "1' OR '1'='1"}, "quarter", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_typed_is_lost(
    changes, field, message, role_user, client_for
):
    client = client_for(role_user("tta_staff"))
    typed = _new_period_form(**changes)
    refused = client.post("/measures/staff/periods/new/", typed)
    body = refused.content.decode()
    assert refused.status_code == 400
    assert f'id="id_{field}_problems"' in body
    problems = body.split(f'id="id_{field}_problems"')[1].split("</ul>")[0]
    assert message in problems.replace("&#x27;", "'")
    assert "<script>alert(1)</script>" not in body
    for name, value in typed.items():
        if name not in ("quarter", "measure_set", field):
            assert f'value="{value}"' in body, name
    assert not ReportingPeriod.objects.exists()


def test_a_duplicate_quarter_is_refused_next_to_the_quarter(role_user, client_for):
    period(2027, 1)
    client = client_for(role_user("tta_staff"))
    refused = client.post("/measures/staff/periods/new/", _new_period_form(due_on="2027-05-15"))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "2027 Q1 already exists" in body.split('id="id_quarter_problems"')[1]
    assert 'value="2027-05-15"' in body
    assert ReportingPeriod.objects.filter(year=2027, quarter=1).count() == 1


def test_staff_set_the_due_date_and_factor_and_checks_use_the_factor(role_user, client_for):
    staff, coordinator = role_user("tta_staff"), role_user("coordinator")
    before, quarter = period(2026, 2), period(2026, 3)
    from tests.measures.factories import accepted_report

    accepted_report(coordinator, staff, before, arrests="10")
    client = client_for(staff)
    bad = client.post(
        f"/measures/staff/periods/{quarter.pk}/settings/", {"due_on": "2026-10-30", "change_factor": "1.00"}
    )
    assert bad.status_code == 400 and 'value="2026-10-30"' in bad.content.decode()
    saved = client.post(
        f"/measures/staff/periods/{quarter.pk}/settings/", {"due_on": "2026-11-15", "change_factor": "1.5"}
    )
    assert saved.status_code == 302
    quarter.refresh_from_db()
    assert (quarter.due_on, quarter.change_factor) == (datetime.date(2026, 11, 15), Decimal("1.50"))
    changed = _audited("reporting period changed").get()
    assert (
        changed.detail["before"]["change_factor"] == "3.00"
        and changed.detail["after"]["change_factor"] == "1.50"
    )
    # 16 arrests against 10 last quarter: 1.6 times, over the new factor of 1.5, asks for a reason.
    report = services.report_for(coordinator.task_force, quarter)
    checked = services.save(
        coordinator, report, plausible(quarter, arrests="16"), {}, expected_version=report.version
    )
    assert "arrests" in checked.needs_explanation


def test_closing_over_unfinished_reports_asks_first_then_reporters_are_stopped(role_user, client_for):
    staff, coordinator = role_user("tta_staff"), role_user("coordinator")
    quarter = period()
    submitted_report(coordinator, quarter)
    client = client_for(staff)
    asked = client.post(f"/measures/staff/periods/{quarter.pk}/close/")
    body = asked.content.decode()
    assert asked.status_code == 409
    assert "1 report for 2026 Q3 is not accepted yet" in body and "Close it anyway" in body
    quarter.refresh_from_db()
    assert not quarter.is_closed and not _audited("reporting period closed").exists()
    closed = client.post(f"/measures/staff/periods/{quarter.pk}/close/", {"confirm": "on"})
    assert closed.status_code == 302
    quarter.refresh_from_db()
    assert quarter.is_closed
    assert _audited("reporting period closed").get().detail["unfinished_reports"] == 1
    # A double click closes nothing twice; a reporter can no longer open a correction or save.
    twice = client.post(f"/measures/staff/periods/{quarter.pk}/close/", {"confirm": "on"}, follow=True)
    assert "was already closed: nothing changed" in twice.content.decode()
    assert _audited("reporting period closed").count() == 1
    reopened = client.post(f"/measures/staff/periods/{quarter.pk}/reopen/")
    assert reopened.status_code == 302 and _audited("reporting period reopened").count() == 1
    quarter.refresh_from_db()
    assert not quarter.is_closed


def test_closing_a_period_with_every_report_accepted_needs_no_confirmation(role_user, client_for):
    quarter = period()
    assert (
        client_for(role_user("tta_staff")).post(f"/measures/staff/periods/{quarter.pk}/close/").status_code
        == 302
    )
    quarter.refresh_from_db()
    assert quarter.is_closed


def _set_form(latest, **changes):
    data = {"based_on": str(latest.version), "title": "Measures, version 2"}
    for m in latest.measures.all():
        data[f"definition-{m.code}"] = m.definition
    data.update(changes)
    return data


def test_a_new_version_copies_the_latest_with_edits_and_earlier_quarters_keep_theirs(role_user, client_for):
    staff, coordinator = role_user("tta_staff"), role_user("coordinator")
    old_quarter = period(2026, 3)
    report = services.report_for(coordinator.task_force, old_quarter)
    services.save(coordinator, report, plausible(old_quarter), {}, expected_version=report.version)
    v1 = default_set()
    v1_codes = list(v1.measures.values_list("code", flat=True))
    client = client_for(staff)
    form = client.get("/measures/staff/sets/new/")
    assert form.status_code == 200 and "Create version 2" in form.content.decode()
    created = client.post(
        "/measures/staff/sets/new/",
        _set_form(
            v1,
            **{
                "retire-investigations": "on",
                "definition-arrests": "People arrested on a trafficking or related charge this quarter.",
                "code": "hotline-tips",
                "name": "Hotline tips",
                "definition": "Tips from the national hotline the task force followed up.",
            },
        ),
    )
    assert created.status_code == 302 and created["Location"] == "/measures/staff/sets/2/"
    v2 = MeasureSet.objects.get(version=2)
    codes = set(v2.measures.values_list("code", flat=True))
    assert "hotline-tips" in codes
    assert not codes & {"investigations", "investigations-sex", "investigations-labor"}  # parts go too
    assert v2.measures.get(code="arrests").definition.startswith("People arrested on a trafficking")
    # Version 1, and the quarter opened on it, are exactly as they were.
    assert list(v1.measures.values_list("code", flat=True)) == v1_codes
    assert (
        Measure.objects.get(measure_set=v1, code="arrests").definition
        != v2.measures.get(code="arrests").definition
    )
    old_quarter.refresh_from_db()
    assert old_quarter.measure_set == v1
    assert "investigations" in {m.code for m in services.measures_of(old_quarter)}
    audited = _audited("measure set version created").get()
    assert audited.detail["retired"] == ["investigations", "investigations-labor", "investigations-sex"]
    assert audited.detail["added"] == ["hotline-tips"] and audited.detail["redefined"] == ["arrests"]
    # The same form sent again (a double click, or an old tab): no version 3; the latest is shown.
    again = client.post("/measures/staff/sets/new/", _set_form(v1, title="Typed again"))
    assert again.status_code == 409 and "Version 2 is now the latest" in again.content.decode()
    assert 'value="Typed again"' in again.content.decode()
    assert MeasureSet.objects.count() == 2
    # A quarter opened now can use version 2; the list and the version's page show both.
    assert (
        client.post("/measures/staff/periods/new/", _new_period_form(measure_set=str(v2.pk))).status_code
        == 302
    )
    assert ReportingPeriod.objects.get(year=2027).measure_set == v2
    listing = client.get("/measures/staff/sets/").content.decode()
    assert "Version 2" in listing and "Version 1" in listing
    page = client.get("/measures/staff/sets/1/").content.decode()
    assert "An earlier version" in page and "2026 Q3" in page


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"title": " "}, "title", "This field is required"),
        ({"code": "arrests", "name": "Arrests again", "definition": "Twice."}, "code", "already in the set"),
        ({"code": "Bad Code!", "name": "N", "definition": "D"}, "code", "lower-case letters"),
        ({"code": "tips", "name": "", "definition": ""}, "name", "needs a code, a name and a definition"),
        ({"code": "x" * 61, "name": "N", "definition": "D"}, "code", "at most 60"),
        ({"definition-arrests": ""}, "definition-arrests", "This field is required"),
        ({"definition-arrests": "x" * 5000}, "definition-arrests", "at most 2000"),
        ({"code": "tips", "name": "N", "definition": "D", "parent": "nope"}, "parent", "valid choice"),
    ],
)
def test_a_bad_version_is_refused_next_to_its_field(changes, field, message, role_user, client_for):
    client = client_for(role_user("tta_staff"))
    typed = _set_form(default_set(), **changes)
    refused = client.post("/measures/staff/sets/new/", typed)
    body = refused.content.decode()
    assert refused.status_code == 400
    assert message in body.split(f'id="id_{field}_problems"')[1].split("</ul>")[0]
    assert MeasureSet.objects.count() == 1
    if typed.get("name"):
        assert f'value="{typed["name"]}"' in body


def test_retiring_every_measure_is_refused(role_user):
    staff = role_user("tta_staff")
    v1 = default_set()
    edits = periods.SetEdits(
        title="Empty", based_on=1, retire=set(v1.measures.values_list("code", flat=True))
    )
    with pytest.raises(ServiceError, match="at least one measure"):
        periods.new_set_version(staff, edits)
    with pytest.raises(Conflict):
        periods.new_set_version(staff, periods.SetEdits(title="Old", based_on=0))


def test_list_and_detail_pages_keep_their_query_counts(role_user, client_for, django_assert_max_num_queries):
    client = client_for(role_user("tta_staff"))
    for quarter in range(1, 5):
        period(2026, quarter)
    first = ReportingPeriod.objects.first()
    pages = [
        "/measures/staff/periods/",
        f"/measures/staff/periods/{first.pk}/",
        "/measures/staff/sets/",
        "/measures/staff/sets/1/",
        "/measures/staff/sets/new/",
    ]
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url
    for quarter in range(1, 5):
        period(2025, quarter)
    with django_assert_max_num_queries(12):
        assert client.get("/measures/staff/periods/").status_code == 200


def test_the_staff_grid_links_to_periods_and_versions(role_user, client_for):
    body = client_for(role_user("tta_staff")).get("/measures/staff/").content.decode()
    assert 'href="/measures/staff/periods/"' in body and 'href="/measures/staff/sets/"' in body


def test_a_hostile_new_measure_is_stored_as_text_and_shown_escaped(role_user, client_for):
    client = client_for(role_user("tta_staff"))
    hostile = "<script>alert(1)</script>'; DROP TABLE measures_measure; --"
    created = client.post(
        "/measures/staff/sets/new/",
        _set_form(default_set(), code="tips", name=hostile, definition=hostile, title=hostile),
    )
    assert created.status_code == 302
    assert Measure.objects.get(measure_set__version=2, code="tips").name == hostile
    for url in ("/measures/staff/sets/2/", "/measures/staff/sets/"):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_staff_see_reporting_periods_in_the_section_menu_and_members_do_not(role_user, client_for):
    assert (
        'href="/measures/staff/periods/"'
        in client_for(role_user("tta_staff")).get("/measures/").content.decode()
    )
    assert (
        'href="/measures/staff/periods/"'
        not in client_for(role_user("member")).get("/measures/").content.decode()
    )
