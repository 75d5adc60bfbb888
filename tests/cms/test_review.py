"""Keeping practices current: the "Due for review" report, the weekly digest, scheduled publishing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cms import jobs
from cms.models import PracticePage
from cms.reports import due_for_review, send_review_digest
from tests.cms import factories

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/due-for-review/"


@pytest.fixture
def reviewed(indexes):
    index = indexes["practices"]
    return {
        "overdue": factories.practice(
            index, title="Overdue practice", slug="overdue", **factories.review_dates(-3)
        ),
        "soon": factories.practice(index, title="Soon practice", slug="soon", **factories.review_dates(20)),
        "later": factories.practice(
            index, title="Later practice", slug="later", **factories.review_dates(90)
        ),
        "undated": factories.practice(index, title="Undated practice", slug="undated"),
        "resource": factories.resource(
            indexes["resources"], title="Stale resource", slug="stale", **factories.review_dates(-40)
        ),
    }


def test_due_for_review_is_overdue_or_within_30_days_soonest_first(reviewed):
    assert [page.title for page in due_for_review()] == [
        "Stale resource",
        "Overdue practice",
        "Soon practice",
    ]


def test_editors_see_the_report_with_overdue_pages_marked(client, role_user, reviewed):
    client.force_login(role_user("editor"))
    response = client.get(REPORT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Overdue practice" in html and "Soon practice" in html and "Stale resource" in html
    assert "Later practice" not in html and "Undated practice" not in html
    assert "(overdue)" in html
    assert "Due for review" in client.get("/admin/").content.decode()


def test_the_report_exports_as_csv(client, role_user, reviewed):
    client.force_login(role_user("reviewer"))
    response = client.get(REPORT + "?export=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "Next review due" in text and "Overdue practice" in text


@pytest.mark.parametrize("role,status", [("anonymous", 302), ("member", 403), ("moderator", 302)])
def test_people_without_page_permissions_cannot_open_the_report(
    client_for, role_user, reviewed, role, status
):
    user = None if role == "anonymous" else role_user(role)
    response = client_for(user).get(REPORT)
    assert response.status_code == status
    assert "Overdue practice" not in response.content.decode()


def test_weekly_digest_reaches_editors_only(role_user, reviewed):
    editor, reviewer, member = role_user("editor"), role_user("reviewer"), role_user("member")
    mail.outbox.clear()
    assert jobs.review_digest() == 1
    [message] = mail.outbox
    assert message.to == [editor.email]
    assert reviewer.email not in message.to and member.email not in message.to
    assert "3 pages due for review (2 overdue)" in message.subject
    assert "Overdue practice" in message.body and "Later practice" not in message.body
    assert f"/admin/pages/{reviewed['overdue'].pk}/edit/" in message.body


def test_no_digest_when_nothing_is_due(role_user, indexes):
    role_user("editor")
    factories.practice(indexes["practices"], title="Fresh", slug="fresh", **factories.review_dates(200))
    mail.outbox.clear()
    assert send_review_digest() == 0
    assert not mail.outbox


def test_scheduled_publishing_publishes_when_the_time_comes(indexes):
    page = factories.practice(indexes["practices"], title="Scheduled", slug="scheduled", live=False)
    revision = page.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    page.refresh_from_db()
    assert not page.live and revision.approved_go_live_at
    jobs.publish_scheduled()
    assert PracticePage.objects.get(pk=page.pk).live
