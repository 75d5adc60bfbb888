"""Members acting at the same moment: one accepted answer wins, and no reply or count is lost.

These need real concurrent transactions and row locks, so they run on
PostgreSQL (DATABASE_URL=postgres://…) and are skipped on SQLite, whose
in-memory test database cannot be shared between threads.
"""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection, connections

from forum import services
from forum.models import Category, Post, Topic
from tests.forum.factories import CategoryFactory, reply, start_topic

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real threads"
    ),
    # Transactional tests flush the tables; this restores the migrations' groups and vocabulary.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _run_together(calls):
    start = Barrier(len(calls))

    def run(call):
        start.wait()
        try:
            return call()
        except services.ForumError as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_people_accepting_different_answers_at_once_leave_one_accepted(role_user):
    asker, moderator = role_user("member"), role_user("moderator")
    category = CategoryFactory()
    for attempt in range(5):
        topic = start_topic(asker, category, title=f"Race {attempt}")
        first, second = reply(topic, role_user("coordinator")), reply(topic, role_user("researcher"))
        results = _run_together(
            [
                lambda topic=topic, post=first: services.accept_answer(topic, post, by=asker),
                lambda topic=topic, post=second: services.accept_answer(topic, post, by=moderator),
            ]
        )
        winners = [r for r in results if isinstance(r, Topic)]
        losers = [r for r in results if isinstance(r, services.ForumError)]
        assert len(winners) == 1 and len(losers) == 1
        assert "already accepted" in str(losers[0])
        assert Topic.objects.get(pk=topic.pk).accepted_post_id == winners[0].accepted_post.pk


def test_concurrent_replies_lose_nothing_and_keep_counters_exact(role_user):
    author = role_user("member")
    writers = [role_user("coordinator"), role_user("researcher"), role_user("editor"), role_user("tta_staff")]
    category = CategoryFactory()
    topic = start_topic(author, category)
    per_writer = 10

    def write(writer):
        return lambda: [services.reply(topic, by=writer, body=f"Reply {n}") for n in range(per_writer)]

    results = _run_together([write(writer) for writer in writers])
    assert not [r for r in results if isinstance(r, Exception)]
    total = len(writers) * per_writer
    topic.refresh_from_db()
    numbers = sorted(Post.objects.filter(topic=topic).values_list("number", flat=True))
    assert numbers == list(range(1, total + 2))
    assert topic.reply_count == total and topic.last_post_number == total + 1
    assert topic.last_post.number == total + 1
    assert Category.objects.get(pk=category.pk).post_count == total + 1


def test_helpful_clicked_twice_at_once_counts_once(role_user):
    author, reader = role_user("member"), role_user("coordinator")
    topic = start_topic(author, CategoryFactory())
    answer = reply(topic, role_user("researcher"))
    results = _run_together([lambda: services.mark_helpful(answer, by=reader)] * 2)
    assert sorted(results) == [False, True]
    assert Post.objects.get(pk=answer.pk).helpful_count == 1
