"""The forum benchmark still runs: at smoke size it builds a forum whose counters and pointers agree with
its rows, measures every page without an error, and serves the load test with none either."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Sum
from django.test import override_settings

from bench import forum_bench, forum_data
from bench.__main__ import discover
from forum.models import Category, Notification, Post, PostReaction, Topic, TopicState
from forum.search_provider import POST_KIND, TOPIC_KIND
from search.models import IndexEntry


def test_the_runner_finds_the_forum_bench():
    assert "forum" in discover()


def _assert_counters_match_rows():
    posts = {
        row["topic_id"]: row
        for row in Post.objects.values("topic_id").annotate(
            n=Count("id"), last=Max("id"), top=Max("number"), helpful=Sum("helpful_count")
        )
    }
    for topic in Topic.objects.all():
        row = posts[topic.pk]
        assert topic.last_post_number == row["top"] == row["n"], topic.pk
        assert topic.reply_count == row["n"] - 1, topic.pk
        assert topic.last_post_id == row["last"], topic.pk
        assert topic.helpful_count == row["helpful"], topic.pk
        last = Post.objects.get(pk=topic.last_post_id)
        assert (topic.last_poster_name, topic.last_post_at) == (last.author_name, last.created_at)
        if topic.accepted_post_id:
            accepted = Post.objects.get(pk=topic.accepted_post_id)
            assert accepted.topic_id == topic.pk and accepted.number > 1
            assert topic.kind == Topic.Kind.QUESTION
        if topic.kind == Topic.Kind.QUESTION:
            assert topic.tags.exists(), f"question {topic.pk} has no tag"
    reactions = dict(PostReaction.objects.values_list("post_id").annotate(n=Count("id")))
    for post in Post.objects.filter(helpful_count__gt=0):
        assert reactions[post.pk] == post.helpful_count
    assert not PostReaction.objects.exclude(post__helpful_count__gt=0).exists()
    for category in Category.objects.filter(slug__startswith="bench-"):
        topics = Topic.objects.filter(category=category)
        assert category.topic_count == topics.count()
        assert category.post_count == (topics.aggregate(n=Sum("last_post_number"))["n"] or 0)


# serialized_rollback: its flush at the end must not re-create content types through
# post_migrate, or the next serialized test (test_concurrency) restores duplicates of them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_forum_bench_runs_at_smoke_size():
    figures = forum_bench.run(smoke=True)

    sizes = forum_data.SMOKE
    replies_posted = forum_bench.SMOKE["posts"] + 1  # the measured ones and the warm-up
    assert figures["members"] == sizes["members"]
    assert figures["topics"] == Topic.objects.count() == sizes["topics"]
    assert figures["posts"] == sizes["posts"]
    assert Post.objects.count() == sizes["posts"] + replies_posted
    # Every topic and reply is findable, including the replies the bench posted through the site,
    # once the worker has run their tasks (forum.tasks.notify_post indexes them).
    with override_settings(TASKS=forum_bench.DATABASE_TASKS):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "default")
    assert IndexEntry.objects.filter(kind=TOPIC_KIND).count() == sizes["topics"]
    assert (
        IndexEntry.objects.filter(kind=POST_KIND).count() == sizes["posts"] - sizes["topics"] + replies_posted
    )
    _assert_counters_match_rows()

    big = Topic.objects.order_by("pk").first()
    assert big.reply_count == sizes["big_topic_replies"]
    assert TopicState.objects.filter(topic=big, last_read_post_number=big.last_post_number).exists()
    assert figures["notifications of the measured member"] == sizes["notifications"]
    assert figures["unread notifications"] == sizes["notifications"] // 5

    assert figures["errors"] == 0
    for page in ("category list", "latest", "topic first page", "notifications list", "search 'restitution'"):
        assert 0 < figures[f"{page}: median ms"] <= figures[f"{page}: p95 ms"]
        assert figures[f"{page}: queries"] > 0
    # The forum's promise: a topic page costs the same number of queries wherever it is.
    assert figures["topic first page: queries"] == figures["topic last page: queries"]
    assert figures["topic middle page: queries"] == figures["topic last page: queries"]
    # Unread views and replies queue work (read positions, the fan-out) instead of doing it.
    assert figures["read positions queued by unread views"] > 0
    assert figures["fan-out tasks queued by replies"] == replies_posted
    assert figures["notifications created by that fan-out"] > 0
    assert Notification.objects.filter(post=Post.objects.order_by("-pk").first()).exists()

    for run in ("topic page, signed in", "topic page, signed in, unread", "bare 10 KB view"):
        assert figures[f"load {run}: requests"] > 0
        assert figures[f"load {run}: errors"] == 0
        assert figures[f"load {run}: req/s"] > 0
    assert figures["server log: 'database is locked'"] == 0
