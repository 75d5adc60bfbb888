"""Posting under load (issue 18): a reply is exact at once, searchable and told to its watchers by one task.

The request writes the post and its counters and queues forum.tasks.notify_post
in the same transaction; the worker then notifies the watchers and indexes the
reply. These tests run that task the way the site does (the database backend,
then the worker), fail it and run it again, run it twice, and post twice at once.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier
from unittest.mock import Mock, patch

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from forum import jobs, services, tasks
from forum.models import Category, Notification, Post, Topic, TopicState, WatchLevel
from forum.search_provider import POST_KIND
from search.index import search
from search.models import IndexEntry
from tests.forum.factories import CategoryFactory, prosecutors_category, reply, start_topic

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notebooks"]}
}


def _run_worker():
    """The database worker, in batch mode, in this test's transaction: it must not close the
    connection between tasks, as it does in its own process (on PostgreSQL that ends the test's)."""
    with patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "default")


def _indexed(post):
    return IndexEntry.objects.filter(kind=POST_KIND, key=str(post.pk)).exists()


@pytest.fixture
def watched_topic(role_user):
    author, watcher = role_user("member"), role_user("coordinator")
    topic = start_topic(author, CategoryFactory())
    TopicState.objects.create(user=watcher, topic=topic, watch_level=WatchLevel.WATCHING)
    return topic, author, watcher


@override_settings(TASKS=DATABASE_TASKS)
def test_a_reply_is_exact_at_once_and_searchable_once_its_one_task_has_run(watched_topic, role_user):
    topic, author, watcher = watched_topic
    replier = role_user("researcher")
    post = services.reply(topic, by=replier, body="Interpreters quartzwhistle booked early.")

    topic.refresh_from_db()
    assert (topic.reply_count, topic.last_post_number, topic.last_post_id) == (1, 2, post.pk)
    assert Category.objects.get(pk=topic.category_id).post_count == 2
    # Nothing else waited on in the request: one task, not yet run.
    assert DBTaskResult.objects.filter(task_path="forum.tasks.notify_post").count() == 1
    assert not _indexed(post)
    assert not Notification.objects.filter(post=post).exists()

    _run_worker()

    assert _indexed(post)
    found = search("quartzwhistle", user=watcher)
    assert [hit.url for hit in found.results] == [f"/forum/t/{topic.pk}/p/2/"]
    assert set(Notification.objects.filter(post=post).values_list("user_id", flat=True)) == {
        watcher.pk,
        author.pk,
    }


@override_settings(TASKS=DATABASE_TASKS)
def test_a_reply_whose_task_failed_is_kept_and_caught_up_when_it_runs_again(
    watched_topic, role_user, monkeypatch
):
    topic, _author, watcher = watched_topic
    post = services.reply(topic, by=role_user("researcher"), body="Restitution papers filed.")

    def broken(doc):
        raise ConnectionError("index unavailable")

    monkeypatch.setattr("forum.search_provider.index_document", broken)
    _run_worker()
    assert DBTaskResult.objects.get(task_path="forum.tasks.notify_post").status == "FAILED"
    # The post and its counters stand; only the index waits.
    topic.refresh_from_db()
    assert topic.last_post_id == post.pk and topic.reply_count == 1
    assert not _indexed(post)

    monkeypatch.undo()
    # Too young for the catch-up: its task may still be in the queue.
    assert jobs.catch_up_new_posts() == 0
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert jobs.catch_up_new_posts() == 1
    assert _indexed(post)
    # The fan-out had run before the index failed; running it again told nobody twice.
    assert Notification.objects.filter(post=post, user=watcher).count() == 1
    assert jobs.catch_up_new_posts() == 0


def test_watchers_are_notified_once_even_when_the_task_runs_twice(
    watched_topic, role_user, django_capture_on_commit_callbacks
):
    topic, author, watcher = watched_topic
    with django_capture_on_commit_callbacks(execute=True):  # the tests' immediate backend runs it once
        post = reply(topic, role_user("researcher"))
    tasks.notify_post.call(post.pk)
    tasks.notify_post.call(post.pk)
    assert sorted(Notification.objects.filter(post=post).values_list("user_id", flat=True)) == sorted(
        [watcher.pk, author.pk]
    )
    assert IndexEntry.objects.filter(kind=POST_KIND, key=str(post.pk)).count() == 1


@override_settings(TASKS=DATABASE_TASKS)
def test_a_reply_hidden_before_its_task_runs_never_reaches_the_index(watched_topic, role_user):
    topic, _author, _watcher = watched_topic
    post = services.reply(topic, by=role_user("researcher"), body="A reply a moderator hides at once.")
    services.set_post_visibility(post, by=role_user("moderator"), hidden=True)
    _run_worker()
    assert not _indexed(post)
    assert not Notification.objects.filter(post=post).exists()


@override_settings(TASKS=DATABASE_TASKS)
def test_a_held_reply_of_a_new_member_stays_out_of_the_index_and_the_catch_up(watched_topic, role_user):
    topic, _author, watcher = watched_topic
    newcomer = role_user("member")
    newcomer.decided_at = timezone.now()
    newcomer.save(update_fields=["decided_at"])
    post = services.reply(topic, by=newcomer, body="My first reply.")
    assert Post.objects.get(pk=post.pk).awaiting_approval
    _run_worker()
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert jobs.catch_up_new_posts() == 0
    assert not _indexed(post)
    assert not search("first reply", user=watcher).results


def test_a_hostile_reply_is_indexed_as_text(watched_topic, role_user, django_capture_on_commit_callbacks):
    topic, _author, _watcher = watched_topic
    with django_capture_on_commit_callbacks(execute=True):
        post = reply(
            topic, role_user("researcher"), body="<script>alert(1)</script> '; DROP TABLE forum_post; --"
        )
    entry = IndexEntry.objects.get(kind=POST_KIND, key=str(post.pk))
    assert "<script>" not in entry.text and "DROP TABLE forum_post" in entry.text
    assert Post.objects.filter(pk=post.pk).exists()


def test_a_double_click_posts_one_reply(client, watched_topic, role_user):
    topic, _author, _watcher = watched_topic
    replier = role_user("researcher")
    client.force_login(replier)
    url = f"/forum/t/{topic.pk}/reply/"
    first = client.post(url, {"body": "Same words, sent twice."})
    second = client.post(url, {"body": "Same words, sent twice."})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/forum/t/{topic.pk}/p/2/"
    topic.refresh_from_db()
    assert Post.objects.filter(topic=topic).count() == 2 and topic.reply_count == 1
    # Other words are another reply; so are the same words a while later.
    assert client.post(url, {"body": "Something else."})["Location"] == f"/forum/t/{topic.pk}/p/3/"
    Post.objects.filter(topic=topic, number=2).update(created_at=timezone.now() - timedelta(minutes=5))
    assert client.post(url, {"body": "Same words, sent twice."})["Location"] == f"/forum/t/{topic.pk}/p/4/"
    topic.refresh_from_db()
    assert (topic.reply_count, topic.last_post_number) == (3, 4)


def test_the_same_words_from_another_member_are_their_own_reply(watched_topic, role_user):
    topic, _author, _watcher = watched_topic
    one = reply(topic, role_user("researcher"), body="Agreed.")
    two = reply(topic, role_user("editor"), body="Agreed.")
    assert one.pk != two.pk and two.number == 3


def test_a_reply_answers_with_a_bounded_number_of_queries(
    client, watched_topic, role_user, django_assert_max_num_queries
):
    topic, _author, _watcher = watched_topic
    replier = role_user("researcher")
    reply(topic, replier, body="An earlier reply, so the member's state exists.")
    client.force_login(replier)
    client.get(f"/forum/t/{topic.pk}/reply/")  # the session's first request writes it
    with override_settings(TASKS=DATABASE_TASKS), django_assert_max_num_queries(19):
        response = client.post(f"/forum/t/{topic.pk}/reply/", {"body": "Counted queries."})
    assert response.status_code == 302


def test_the_category_keeps_its_latest_post_time(watched_topic, role_user):
    topic, _author, _watcher = watched_topic
    later = timezone.now() + timedelta(hours=1)
    Category.objects.filter(pk=topic.category_id).update(last_post_at=later)
    reply(topic, role_user("researcher"))
    assert Category.objects.get(pk=topic.category_id).last_post_at == later
    Category.objects.filter(pk=topic.category_id).update(last_post_at=None)
    post = reply(topic, role_user("editor"))
    assert Category.objects.get(pk=topic.category_id).last_post_at == post.created_at


def test_a_guessed_reply_url_gives_outsiders_nothing(client, role_user, prosecutor):
    secret = start_topic(prosecutor, prosecutors_category())
    client.force_login(role_user("researcher"))
    response = client.post(f"/forum/t/{secret.pk}/reply/", {"body": "Let me in."})
    assert response.status_code == 404
    assert Post.objects.filter(topic=secret).count() == 1
    assert not DBTaskResult.objects.exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real threads")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_post_at_the_same_moment_makes_one_reply(role_user):
    topic = start_topic(role_user("member"), CategoryFactory())
    replier = role_user("researcher")
    start = Barrier(2)

    def post():
        start.wait()
        try:
            return services.reply(topic, by=replier, body="Clicked twice.").pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: post(), range(2)))
    assert results[0] == results[1]
    topic.refresh_from_db()
    assert (topic.reply_count, topic.last_post_number) == (1, 2)
    assert Topic.objects.get(pk=topic.pk).last_post_id == results[0]


def test_a_queue_that_cannot_be_reached_never_turns_a_stored_reply_into_an_error(
    client, watched_topic, role_user, django_capture_on_commit_callbacks
):
    """With RQ the task is queued once the reply commits; Redis down past its retries is logged, the
    reply answers as posted, and the catch-up job queues the task later."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    topic, _author, _watcher = watched_topic
    client.force_login(role_user("researcher"))
    queue = Mock(name="notify_post")  # as RQ's backend: not the database's, so queued on commit
    queue.enqueue.side_effect = RedisConnectionError("Connection refused")
    with (
        patch.object(tasks, "notify_post", queue),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(f"/forum/t/{topic.pk}/reply/", {"body": "Posted while Redis restarts."})
    assert response.status_code == 302 and response["Location"] == f"/forum/t/{topic.pk}/p/2/"
    assert callbacks and queue.enqueue.called, "the task was to be queued after the commit"
    assert Post.objects.get(topic=topic, number=2).body_markdown == "Posted while Redis restarts."
