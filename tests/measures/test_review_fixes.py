"""Review fixes of issue 17: a save that loses the race keeps what was typed, the index page asks
each access rule once, removing a reporter says what really happened, the bench builds its own users."""

import ast
import inspect

import pytest

from bench import measures_bench
from measures import services
from measures.models import DataReporter, Figure
from tests.measures.factories import period

pytestmark = pytest.mark.django_db


def test_a_save_after_someone_else_saved_keeps_everything_typed(role_user, client_for):
    coordinator = role_user("coordinator")
    quarter = period()
    report = services.report_for(coordinator.task_force, quarter)
    seen = report.version
    # Another tab saves first: the version this form carries is now stale.
    services.save(coordinator, report, {"arrests": "4"}, {}, expected_version=seen)
    typed = {
        "figure-arrests": "17",
        "figure-investigations": "twelve",
        "comment": "Figures from the March spreadsheet",
        "version": str(seen),
    }
    response = client_for(coordinator).post("/measures/2026/q3/save/", typed)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone changed this report" in body
    assert 'value="17"' in body and 'value="twelve"' in body
    assert "Figures from the March spreadsheet" in body
    # The form now carries the current version, so saving again is a choice, not another refusal.
    report.refresh_from_db()
    assert f'name="version" value="{report.version}"' in body
    assert Figure.objects.get(measure__code="arrests").raw == "4"  # the other save is not overwritten


def test_a_save_after_the_report_was_submitted_still_shows_what_was_typed(role_user, client_for):
    from tests.measures.factories import submitted_report

    coordinator = role_user("coordinator")
    report = submitted_report(coordinator, period())
    response = client_for(coordinator).post(
        "/measures/2026/q3/save/", {"figure-arrests": "99", "version": str(report.version - 1)}
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "99" in body and "Someone changed this report" in body


def test_the_index_asks_each_rule_once(role_user, client_for, django_assert_max_num_queries):
    coordinator = role_user("coordinator")
    reporter = role_user("member")
    DataReporter.objects.create(user=reporter, task_force=reporter.task_force)
    for quarter in (1, 2, 3, 4):
        period(2026, quarter)
    for user in (coordinator, reporter):
        client = client_for(user)
        client.get("/measures/")  # sessions and the like, once
        with django_assert_max_num_queries(12) as counted:
            assert client.get("/measures/").status_code == 200
        reporter_queries = [q for q in counted.captured_queries if "measures_datareporter" in q["sql"]]
        # The coordinator's page lists the reporters (1); the reporter's asks if they are one (1).
        assert len(reporter_queries) == 1, reporter_queries


def test_removing_someone_who_is_not_a_reporter_says_nothing_changed(role_user, client_for):
    coordinator, member = role_user("coordinator"), role_user("member")
    client = client_for(coordinator)
    page = client.post(f"/measures/reporters/{member.pk}/remove/", follow=True).content.decode()
    assert "was not a data reporter of your task force: nothing changed" in page
    assert "is no longer a data reporter" not in page
    DataReporter.objects.create(user=member, task_force=member.task_force)
    page = client.post(f"/measures/reporters/{member.pk}/remove/", follow=True).content.decode()
    assert "is no longer a data reporter" in page
    assert not DataReporter.objects.exists()


def test_the_bench_builds_its_own_users_not_the_test_factories():
    tree = ast.parse(inspect.getsource(measures_bench))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in getattr(node, "names", [])
    ]
    assert not [name for name in imported if name and name.startswith("tests")]
