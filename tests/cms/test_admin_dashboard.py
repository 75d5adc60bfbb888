"""The admin dashboard with a long review queue: the newest pages, a count of the rest, bounded queries."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Workflow

from cms.admin_dashboard import DASHBOARD_ROWS
from tests.cms import factories

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/"


@pytest.fixture
def people(role_user):
    return {"editor": role_user("editor"), "reviewer": role_user("reviewer")}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def submit(index, editor, count, start=0):
    """Practices the editor wrote and sent to the review workflow, oldest first."""
    workflow = Workflow.objects.get(name="Best-practice review")
    pages = []
    for n in range(start, start + count):
        page = factories.practice(index, title=f"Queued practice {n:02d}", live=False, owner=editor)
        page.save_revision(user=editor)
        workflow.start(page, editor)
        pages.append(page)
    return pages


def rows(response, panel_id):
    html = response.content.decode()
    start = html.index(f'id="{panel_id}')
    panel = html[start : html.index("</table>", start)]
    return re.findall(r"Queued practice (\d\d)", panel)


def test_a_reviewer_sees_the_newest_pages_awaiting_review_and_how_many_more(people, indexes):
    pages = submit(indexes["practices"], people["editor"], DASHBOARD_ROWS + 5)

    response = signed_in(people["reviewer"]).get(DASHBOARD)

    assert response.status_code == 200
    shown = set(rows(response, "awaiting-review"))
    newest = {f"{n:02d}" for n in range(5, DASHBOARD_ROWS + 5)}
    assert shown == newest
    html = response.content.decode()
    assert f"5 more not shown here ({DASHBOARD_ROWS + 5} in all)" in html
    assert reverse("wagtailadmin_reports:workflow") in html
    # Each shown page keeps its review actions (approve, request changes).
    newest_page = pages[-1]
    state = newest_page.current_workflow_task_state
    approve = reverse("wagtailadmin_pages:workflow_action", args=[newest_page.pk, "approve", state.pk])
    assert approve in html
    assert reverse("wagtailadmin_pages:workflow_action", args=[pages[0].pk, "approve", 1]) not in html


def test_an_editor_sees_their_newest_pages_in_review_and_how_many_more(people, indexes):
    submit(indexes["practices"], people["editor"], DASHBOARD_ROWS + 2)

    response = signed_in(people["editor"]).get(DASHBOARD)

    assert len(rows(response, "objects-in-workflow")) == DASHBOARD_ROWS
    assert f"2 more not shown here ({DASHBOARD_ROWS + 2} in all)" in response.content.decode()
    # An editor is no reviewer: nothing awaits them.
    assert 'id="awaiting-review' not in response.content.decode()


def test_a_short_queue_is_shown_whole_without_a_count(people, indexes):
    submit(indexes["practices"], people["editor"], 3)

    response = signed_in(people["reviewer"]).get(DASHBOARD)

    assert sorted(rows(response, "awaiting-review")) == ["00", "01", "02"]
    assert "more not shown here" not in response.content.decode()


def test_the_dashboard_makes_as_many_queries_for_a_long_queue_as_for_a_short_one(people, indexes):
    index, editor = indexes["practices"], people["editor"]
    submit(index, editor, DASHBOARD_ROWS)
    counts = {}
    for who in ("reviewer", "editor"):
        client = signed_in(people[who])
        client.get(DASHBOARD)  # sessions and caches warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        counts[who] = len(queries)
    submit(index, editor, 2 * DASHBOARD_ROWS, start=DASHBOARD_ROWS)
    for who in ("reviewer", "editor"):
        client = signed_in(people[who])
        client.get(DASHBOARD)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        # One COUNT of the whole queue is the only query a longer queue adds.
        assert len(queries) <= counts[who] + 1, f"{who}: {counts[who]} → {len(queries)}"
