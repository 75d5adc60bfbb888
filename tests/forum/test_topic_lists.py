"""Topic lists without a COUNT(*) of the whole list, and a category's list through its root category."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.models import Topic
from forum.moderation import services as moderation
from forum.views import TOPICS_PER_PAGE
from tests.forum.factories import CategoryFactory, start_topic

pytestmark = pytest.mark.django_db


def _get(client, url):
    client.get("/forum/")  # the first page of a run creates the site settings row
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), [q["sql"].upper() for q in captured]


def _many(author, category, count):
    return [start_topic(author, category, title=f"Topic number {n}") for n in range(count)]


@pytest.mark.parametrize("url", ["/forum/latest/", "/forum/c/investigations/", "/forum/mine/"])
def test_lists_page_by_next_and_previous_without_counting(client_for, member, open_category, url):
    _many(member, open_category, TOPICS_PER_PAGE + 2)
    client = client_for(member)
    first, queries = _get(client, url)
    assert not [q for q in queries if "COUNT(" in q and "FORUM_TOPIC" in q], queries
    assert 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    assert first.count('class="forum-topic-row"') == TOPICS_PER_PAGE
    second, _ = _get(client, url + "?page=2")
    assert second.count('class="forum-topic-row"') == 2
    assert 'href="?page=1" rel="prev"' in second and 'rel="next"' not in second
    assert "Topic number 0" in second and "Topic number 0" not in first
    beyond, _ = _get(client, url + "?page=99999999999999999999")
    assert "Back to the first page" in beyond


def test_a_top_level_category_lists_its_sub_categories_topics_and_a_sub_category_only_its_own(
    client_for, member, open_category
):
    child = CategoryFactory(name="Labor cases", slug="labor-cases", parent=open_category)
    other = CategoryFactory(name="Outreach", slug="outreach")
    start_topic(member, open_category, title="In the parent")
    start_topic(member, child, title="In the child")
    start_topic(member, other, title="Elsewhere")
    client = client_for(member)
    parent_page, _ = _get(client, "/forum/c/investigations/")
    child_page, _ = _get(client, "/forum/c/labor-cases/")
    assert "In the parent" in parent_page and "In the child" in parent_page
    assert "Elsewhere" not in parent_page
    assert "In the child" in child_page and "In the parent" not in child_page


def test_the_root_category_follows_moves_and_a_new_parent(member, moderator, open_category):
    child = CategoryFactory(name="Labor cases", slug="labor-cases", parent=open_category)
    other = CategoryFactory(name="Outreach", slug="outreach")
    topic = start_topic(member, child)
    assert Topic.objects.get(pk=topic.pk).root_category_id == open_category.pk
    moderation.move_topic(topic, by=moderator, to=other)
    assert Topic.objects.get(pk=topic.pk).root_category_id == other.pk
    moderation.move_topic(topic, by=moderator, to=child)
    child.parent = other
    child.save()
    assert Topic.objects.get(pk=topic.pk).root_category_id == other.pk
    assert list(Topic.objects.in_category(other)) == [Topic.objects.get(pk=topic.pk)]


def test_watched_lists_the_topics_of_watched_categories_unless_the_topic_says_otherwise(
    client_for, member, peer, open_category
):
    from forum import services
    from forum.models import WatchLevel

    child = CategoryFactory(name="Labor cases", slug="labor-cases", parent=open_category)
    quiet = CategoryFactory(name="Outreach", slug="outreach", parent=open_category)
    other = CategoryFactory(name="Training", slug="training")
    start_topic(peer, open_category, title="Topic in the watched category")
    start_topic(peer, child, title="Topic in its sub-category")
    start_topic(peer, quiet, title="Topic in a sub-category set to tracking")
    muted = start_topic(peer, open_category, title="Topic the member muted")
    start_topic(peer, other, title="Topic elsewhere")
    mine = start_topic(member, other, title="Topic the member started")
    client = client_for(member)
    services.set_category_watch_level(open_category, by=member, level=WatchLevel.WATCHING)
    services.set_category_watch_level(quiet, by=member, level=WatchLevel.TRACKING)
    services.set_watch_level(muted, by=member, level=WatchLevel.MUTED)
    page, _ = _get(client, "/forum/watched/")
    assert "Topic in the watched category" in page and "Topic in its sub-category" in page
    assert mine.title in page
    for absent in ("sub-category set to tracking", "Topic the member muted", "Topic elsewhere"):
        assert absent not in page, absent
