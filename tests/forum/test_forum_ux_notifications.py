"""Notifications as Discourse users expect them: reading a topic clears its notifications, an accepted
answer's author hears about it, and the unread count sits in the site's main header on every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.models import POSTS_PER_PAGE, Notification, Topic
from tests.forum.factories import reply, start_topic


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _header_count(html: str) -> str | None:
    """The count in the main navigation's notifications pill, or None when it is not shown."""
    marker = 'class="nav-count"'
    if marker not in html:
        return None
    after = html.split(marker, 1)[1]
    return after.split(">", 1)[1].split("<", 1)[0]


def test_reading_both_pages_of_a_topic_marks_its_notifications_read(
    client_for, member, peer, open_category, run_tasks
):
    with run_tasks():
        topic = start_topic(member, open_category)
    for n in range(POSTS_PER_PAGE + 4):
        with run_tasks():
            reply(topic, peer, f"Update {n}")
    unread = Notification.objects.filter(user=member, read_at__isnull=True)
    assert unread.count() == POSTS_PER_PAGE + 4
    client = client_for(member)

    with run_tasks():
        first = client.get(f"/forum/t/{topic.pk}/")
    # The first page shows posts 1..POSTS_PER_PAGE: the replies among them are read, and the header
    # already shows what is left.
    assert unread.count() == 5
    assert _header_count(first.content.decode()) == "5"
    with run_tasks():
        client.get(f"/forum/t/{topic.pk}/?page=2")
    assert unread.count() == 0
    assert _header_count(client.get("/forum/").content.decode()) is None


def test_a_notification_in_a_topic_already_read_is_cleared_by_reading_it(
    client_for, member, peer, open_category, run_tasks
):
    with run_tasks():
        topic = start_topic(member, open_category)
        answer = reply(topic, peer, "We book the advocate first.")
    client = client_for(peer)
    with run_tasks():
        client.get(f"/forum/t/{topic.pk}/")
    from forum import services

    with run_tasks():
        services.accept_answer(topic, answer, by=member)
    assert _header_count(client.get("/forum/latest/").content.decode()) == "1"
    with run_tasks():
        client.get(f"/forum/t/{topic.pk}/")
    assert _header_count(client.get("/forum/latest/").content.decode()) is None


def test_accepting_an_answer_notifies_its_author(client_for, member, peer, open_category, run_tasks):
    with run_tasks():
        topic = start_topic(member, open_category, title="Who interviews first?")
        answer = reply(topic, peer, "We book the advocate first.")
    client = client_for(member)
    client.post(f"/forum/posts/{answer.pk}/accept/")
    assert Topic.objects.get(pk=topic.pk).accepted_post_id == answer.pk

    page = client_for(peer).get("/forum/notifications/").content.decode()
    assert "accepted your answer" in page
    assert "Who interviews first?" in page
    notification = Notification.objects.get(user=peer, kind=Notification.Kind.ACCEPTED)
    assert notification.post == answer
    assert notification.read_at is None

    # Unaccepted and accepted again: still one notification, unread again.
    Notification.objects.filter(pk=notification.pk).update(read_at=notification.created_at)
    client = client_for(member)
    client.post(f"/forum/t/{topic.pk}/unaccept/")
    client.post(f"/forum/posts/{answer.pk}/accept/")
    accepted = Notification.objects.filter(user=peer, kind=Notification.Kind.ACCEPTED)
    assert [n.read_at for n in accepted] == [None]


def test_accepting_your_own_reply_notifies_nobody(client_for, member, open_category):
    topic = start_topic(member, open_category)
    own = reply(topic, member, "Answering myself after all.")
    client_for(member).post(f"/forum/posts/{own.pk}/accept/")
    assert not Notification.objects.exists()


@pytest.mark.parametrize("path", ["/", "/forum/", "/members/", "/search/", "/tta/"])
def test_the_unread_count_is_in_the_main_header_on_every_page(
    client_for, member, peer, open_category, run_tasks, path
):
    with run_tasks():
        topic = start_topic(member, open_category)
        reply(topic, peer, "First update")
        reply(topic, peer, "Second update")
    html = client_for(member).get(path, follow=True).content.decode()
    header = html.split("</header>", 1)[0]
    assert _header_count(header) == "2"
    assert '2<span class="visually-hidden"> unread forum notifications</span>' in header
    assert 'href="/forum/notifications/"' in header


def test_the_header_count_costs_one_query_and_none_without_notifications_shown(
    client_for, member, peer, open_category, run_tasks
):
    with run_tasks():
        topic = start_topic(member, open_category)
        reply(topic, peer, "First update")
    client = client_for(member)
    client.get("/forum/latest/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/forum/latest/")
    # The header and the forum menu show the same count, from one query.
    assert sum("forum_notification" in q["sql"] for q in captured.captured_queries) == 1


@pytest.mark.parametrize("role", ["anonymous", "pending"])
def test_no_count_for_visitors_who_are_not_members(client_for, role_user, role, member, peer, open_category):
    topic = start_topic(member, open_category)
    reply(topic, peer, "An update")
    visitor = role_user(role)
    with CaptureQueriesContext(connection) as captured:
        html = client_for(visitor).get("/", follow=True).content.decode()
    assert 'class="nav-count"' not in html
    assert not any("forum_notification" in q["sql"] for q in captured.captured_queries)


def test_an_author_who_chose_immediate_email_is_emailed_when_their_answer_is_accepted(
    client_for, member, peer, open_category, run_tasks, mailoutbox
):
    from forum.notifications.services import set_email_frequency

    topic = start_topic(member, open_category, title="Who interviews first?")
    answer = reply(topic, peer, "We book the advocate first.")
    set_email_frequency(peer, "immediate")
    mailoutbox.clear()
    with run_tasks():
        client_for(member).post(f"/forum/posts/{answer.pk}/accept/")
    [email] = [m for m in mailoutbox if m.to == [peer.email]]
    assert "accepted your answer" in email.subject and "Who interviews first?" in email.subject
