"""Watching, mentions and the in-app notification list with its unread count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import services
from forum.models import Notification, TopicState, WatchLevel
from forum.notifications.services import mentioned_names
from members.models import User
from tests.forum.factories import reply, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what services queue on commit (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_watchers_hear_about_new_posts_but_not_their_own(member, peer, open_category, run_tasks):
    with run_tasks():
        topic = start_topic(member, open_category)
    with run_tasks():
        reply(topic, peer)
    assert list(Notification.objects.values_list("user", "kind")) == [(member.pk, "watched_post")]
    with run_tasks():
        reply(topic, member, "Thanks!")
    # The peer watches since replying; the author is never told of their own post.
    assert Notification.objects.filter(user=peer).count() == 1
    assert Notification.objects.filter(user=member).count() == 1


def test_muted_and_normal_members_hear_nothing(member, peer, open_category, run_tasks):
    topic = start_topic(member, open_category)
    services.set_watch_level(topic, by=member, level=WatchLevel.MUTED)
    with run_tasks():
        reply(topic, peer, f"Hi @{member.full_name.lower().replace(' ', '-')}")
    assert not Notification.objects.filter(user=member).exists()


def test_a_mention_notifies_the_member_named(member, peer, role_user, open_category, run_tasks):
    coordinator = role_user("coordinator", full_name="Marcus Ortega")
    topic = start_topic(member, open_category)
    with run_tasks():
        reply(topic, peer, "Ask @marcus-ortega, he wrote our MOU. `@not-in-code` is ignored.")
    assert Notification.objects.get(user=coordinator).kind == Notification.Kind.MENTION


def test_a_mention_of_someone_who_cannot_read_the_category_notifies_nobody(
    member, prosecutor, prosecutors, run_tasks
):
    topic = start_topic(prosecutor, prosecutors)
    handle = member.full_name.lower().replace(" ", "-")
    with run_tasks():
        reply(topic, prosecutor, f"Should we ask @{handle}?")
    assert not Notification.objects.filter(user=member).exists()


def test_an_ambiguous_name_notifies_nobody(member, peer, role_user, open_category, run_tasks):
    twins = [role_user("coordinator", full_name="Sam Lee"), role_user("researcher", full_name="Sam Lee")]
    topic = start_topic(member, open_category)
    with run_tasks():
        reply(topic, peer, "@sam-lee any thoughts?")
    assert not Notification.objects.filter(user__in=twins).exists()


def test_a_member_removed_while_watching_hears_nothing_more(member, peer, open_category, run_tasks):
    with run_tasks():
        topic = start_topic(member, open_category)
    User.objects.filter(pk=member.pk).update(is_active=False)
    with run_tasks():
        reply(topic, peer)
    assert not Notification.objects.filter(user=member).exists()
    assert TopicState.objects.get(user=member, topic=topic).watch_level == WatchLevel.WATCHING


def test_quoting_someone_tells_them_when_tracking(member, peer, open_category, run_tasks):
    topic = start_topic(member, open_category)
    answer = reply(topic, peer)
    services.set_watch_level(topic, by=peer, level=WatchLevel.TRACKING)
    with run_tasks():
        services.reply(topic, by=member, body=services.quote_markdown(answer) + "Yes.", quote_of=answer)
    assert Notification.objects.get(user=peer).kind == Notification.Kind.REPLY


def test_mention_parsing():
    assert mentioned_names("Hi @dana-whitfield and @Marcus-Ortega, mail me@example.org") == [
        "dana whitfield",
        "marcus ortega",
    ]
    assert mentioned_names("```\n@in-code\n```") == []
    assert len(mentioned_names(" ".join(f"@name-{chr(97 + n)}" for n in range(20)))) == 10


def test_notification_list_unread_count_and_mark_read(client_for, member, peer, open_category, run_tasks):
    with run_tasks():
        topic = start_topic(member, open_category)
    client = client_for(member)

    def queries():
        client.get("/forum/notifications/")
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/forum/notifications/")
        return page, len(captured)

    with run_tasks():
        reply(topic, peer, "First update")
    _, one = queries()
    for n in range(24):
        with run_tasks():
            reply(topic, peer, f"Update {n}")
    page, full = queries()
    assert full == one
    html = page.content.decode()
    assert '25<span class="visually-hidden"> unread</span>' in html
    assert client.get("/forum/notifications/").status_code == 200
    assert Notification.objects.filter(user=member, read_at__isnull=True).count() == 25
    client.post("/forum/notifications/read/")
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()
    assert "unread</span>" not in client.get("/forum/latest/").content.decode()
