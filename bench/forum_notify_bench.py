"""Forum notifications at scale: the daily digest for 10,000 members and the fan-out of one post to
a category watched by 2,000 of them.

Every digest item is checked against forum.access when it is sent, so the
digest's cost grows with members and items; these figures say how long the
daily job takes and what one member's digest costs. Emails go to Django's
in-memory backend, so SMTP time is not in the figures.
"""

import random
import statistics
import time

from django.contrib.auth.models import Group
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from forum import services, tasks
from forum.access import PROSECUTORS
from forum.models import (
    Category,
    CategoryPermission,
    CategoryState,
    EmailFrequency,
    Notification,
    NotificationPreference,
    Post,
    Topic,
    WatchLevel,
    fill_root_categories,
)
from forum.notifications import services as notifications
from members.models import User
from members.roles import MEMBER

FULL = {"members": 10_000, "topics": 2_000, "items_per_member": 5, "watchers": 2_000, "repeats": 20}
SMOKE = {"members": 60, "topics": 20, "items_per_member": 3, "watchers": 20, "repeats": 3}


def _members(count):
    now = timezone.now()
    users = User.objects.bulk_create(
        User(
            email=f"bench-notify-{n}@example.org",
            full_name=f"Bench Notify {n}",
            agency="Bench agency",
            status=User.Status.APPROVED,
            decided_at=now,
        )
        for n in range(count)
    )
    users = list(User.objects.filter(email__startswith="bench-notify-").order_by("pk"))
    member, prosecutors = Group.objects.get(name=MEMBER), Group.objects.get(name=PROSECUTORS)
    through = User.groups.through
    rows = [through(user_id=u.pk, group_id=member.pk) for u in users]
    # One in ten is a prosecutor, so the restricted category has readers.
    rows += [through(user_id=u.pk, group_id=prosecutors.pk) for u in users[::10]]
    through.objects.bulk_create(rows, batch_size=2000)
    # A fifth chose immediate email, a tenth none; the rest keep the default digest.
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=u, email=EmailFrequency.IMMEDIATE) for u in users[1::5]]
        + [NotificationPreference(user=u, email=EmailFrequency.NONE) for u in users[2::10]],
        batch_size=2000,
    )
    return users


def _topics(count, author):
    open_category = Category.objects.create(name="Bench open", slug="bench-open")
    closed = Category.objects.create(name="Bench prosecutors", slug="bench-prosecutors")
    CategoryPermission.objects.create(category=closed, group=Group.objects.get(name=PROSECUTORS))
    now = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(
            title=f"Bench topic {n}",
            category=closed if n % 5 == 0 else open_category,
            author=author,
            author_name=author.full_name,
            last_post_number=1,
        )
        for n in range(count)
    )
    fill_root_categories()  # bulk_create skips Topic.save
    topics = list(Topic.objects.filter(title__startswith="Bench topic ").order_by("pk"))
    body = "<p>We keep a roster of certified interpreters and call them before the interview.</p>"
    Post.objects.bulk_create(
        (
            Post(
                topic=t,
                number=1,
                author=author,
                author_name=author.full_name,
                body_markdown=body,
                body_html=body,
            )
            for t in topics
        ),
        batch_size=2000,
    )
    posts = list(Post.objects.filter(topic__in=topics).order_by("topic_id"))
    return open_category, topics, posts, now


def _notifications(users, posts, per_member, rng, now):
    rows = []
    for user in users:
        for post in rng.sample(posts, per_member):
            rows.append(
                Notification(
                    user=user,
                    kind=Notification.Kind.WATCHED_POST,
                    topic_id=post.topic_id,
                    post=post,
                    actor_name="Bench author",
                    created_at=now,
                )
            )
    Notification.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _fan_out_ms(post_id) -> float:
    started = time.perf_counter()
    notifications.fan_out(post_id)
    return (time.perf_counter() - started) * 1000


def run(smoke: bool) -> dict:
    sizes = SMOKE if smoke else FULL
    rng = random.Random(20261128)
    figures = {}
    started = time.perf_counter()
    users = _members(sizes["members"])
    author = users[0]
    open_category, topics, posts, now = _topics(sizes["topics"], author)
    figures["members"] = len(users)
    figures["unread notifications"] = _notifications(users, posts, sizes["items_per_member"], rng, now)
    figures["setup (s)"] = time.perf_counter() - started

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        started = time.perf_counter()
        sent = notifications.send_daily_digests()
        elapsed = time.perf_counter() - started
        figures["digests sent"] = sent
        figures["daily digest job (s)"] = elapsed
        figures["per digest (ms)"] = elapsed * 1000 / max(sent, 1)
        started = time.perf_counter()
        figures["second run sends"] = notifications.send_daily_digests()
        figures["second run (s)"] = time.perf_counter() - started

        watchers = users[1 : sizes["watchers"] + 1]
        CategoryState.objects.bulk_create(
            [
                CategoryState(user=u, category=open_category, watch_level=WatchLevel.WATCHING)
                for u in watchers
            ],
            batch_size=2000,
        )
        topic = next(t for t in topics if t.category_id == open_category.pk)
        samples = []
        queue = tasks.defer_notify
        # Time the fan-out itself, not the one the reply would queue on commit.
        tasks.defer_notify = lambda post_id: None
        try:
            for n in range(sizes["repeats"]):
                with transaction.atomic():
                    post = services.reply(topic, by=author, body=f"Bench reply {n}")
                # A new member's post may wait for a moderator; this one is approved.
                Post.objects.filter(pk=post.pk).update(awaiting_approval=False)
                samples.append(_fan_out_ms(post.pk))
        finally:
            tasks.defer_notify = queue
        figures["fan-out to category watchers"] = len(watchers)
        figures["fan-out incl. immediate emails: median ms"] = statistics.median(samples)
        figures["fan-out incl. immediate emails: max ms"] = max(samples)
    return figures
