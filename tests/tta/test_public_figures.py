"""Staff mark a dashboard figure public; anyone then sees it on /tta/figures/, aggregated, with counts
under 5 suppressed and nothing that names a task force. Unmarked figures stay staff-only."""

import pytest
from django.core.exceptions import PermissionDenied

from config.errors import ServiceError
from taxonomy.models import Term
from tests.factories import TaskForceFactory
from tests.tta.factories import AssessmentFactory, CycleFactory, RequestFactory, rate
from tta import analysis
from tta.services.figures import set_figure_public

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(role_user):
    member = role_user("member")
    cycle = CycleFactory(name="2026")
    # Six task forces in region 5, two in region 9 (too few to show).
    for n in range(8):
        a = AssessmentFactory(
            task_force=TaskForceFactory(name=f"Identifiable TF {n}", region=5 if n < 6 else 9),
            cycle=cycle,
            status="submitted",
        )
        rate(a, "training", 1, 5)
    training, coordination = Term.objects.get(slug="training"), Term.objects.get(slug="coordination")
    for _ in range(6):
        RequestFactory(task_force=member.task_force, requester=member, topic=training, status="delivered")
    for _ in range(2):
        RequestFactory(task_force=member.task_force, requester=member, topic=coordination, status="closed")
    return cycle


def test_nothing_is_public_until_staff_say_so(data, client_for):
    page = client_for(None).get("/tta/figures/").content.decode()
    assert "No figures are published yet." in page and "<svg" not in page


def test_a_public_figure_is_shown_to_anyone_with_small_counts_suppressed(data, role_user, client_for):
    staff = role_user("tta_staff")
    response = client_for(staff).post("/tta/staff/figures/delivered-by-topic/public/", {"public": "1"})
    assert response.status_code == 302 and response["Location"].endswith("#figure-delivered-by-topic")
    page = client_for(None).get("/tta/figures/").content.decode()
    table = page.split("Delivered TTA by topic: data", 1)[1]
    assert '<th scope="row">Training</th><td>6</td>' in table
    assert '<th scope="row">Coordination</th><td>&lt;5</td>' in table
    assert "Coordination: &lt;5" in page  # the bar's label, not a number
    assert "Download as CSV" not in page  # the export is staff-only
    assert "Requests by status" not in page and "Needs by federal region" not in page


def test_region_rows_about_few_task_forces_show_no_figures_and_no_names(data, role_user, client_for):
    set_figure_public(role_user("tta_staff"), "needs-by-region", True)
    page = client_for(role_user("member")).get("/tta/figures/").content.decode()
    table = page.split("Needs by federal region: high-priority ratings: data", 1)[1].split("</table>")[0]
    region_5, region_9 = (row for row in table.split("<tr>")[2:4])
    assert "<td>6</td><td>6</td>" in region_5
    assert "<td>&lt;5</td><td>&lt;5</td>" in region_9
    assert "Identifiable TF" not in page


def test_staff_can_make_a_figure_staff_only_again(data, role_user, client_for):
    staff = role_user("tta_staff")
    set_figure_public(staff, "gaps", True)
    assert "Gap between priority" in client_for(None).get("/tta/figures/").content.decode()
    dashboard = client_for(staff).get("/tta/staff/").content.decode()
    assert 'Make staff-only<span class="visually-hidden">: Gap between' in dashboard
    client_for(staff).post("/tta/staff/figures/gaps/public/", {"public": "0"})
    assert "Gap between priority" not in client_for(None).get("/tta/figures/").content.decode()


@pytest.mark.parametrize("slug", ["nope", "gaps' OR 1=1", "x" * 200])
def test_an_unknown_figure_cannot_be_marked(role_user, client_for, slug):
    with pytest.raises(ServiceError):
        set_figure_public(role_user("tta_staff"), slug, True)
    assert (
        client_for(role_user("tta_staff"))
        .post("/tta/staff/figures/nope/public/", {"public": "1"})
        .status_code
        == 404
    )


def test_only_staff_mark_figures(role_user):
    for role in ("member", "coordinator", "moderator", "researcher"):
        with pytest.raises(PermissionDenied):
            set_figure_public(role_user(role), "gaps", True)


def test_public_version_suppresses_rows_about_few_and_small_counts():
    table = analysis.Table(
        "t",
        "T",
        ["Area", "High", "Mean", "Rating"],
        [["A", 3, 4.5, 12], ["B", 1, 2.0, 2]],
        base_column=3,
        count_columns=(1, 3),
    )
    public = analysis.public_version(table)
    assert public.rows == [["A", "<5", 4.5, 12], ["B", "<5", "–", "<5"]]
    assert [bar.shown for bar in public.bars] == ["<5", "<5"] and public.suppressed
    assert table.rows[1] == ["B", 1, 2.0, 2]  # the staff table is untouched


def test_public_page_runs_constant_queries(data, role_user, client_for, django_assert_max_num_queries):
    staff = role_user("tta_staff")
    for slug, _ in analysis.FIGURES:
        set_figure_public(staff, slug, True)
    client = client_for(None)
    client.get("/tta/figures/")
    with django_assert_max_num_queries(12):
        page = client.get("/tta/figures/")
    assert page.content.decode().count("<svg") == len(analysis.FIGURES)
