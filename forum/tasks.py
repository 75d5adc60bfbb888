"""Background work for the forum: read positions recorded after the page that moved them was served,
the search index entry and the notification fan-out of each new post, and the immediate emails.

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
from django_tasks_db import DatabaseBackend

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
    """A new (or newly approved) post, after its request: into the search index, then the fan-out.

    Both steps may run again (a retry, a task queued twice): the index entry is an upsert of the
    post as it now is, and a member has at most one notification per post (the table's constraint).
    """
    # The fan-out first: the index entry, written last, says both are done (forum.jobs catches up
    # on a post without one, whichever step failed).
    notified = notifications.fan_out(post_id)
    index_post(post_id)
    return notified


def index_post(post_id: int) -> None:
    """Put a post in the search index as it is now, or take it out if it may no longer be found.

    The post's and its topic's rows are locked while the entry is written, as the moderation
    actions that hide or delete them lock them: a post hidden while this runs is indexed as hidden.
    """
    # Imported here: forum.search_provider imports the models, which import this module's callers.
    from forum import search_provider
    from forum.models import Post

    with transaction.atomic():
        post = (
            Post.objects.select_for_update(of=("self", "topic"))
            .select_related("topic")
            .filter(pk=post_id)
            .first()
        )
        if post is not None:
            search_provider.sync_post(post, post.topic)


def defer_notify(post_id: int) -> None:
    """Queue notify_post for a post being written, so posting waits for neither the index nor the fan-out.

    With the database backend the task's row goes in the post's own transaction: both are
    committed, or neither, and no second write follows the commit. Another backend (RQ) is
    asked only once the post is committed, so its worker never looks for a post not yet there.
    """
    if isinstance(notify_post.get_backend(), DatabaseBackend):
        notify_post.enqueue(post_id)
    else:
        # robust: a queue that cannot be reached (Redis down past its retries) must not turn a reply
        # already committed into an error page; forum.catch_up_new_posts runs the task later.
        transaction.on_commit(lambda: notify_post.enqueue(post_id), robust=True)


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """Email members who chose immediate email; access is checked again as each one is sent."""
    return notifications.send_immediate(notification_ids)


@task()
def rescope_category(category_id: int) -> int:
    """After a category's permissions or place change: its entries in the site index carry its scope."""
    from forum import search_provider

    return search_provider.rescope_category(category_id)
