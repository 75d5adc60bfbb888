"""Reports reach a moderation queue, where moderators dismiss or hide; posting and reporting are limited."""

import pytest

from forum import limits, services
from forum.models import Post, PostReport, Topic
from tests.forum.factories import reply, start_topic

pytestmark = pytest.mark.django_db


def test_a_report_reaches_the_queue_and_hiding_resolves_it(
    client_for, member, peer, moderator, open_category
):
    topic = start_topic(member, open_category)
    post = reply(topic, peer, "Her address is on file")
    response = client_for(member).post(
        f"/forum/posts/{post.pk}/report/",
        {"reason": "identifying", "note": "<b>please</b> check"},
        follow=True,
    )
    assert b"A moderator will look" in response.content
    queue = client_for(moderator).get("/forum/moderation/reports/").content.decode()
    assert "It identifies a victim" in queue and "&lt;b&gt;please&lt;/b&gt;" in queue
    report = PostReport.objects.get()
    client_for(moderator).post(f"/forum/moderation/reports/{report.pk}/resolve/", {"outcome": "hidden"})
    report.refresh_from_db()
    assert report.outcome == "hidden" and report.resolved_by == moderator
    assert Post.objects.get(pk=post.pk).is_hidden
    assert b"No open reports" in client_for(moderator).get("/forum/moderation/reports/").content


def test_dismissing_leaves_the_post(member, peer, moderator, open_category):
    topic = start_topic(member, open_category)
    post = reply(topic, peer)
    report = services.report_post(post, by=member, reason="spam")
    services.resolve_report(report, by=moderator, outcome="dismissed")
    assert not Post.objects.get(pk=post.pk).is_hidden


def test_reports_are_once_per_member_and_never_of_ones_own_post(member, peer, open_category):
    topic = start_topic(member, open_category)
    post = reply(topic, peer)
    services.report_post(post, by=member, reason="spam")
    with pytest.raises(services.ForumError, match="already reported"):
        services.report_post(post, by=member, reason="abusive")
    with pytest.raises(services.ForumError, match="edit your own"):
        services.report_post(post, by=peer, reason="spam")
    with pytest.raises(services.ForumError, match="reason"):
        services.report_post(post, by=peer, reason="because")


def test_members_cannot_see_the_queue_or_resolve(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    report = services.report_post(reply(topic, peer), by=member, reason="spam")
    assert client_for(member).get("/forum/moderation/reports/").status_code == 404
    assert (
        client_for(peer)
        .post(f"/forum/moderation/reports/{report.pk}/resolve/", {"outcome": "dismissed"})
        .status_code
        == 404
    )
    assert PostReport.objects.get().resolved_at is None


def test_posting_too_fast_is_refused_with_a_clear_message(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    limit = limits.LIMITS["post"][0]
    for n in range(limit):
        assert client.post(f"/forum/t/{topic.pk}/reply/", {"body": f"Reply {n}"}).status_code == 302
    response = client.post(f"/forum/t/{topic.pk}/reply/", {"body": "One too many"})
    assert response.status_code == 400 and b"wait a little" in response.content
    assert Topic.objects.get(pk=topic.pk).reply_count == limit


def test_reporting_too_often_is_refused(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    posts = [reply(topic, peer, f"Post {n}") for n in range(limits.LIMITS["report"][0] + 1)]
    client = client_for(member)
    for post in posts:
        response = client.post(f"/forum/posts/{post.pk}/report/", {"reason": "spam"}, follow=True)
    assert b"many reports this hour" in response.content
    assert PostReport.objects.count() == limits.LIMITS["report"][0]


def test_moderators_are_not_rate_limited(moderator):
    for _ in range(limits.LIMITS["post"][0] + 5):
        limits.hit(moderator, "post")
