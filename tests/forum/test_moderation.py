"""Moderators hide, delete and restore posts and lock topics, every action logged; edit history with diffs."""

import pytest

from forum import services
from forum.models import ModerationAction, Post, Topic
from search.models import IndexEntry
from tests.forum.factories import reply, start_topic

pytestmark = pytest.mark.django_db


def test_hiding_a_post_takes_it_out_of_counts_search_and_other_members_view(
    client_for, member, peer, moderator, open_category
):
    topic = start_topic(member, open_category)
    post = reply(topic, peer, "Contains something a moderator must hide")
    client_for(moderator).post(f"/forum/posts/{post.pk}/moderate/", {"action": "hide"})
    assert Post.objects.get(pk=post.pk).is_hidden
    assert Topic.objects.get(pk=topic.pk).reply_count == 0
    assert not IndexEntry.objects.filter(kind="forum_post", key=str(post.pk)).exists()
    assert b"must hide" not in client_for(member).get(f"/forum/t/{topic.pk}/").content
    client_for(moderator).post(f"/forum/posts/{post.pk}/moderate/", {"action": "unhide"})
    assert Topic.objects.get(pk=topic.pk).reply_count == 1
    assert IndexEntry.objects.filter(kind="forum_post", key=str(post.pk)).exists()
    actions = list(ModerationAction.objects.order_by("id").values_list("action", "moderator_name"))
    assert actions == [("hide_post", moderator.full_name), ("unhide_post", moderator.full_name)]


def test_soft_deleted_posts_can_be_restored(client_for, member, peer, moderator, open_category):
    topic = start_topic(member, open_category)
    post = reply(topic, peer, "Removed then restored")
    services.set_post_visibility(post, by=moderator, deleted=True)
    page = client_for(member).get(f"/forum/t/{topic.pk}/").content
    assert b"This post was deleted." in page and b"Removed then restored" not in page
    services.set_post_visibility(post, by=moderator, deleted=False)
    assert b"Removed then restored" in client_for(member).get(f"/forum/t/{topic.pk}/").content
    assert Topic.objects.get(pk=topic.pk).reply_count == 1


def test_members_cannot_moderate_posts(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    post = reply(topic, peer)
    assert client_for(member).post(f"/forum/posts/{post.pk}/moderate/", {"action": "hide"}).status_code == 404
    with pytest.raises(services.NotAllowed):
        services.set_post_visibility(post, by=member, hidden=True)
    assert not Post.objects.get(pk=post.pk).is_hidden


def test_topic_moderation_is_logged(member, moderator, open_category):
    topic = start_topic(member, open_category)
    services.set_topic_flags(topic, by=moderator, is_locked=True, is_pinned=True)
    services.delete_topic(topic, by=moderator)
    assert set(ModerationAction.objects.values_list("action", flat=True)) == {"lock", "pin", "delete_topic"}


def test_a_moderators_edit_of_someone_elses_post_is_logged(member, moderator, open_category):
    topic = start_topic(member, open_category)
    services.edit_post(topic.posts.get(), by=moderator, body="Tidied")
    services.edit_post(topic.posts.get(), by=member, body="My own change")
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["edit_post"]


def test_edit_history_shows_diffs_to_the_author_and_moderators_only(
    client_for, member, peer, moderator, open_category
):
    topic = start_topic(member, open_category, body="First line\nSecond line")
    post = topic.posts.get()
    services.edit_post(post, by=member, body="First line\nSecond line, clarified")
    url = f"/forum/posts/{post.pk}/history/"
    html = client_for(member).get(url).content.decode()
    assert "-Second line" in html and "+Second line, clarified" in html
    assert client_for(moderator).get(url).status_code == 200
    assert client_for(peer).get(url).status_code == 404


def test_history_takes_the_same_queries_for_1_or_10_revisions(
    client_for, member, open_category, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    topic = start_topic(member, open_category)
    post = topic.posts.get()
    client = client_for(member)
    url = f"/forum/posts/{post.pk}/history/"
    services.edit_post(post, by=member, body="Edit 0")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 10):
        services.edit_post(post, by=member, body=f"Edit {n}")
    with CaptureQueriesContext(connection) as ten:
        client.get(url)
    assert len(one) == len(ten)
