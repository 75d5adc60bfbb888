"""Background work for the forum: read positions recorded after the page that moved them was served,
the notification fan-out for each new post, and the immediate emails it leads to.

Reading a topic must not write in the request (under load on SQLite that is
what made Spirit fail with "database is locked"). The topic view only enqueues
record_read, on commit, and only when the page moves the member's position
forward, once per member, topic and post number until the worker has run;
re-reading writes nothing. With the rq backend the enqueue touches Redis, not
the database.
"""

from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from forum.notifications import services as notifications


@task()
def record_read(user_id: int, topic_id: int, number: int) -> None:
    # Imported here: forum.services queues this module's tasks.
    from forum import services

    services.record_read(user_id, topic_id, number)
    # Recorded: the page may queue this position again, for a notification that arrives later
    # (an answer accepted in a topic already read).
    cache.delete(_queued_key(user_id, topic_id, number))


# A page re-opened before the worker has recorded it would queue the same write again
# (refreshes, a slow worker): one queued write per member, topic and post number is
# enough. The key expires, so a write lost with a dead worker is queued again later.
READ_QUEUED_SECONDS = 60


def _queued_key(user_id: int, topic_id: int, number: int) -> str:
    return f"forum:read-queued:{user_id}:{topic_id}:{number}"


def defer_read(user_id: int, topic_id: int, number: int) -> None:
    def enqueue():
        if cache.add(_queued_key(user_id, topic_id, number), True, READ_QUEUED_SECONDS):
            record_read.enqueue(user_id, topic_id, number)

    transaction.on_commit(enqueue)


@task()
def notify_post(post_id: int) -> int:
    return notifications.fan_out(post_id)


def defer_notify(post_id: int) -> None:
    """Queue the fan-out once the post is committed, so posting never waits for it."""
    transaction.on_commit(lambda: notify_post.enqueue(post_id))


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """Email members who chose immediate email; access is checked again as each one is sent."""
    return notifications.send_immediate(notification_ids)


@task()
def rescope_category(category_id: int) -> int:
    """After a category's permissions or place change: its entries in the site index carry its scope."""
    from forum import search_provider

    return search_provider.rescope_category(category_id)
