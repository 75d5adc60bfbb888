"""A reply's statements, compiled once (forum.reply_statements), do what their querysets do.

Each is compared with the ORM call it replaced, on the same rows, including the
edge cases the reply relies on: a double click's twin and its neighbours that
are not twins, a muted watcher, a category whose last post time is NULL or
later than the reply's, hostile text as a poster's name, and a draft of
another member.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum import reply_statements as statements
from forum import services
from forum.drafts import services as drafts
from forum.models import Category, Post, Topic, TopicState, WatchLevel
from tests.forum.factories import CategoryFactory, reply, start_topic

pytestmark = pytest.mark.django_db

HOSTILE = "Robert'); DROP TABLE forum_topic;-- <script>alert(1)</script> \u00e9\u4e2d"


def test_the_locked_topic_is_the_topic_and_a_missing_one_is_nothing(member, open_category):
    topic = start_topic(member, open_category)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            found = statements.LOCKED_TOPIC.run(pk=topic.pk)
        assert [t.pk for t in found] == [topic.pk]
        assert found[0].title == topic.title and found[0].last_post_number == 1
        if connection.features.has_select_for_update:
            assert "FOR UPDATE" in queries.captured_queries[0]["sql"]
        assert statements.LOCKED_TOPIC.run(pk=topic.pk + 1000) == []


def test_only_the_same_members_same_text_moments_ago_near_the_end_is_a_twin(member, peer, open_category):
    topic = start_topic(member, open_category)
    mine = reply(topic, peer, "Same words")
    reply(topic, member, "Same words")  # another member's
    reply(topic, peer, "Other words")
    now = timezone.now()

    def twin(body, *, since=None, after=0, by=peer):
        found = statements.SAME_REPLY.run(
            topic=topic.pk, after=after, user=by, since=since or now - timedelta(seconds=30), body=body
        )
        return [p.pk for p in found]

    assert twin("Same words") == [mine.pk]
    assert twin("Same words ") == [] and twin("same words") == [] and twin(HOSTILE) == []
    assert twin("Same words", since=now + timedelta(seconds=1)) == []  # longer ago than the window
    assert twin("Same words", after=mine.number) == []  # further back than the last posts looked at
    assert twin("Same words", by=member) != [mine.pk]
    Post.objects.filter(pk=mine.pk).update(is_deleted=True)
    assert twin("Same words") == []


def test_a_double_click_is_answered_with_the_first_reply(member, peer, open_category):
    topic = start_topic(member, open_category)
    first = services.reply(topic, by=peer, body=HOSTILE)
    second = services.reply(topic, by=peer, body=HOSTILE)
    assert second.pk == first.pk and second.already_posted
    assert Post.objects.filter(topic=topic).count() == 2


def test_the_topic_and_category_move_as_the_orm_would_move_them(member, open_category):
    elsewhere = CategoryFactory(post_count=4)
    topic = start_topic(member, open_category)
    post = Post.objects.get(topic=topic, number=1)
    when = timezone.now() + timedelta(minutes=5)
    changed = statements.TOPIC_REPLIED.run(topic=topic.pk, post=post.pk, now=when, name=HOSTILE)
    assert changed == 1
    topic.refresh_from_db()
    assert (topic.last_post_number, topic.reply_count, topic.last_post_id) == (2, 1, post.pk)
    assert (topic.last_post_at, topic.last_poster_name) == (when, HOSTILE)
    assert statements.TOPIC_REPLIED.run(topic=topic.pk + 1000, post=post.pk, now=when, name="x") == 0

    Category.objects.filter(pk=open_category.pk).update(last_post_at=None)
    before = Category.objects.get(pk=open_category.pk).post_count
    statements.CATEGORY_REPLIED.run(category=open_category.pk, now=when)
    category = Category.objects.get(pk=open_category.pk)
    assert (category.post_count, category.last_post_at) == (before + 1, when)
    # A reply that read the clock earlier but commits later never moves the time back.
    statements.CATEGORY_REPLIED.run(category=open_category.pk, now=when - timedelta(minutes=1))
    category = Category.objects.get(pk=open_category.pk)
    assert (category.post_count, category.last_post_at) == (before + 2, when)
    assert Category.objects.get(pk=elsewhere.pk).post_count == 4  # only that category


def test_writing_marks_watching_and_read_but_a_muted_member_stays_muted(member, peer, open_category):
    topic = start_topic(member, open_category)
    assert statements.WATCH_AFTER_WRITING.run(member=peer.pk, topic=topic.pk, read=3) == 0
    TopicState.objects.create(user=peer, topic=topic, watch_level=WatchLevel.MUTED, last_read_post_number=7)
    assert statements.WATCH_AFTER_WRITING.run(member=peer.pk, topic=topic.pk, read=3) == 1
    state = TopicState.objects.get(user=peer, topic=topic)
    assert (state.watch_level, state.last_read_post_number) == (WatchLevel.MUTED, 7)
    TopicState.objects.filter(pk=state.pk).update(watch_level=WatchLevel.TRACKING)
    statements.WATCH_AFTER_WRITING.run(member=peer.pk, topic=topic.pk, read=9)
    state.refresh_from_db()
    assert (state.watch_level, state.last_read_post_number) == (WatchLevel.WATCHING, 9)
    # The author's own state is untouched.
    author = TopicState.objects.get(user=member, topic=topic)
    assert (author.watch_level, author.last_read_post_number) == (WatchLevel.WATCHING, 1)


def test_only_the_members_own_reply_draft_is_found_and_posting_deletes_it(member, peer, open_category):
    topic = start_topic(member, open_category)
    other = start_topic(member, open_category)
    draft = drafts.save_reply_draft(peer, topic, body="Half a thought")
    drafts.save_reply_draft(member, topic, body="The author's own")
    drafts.save_reply_draft(peer, other, body="Elsewhere")
    assert statements.REPLY_DRAFT.rows(user=peer, topic=topic.pk) == [(draft.pk,)]
    services.reply(topic, by=peer, body="The whole thought")
    assert statements.REPLY_DRAFT.rows(user=peer, topic=topic.pk) == []
    assert statements.REPLY_DRAFT.rows(user=member, topic=topic.pk) != []
    assert statements.REPLY_DRAFT.rows(user=peer, topic=other.pk) != []


def test_a_reply_to_a_topic_removed_meanwhile_is_refused_plainly(member, peer, open_category):
    topic = start_topic(member, open_category)
    Topic.objects.filter(pk=topic.pk).delete()
    with pytest.raises(services.ForumError, match="no longer here"):
        services.reply(topic, by=peer, body="Too late")
    assert not Post.objects.filter(body_markdown="Too late").exists()
