"""Who hears about a new post, worked out after it is saved: watchers, members mentioned, and the quoted.

Mentions are written @first-last (the member's name, lower case, spaces as
hyphens) and resolve only when exactly one member has that name. Every
recipient is checked when the fan-out runs, not when the post was written: a
member who has since left, or who cannot read the category, gets nothing, and
a mention of them reveals nothing.
"""

import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from forum import access
from forum.models import Notification, Post, TopicState, WatchLevel
from members.access import is_member
from members.models import User

MENTION = re.compile(r"(?<![\w@/])@([a-z][a-z'.]*(?:-[a-z][a-z'.]*){0,4})", re.IGNORECASE)
MAX_MENTIONS = 10


def mention_handle(user) -> str:
    return "-".join((user.full_name or "").lower().split())


def mentioned_names(text: str) -> list[str]:
    """The names @mentioned in Markdown text, outside code, at most MAX_MENTIONS."""
    without_code = re.sub(r"```.*?```|`[^`]*`", " ", text or "", flags=re.DOTALL)
    handles = dict.fromkeys(match.group(1).lower() for match in MENTION.finditer(without_code))
    return [handle.replace("-", " ") for handle in list(handles)[:MAX_MENTIONS]]


def _mentioned_users(text: str) -> list[User]:
    names = mentioned_names(text)
    if not names:
        return []
    query = Q()
    for name in names:
        query |= Q(full_name__iexact=name)
    by_name = {}
    for user in User.objects.filter(query, is_active=True, status=User.Status.APPROVED):
        by_name.setdefault(user.full_name.lower(), []).append(user)
    # An ambiguous name notifies nobody rather than the wrong person.
    return [users[0] for users in by_name.values() if len(users) == 1]


def fan_out(post_id: int) -> int:
    """Create the notifications for one new post; returns how many were created."""
    post = Post.objects.select_related("topic", "quoted_post").filter(pk=post_id).first()
    if post is None or post.is_deleted or post.is_hidden or post.awaiting_approval:
        return 0
    topic = post.topic
    states = {
        state.user_id: state.watch_level
        for state in TopicState.objects.filter(topic=topic).exclude(watch_level=WatchLevel.NORMAL)
    }
    wanted = {}
    for user_id, level in states.items():
        if level == WatchLevel.WATCHING:
            wanted[user_id] = Notification.Kind.WATCHED_POST
    if (
        post.quoted_post
        and post.quoted_post.author_id
        and states.get(post.quoted_post.author_id) != WatchLevel.MUTED
    ):
        wanted[post.quoted_post.author_id] = Notification.Kind.REPLY
    for user in _mentioned_users(post.body_markdown):
        if states.get(user.pk) != WatchLevel.MUTED:
            wanted[user.pk] = Notification.Kind.MENTION
    wanted.pop(post.author_id, None)
    # Two small queries per recipient (groups, category rights); this runs in a task, not the request.
    recipients = User.objects.filter(pk__in=wanted)
    notifications = [
        Notification(
            user=user,
            kind=wanted[user.pk],
            topic=topic,
            post=post,
            actor_name=post.author_name,
            created_at=post.created_at,
        )
        for user in recipients
        if is_member(user) and access.can_read_topic(user, topic)
    ]
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    return len(notifications)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user) -> int:
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
