"""Trends, peer medians and staff totals: as anonymous, pending, another task force, a member and
staff; only accepted figures count; a peer median needs 5 peers and never names one; totals by
region and quarter with a spreadsheet-safe CSV; query counts on every page."""

import csv
import io

import pytest

from measures import trends
from measures.models import Figure, Measure, Report, ReportStatus
from tests.factories import TaskForceFactory, make_role
from tests.measures.factories import period

pytestmark = pytest.mark.django_db


def accepted(task_force, period_, status=ReportStatus.ACCEPTED, **values):
    """A report in ``status`` with the given figures (by code, underscores for hyphens), straight in."""
    is_accepted = status == ReportStatus.ACCEPTED
    report = Report.objects.create(
        task_force=task_force, period=period_, status=status, accepted_revision=1 if is_accepted else None
    )
    measures = {m.code: m for m in Measure.objects.filter(measure_set=period_.measure_set)}
    Figure.objects.bulk_create(
        Figure(
            report=report,
            measure=measures[code.replace("_", "-")],
            raw=str(v),
            value=v,
            accepted_value=v if is_accepted else None,
        )
        for code, v in values.items()
    )
    return report


def peers(count, period_, values, region=5):
    """``count`` other task forces with accepted reports; ``values`` gives each one's arrests."""
    made = []
    for i in range(count):
        tf = TaskForceFactory(name=f"Peer Task Force {i} Hidden Name", region=region)
        accepted(tf, period_, arrests=values[i], investigations=1)
        made.append(tf)
    return made


def test_anonymous_and_pending_are_sent_away(role_user, client_for):
    period()
    assert client_for(None).get("/measures/trends/")["Location"].startswith("/accounts/login/")
    assert client_for(role_user("pending")).get("/measures/trends/")["Location"] == "/members/pending/"


def test_a_member_sees_only_their_own_accepted_figures(role_user, client_for, task_force, other_task_force):
    q1, q2, q3 = period(2026, 1), period(2026, 2), period(2026, 3)
    accepted(task_force, q1, arrests=41)
    accepted(task_force, q2, status=ReportStatus.SUBMITTED, arrests=42)  # not accepted: never counts
    accepted(task_force, q3, status=ReportStatus.DRAFT, arrests=43)
    accepted(other_task_force, q1, arrests=777)
    member = role_user("member")
    body = client_for(member).get("/measures/trends/").content.decode()
    assert "<td>41</td>" in body
    assert "<td>42</td>" not in body and "<td>43</td>" not in body
    assert "777" not in body and other_task_force.name not in body
    assert "<svg" in body and "<table>" in body  # each chart has its data table
    # The other task force's member sees their own, never ours.
    other = client_for(role_user("other_task_force_member")).get("/measures/trends/").content.decode()
    assert "<td>777</td>" in other and "<td>41</td>" not in other and task_force.name not in other


def test_a_report_under_correction_keeps_its_accepted_figures(role_user, client_for, task_force):
    q = period(2026, 1)
    report = accepted(task_force, q, arrests=41)
    report.status, report.revision = ReportStatus.DRAFT, 2
    report.save()
    report.figures.update(raw="4", value=4)  # the correction, half typed
    body = client_for(role_user("member")).get("/measures/trends/").content.decode()
    assert "<td>41</td>" in body and "<td>4</td>" not in body


def test_the_peer_median_needs_five_peers_and_excludes_us(task_force):
    q = period(2026, 1)
    accepted(task_force, q, arrests=1000)  # our own value must not move the median
    peers(4, q, [1, 2, 3, 4])
    [arrests] = [t for t in trends.trends_for(task_force.pk) if t.code == "arrests"]
    assert arrests.points[-1].value == 1000 and arrests.points[-1].peer_median is None
    accepted(TaskForceFactory(name="Fifth peer"), q, arrests=5)
    accepted(TaskForceFactory(name="Submitted peer"), q, status=ReportStatus.SUBMITTED, arrests=900)
    [arrests] = [t for t in trends.trends_for(task_force.pk) if t.code == "arrests"]
    assert arrests.points[-1].peer_median == 3
    # A draft or submitted peer report is not a peer that reported.
    assert trends.peer_medians([q], task_force.pk, ["arrests"]) == {(q.pk, "arrests"): 3}


def test_an_even_number_of_peers_gives_a_midpoint(task_force):
    q = period(2026, 1)
    peers(6, q, [1, 2, 3, 4, 5, 6])
    assert trends.peer_medians([q], task_force.pk, ["arrests"]) == {(q.pk, "arrests"): 3.5}


def test_the_page_names_no_peer_and_shows_nothing_but_the_median(role_user, client_for, task_force):
    q = period(2026, 1)
    accepted(task_force, q, arrests=9)
    peers(5, q, [10, 20, 30, 40, 50])
    body = client_for(role_user("member")).get("/measures/trends/").content.decode()
    assert "Hidden Name" not in body
    assert "<td>30</td>" in body
    # No minimum, maximum or count from which a peer's value could be worked out.
    for leak in ("<td>10</td>", "<td>50</td>", "<td>5</td>", "minimum", "maximum"):
        assert leak not in body


def test_staff_see_any_task_force_and_nobody_else_does(role_user, client_for, task_force, other_task_force):
    q = period(2026, 1)
    accepted(other_task_force, q, arrests=777)
    url = f"/measures/staff/task-forces/{other_task_force.pk}/trends/"
    body = client_for(role_user("tta_staff")).get(url).content.decode()
    assert "<td>777</td>" in body and other_task_force.name in body
    for role in ("member", "coordinator", "researcher"):
        assert client_for(role_user(role)).get(url).status_code == 403
    assert (
        client_for(role_user("tta_staff")).get("/measures/staff/task-forces/999999/trends/").status_code
        == 404
    )


def test_a_member_without_a_task_force_has_no_figures(client_for, task_force):
    period(2026, 1)
    loner = make_role("member", task_force=task_force)
    loner.task_force = None
    loner.save()
    response = client_for(loner).get("/measures/trends/")
    # The measures section is for task force members and staff: without one, a 403.
    assert response.status_code == 403


def test_trends_page_query_count_does_not_grow_with_data(
    role_user, client_for, task_force, django_assert_max_num_queries
):
    quarters = [period(2024 + i // 4, i % 4 + 1) for i in range(8)]
    member = role_user("member")
    for q in quarters:
        accepted(task_force, q, arrests=3, investigations=2, investigations_labor=0)
        peers(6, q, [1, 2, 3, 4, 5, 6])
    client = client_for(member)
    client.get("/measures/trends/")  # the site's settings are created on the first page of all
    # The page's own: periods, measures, our figures, the peers' figures, the signals' figures.
    with django_assert_max_num_queries(14):
        response = client.get("/measures/trends/")
    assert response.status_code == 200
    staff = client_for(role_user("tta_staff"))
    url = f"/measures/staff/task-forces/{task_force.pk}/trends/"
    staff.get(url)
    with django_assert_max_num_queries(14):
        assert staff.get(url).status_code == 200


# Staff totals


def test_totals_by_region_and_quarter_count_only_accepted(
    role_user, client_for, task_force, other_task_force
):
    q1, q2 = period(2026, 1), period(2026, 2)
    accepted(task_force, q1, arrests=4)  # region 5
    accepted(other_task_force, q1, arrests=6)  # region 9
    accepted(TaskForceFactory(name="Also Chicago", region=5), q1, arrests=10)
    accepted(TaskForceFactory(name="Not yet", region=5), q2, status=ReportStatus.SUBMITTED, arrests=999)
    staff = client_for(role_user("tta_staff"))
    body = staff.get("/measures/staff/totals/?measure=arrests").content.decode()
    assert "Region 5 (Chicago)" in body and "<td>14</td>" in body
    assert "Region 9 (San Francisco)" in body and "<td>6</td>" in body
    assert "<td>20</td>" in body  # all regions
    assert "999" not in body
    assert "<svg" in body


@pytest.mark.parametrize(
    "hostile", ["<script>alert(1)</script>", "' OR 1=1 --", "x" * 5000, "arrests\x00", "%00"]
)
def test_totals_survive_hostile_measure_choices(role_user, client_for, hostile):
    period(2026, 1)
    response = client_for(role_user("tta_staff")).get("/measures/staff/totals/", {"measure": hostile})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in body
    assert "There is no measure with that code" in body


def test_totals_and_csv_are_staff_only(role_user, client_for):
    for url in ("/measures/staff/totals/", "/measures/staff/totals.csv", "/measures/staff/signals/"):
        assert client_for(None).get(url).status_code == 302
        assert client_for(role_user("pending")).get(url).status_code == 302
        for role in ("member", "coordinator", "other_task_force_member", "researcher"):
            assert client_for(role_user(role)).get(url).status_code == 403, (role, url)


def test_csv_is_safe_to_open_in_a_spreadsheet(role_user, client_for, task_force):
    q = period(2026, 1)
    accepted(task_force, q, arrests=4)
    Measure.objects.filter(measure_set=q.measure_set, code="arrests").update(name='=HYPERLINK("http://evil")')
    response = client_for(role_user("tta_staff")).get("/measures/staff/totals.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Year",
        "Quarter",
        "Region",
        "Measure code",
        "Measure",
        "Total",
        "Task forces reporting",
    ]
    [arrests] = [r for r in rows if r[3] == "arrests"]
    assert arrests == ["2026", "Q1", "Region 5 (Chicago)", "arrests", '\'=HYPERLINK("http://evil")', "4", "1"]
    assert task_force.name not in response.content.decode()


def test_staff_totals_query_count_does_not_grow_with_data(
    role_user, client_for, task_force, django_assert_max_num_queries
):
    staff = client_for(role_user("tta_staff"))
    for i in range(8):
        q = period(2024 + i // 4, i % 4 + 1)
        peers(6, q, [1, 2, 3, 4, 5, 6], region=i % 10 + 1)
    staff.get("/measures/staff/signals/")  # the site's settings are created on the first page of all
    with django_assert_max_num_queries(8):
        assert staff.get("/measures/staff/signals/").status_code == 200
    with django_assert_max_num_queries(14):
        assert staff.get("/measures/staff/totals/?measure=arrests").status_code == 200
    with django_assert_max_num_queries(8):
        assert staff.get("/measures/staff/totals.csv").status_code == 200
