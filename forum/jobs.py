"""The forum's periodic jobs, run by the scheduler: the daily email digest, and catching up on new posts
whose background task failed or was lost."""

import logging
from datetime import timedelta

from django.utils import timezone

from forum import tasks
from forum.models import Post
from forum.notifications import services as notifications
from forum.search_provider import POST_KIND
from scheduler.registry import periodic
from search.models import IndexEntry

logger = logging.getLogger(__name__)


@periodic(name="forum.daily_digest", every=timedelta(days=1))
def daily_digest():
    """Email each member who chose the digest what they have not read. Safe to run twice a day: one email."""
    sent = notifications.send_daily_digests()
    logger.info("Sent %d forum digest(s).", sent)
    return sent


# The newest replies looked at: the catch-up reads them by primary key, so its cost stays the same
# however large the forum grows; far more than are written between two runs.
CATCH_UP_POSTS = 2000
CATCH_UP_WINDOW = timedelta(days=1)
CATCH_UP_AFTER = timedelta(minutes=2)


@periodic(name="forum.catch_up_new_posts", every=timedelta(minutes=10))
def catch_up_new_posts():
    """Run notify_post again for recent visible replies still missing from the search index.

    notify_post writes the index entry last, so a reply without one is a reply whose task
    failed or was lost (a worker killed mid-task). Both its steps are safe to run twice: a
    watcher already told is not told again.
    """
    now = timezone.now()
    newest = list(Post.objects.order_by("-pk").values_list("pk", flat=True)[:CATCH_UP_POSTS])
    visible = set(
        Post.objects.filter(
            pk__in=newest,
            created_at__gte=now - CATCH_UP_WINDOW,
            # Younger ones may still be waiting for the worker.
            created_at__lte=now - CATCH_UP_AFTER,
            number__gt=1,
            is_deleted=False,
            is_hidden=False,
            awaiting_approval=False,
            topic__is_deleted=False,
            topic__awaiting_approval=False,
        ).values_list("pk", flat=True)
    )
    indexed = set(
        IndexEntry.objects.filter(kind=POST_KIND, key__in=[str(pk) for pk in visible]).values_list(
            "key", flat=True
        )
    )
    missing = sorted(pk for pk in visible if str(pk) not in indexed)
    for pk in missing:
        tasks.notify_post.call(pk)
    if missing:
        logger.warning("Caught up on %d post(s) whose index and notification task had not run.", len(missing))
    return len(missing)
