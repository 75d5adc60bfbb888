"""Who hears about a new post, worked out after it is saved: watchers, members mentioned, and the quoted;
and the emails that tell them: one per notification, or a daily digest, as each member chooses.

Mentions are written @first-last (the member's name, lower case, spaces as
hyphens) and resolve only when exactly one member has that name. Every
recipient is checked when the fan-out runs, not when the post was written: a
member who has since left, or who cannot read the category, gets nothing, and
a mention of them reveals nothing.

Emails are checked again when they are sent (forum.access.may_be_emailed_about),
item by item: between the post and the email a member may have been
deactivated or lost the group that reads the category, and an email must never
quote members-only text to an address that is no longer a member's. Each
notification is emailed at most once (Notification.emailed_at is claimed
before sending) and each member gets at most one digest a day (DigestDelivery).
"""

import html
import re
from itertools import groupby

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from forum import access
from forum.models import (
    CategoryState,
    DigestDelivery,
    EmailFrequency,
    Notification,
    NotificationPreference,
    Post,
    TopicState,
    WatchLevel,
)
from forum.rendering import plain_text
from members.access import is_member
from members.models import User

MENTION = re.compile(r"(?<![\w@/])@([a-z][a-z'.]*(?:-[a-z][a-z'.]*){0,4})", re.IGNORECASE)
MAX_MENTIONS = 10


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
    by_name: dict[str, list] = {}
    for user in User.objects.filter(query, is_active=True, status=User.Status.APPROVED):
        by_name.setdefault(user.full_name.lower(), []).append(user)
    # An ambiguous name notifies nobody rather than the wrong person.
    return [users[0] for users in by_name.values() if len(users) == 1]


def watch_levels(topic) -> dict[int, str]:
    """Every member's effective level for this topic, other than plain normal.

    The topic's own level wins; otherwise the level of its category, or of the
    parent category when the sub-category has none (Discourse's rule). Two queries.
    """
    category = topic.category
    categories = [category.pk, category.parent_id] if category.parent_id else [category.pk]
    levels: dict[int, str] = {}
    # The parent first, so the sub-category's own level replaces it.
    category_state: CategoryState
    for category_state in sorted(
        CategoryState.objects.filter(category_id__in=categories).exclude(watch_level=WatchLevel.NORMAL),
        key=lambda state: state.category_id == category.pk,
    ):
        levels[category_state.user_id] = category_state.watch_level
    for state in TopicState.objects.filter(topic=topic).filter(
        Q(level_chosen=True) | ~Q(watch_level=WatchLevel.NORMAL)
    ):
        levels[state.user_id] = state.watch_level
    return {user_id: level for user_id, level in levels.items() if level != WatchLevel.NORMAL}


def fan_out(post_id: int) -> int:
    """Create the notifications for one new post; returns how many were created."""
    post = Post.objects.select_related("topic", "topic__category", "quoted_post").filter(pk=post_id).first()
    if post is None or post.is_deleted or post.is_hidden or post.awaiting_approval:
        return 0
    topic = post.topic
    states = watch_levels(topic)
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
    # Every recipient's groups in one query; their rights then come from forum.access's shared
    # results (one query per distinct set of groups), so the queries do not grow with watchers.
    recipients = list(User.objects.filter(pk__in=wanted).select_related("forum_preference"))
    access.load_groups(recipients)
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
    _queue_immediate_emails(post, [n.user for n in notifications])
    return len(notifications)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user) -> int:
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# Email ---------------------------------------------------------------------------------------------

UNSUBSCRIBE_SALT = "forum.email.unsubscribe"
EXCERPT_CHARS = 400
MAX_DIGEST_ITEMS = 100
SUBJECT_PREFIX = "[Task Force Commons] "


def email_frequency(user) -> str:
    """The member's choice; uses a select_related("forum_preference") row when the caller loaded one."""
    try:
        return user.forum_preference.email
    except NotificationPreference.DoesNotExist:
        return NotificationPreference.DEFAULT


def set_email_frequency(user, frequency: str) -> None:
    if frequency not in EmailFrequency.values:
        raise ValueError(f"Unknown email frequency {frequency!r}")
    NotificationPreference.objects.update_or_create(user=user, defaults={"email": frequency})
    # Forget a cached reverse one-to-one, so the next read sees the change.
    user._state.fields_cache.pop("forum_preference", None)


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe_token(token: str):
    """The member a link from an email belongs to, or None for a forged or mangled link."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def _queue_immediate_emails(post, recipients) -> None:
    wanting = [user.pk for user in recipients if email_frequency(user) == EmailFrequency.IMMEDIATE]
    if not wanting:
        return
    from forum.tasks import email_notifications

    ids = list(Notification.objects.filter(post=post, user_id__in=wanting).values_list("pk", flat=True))
    transaction.on_commit(lambda: email_notifications.enqueue(ids))


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _excerpt(post) -> str:
    text = html.unescape(plain_text(post.body_html))
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _describe(item) -> str:
    if item.kind == Notification.Kind.MENTION:
        return f"{item.actor_name} mentioned you"
    if item.kind == Notification.Kind.REPLY:
        return f"{item.actor_name} replied to your post"
    if item.kind == Notification.Kind.ACCEPTED:
        return f"{item.actor_name} accepted your answer"
    return f"{item.actor_name} posted"


def _send(user, subject: str, template: str, context: dict) -> None:
    unsubscribe_url = _absolute(reverse("forum:unsubscribe", args=[unsubscribe_token(user)]))
    context = {
        **context,
        "user": user,
        "site_url": settings.SITE_URL,
        "preferences_url": _absolute(reverse("forum:preferences")),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        SUBJECT_PREFIX + subject,
        render_to_string(f"forum/email/{template}.txt", context),
        None,
        [user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )
    message.attach_alternative(render_to_string(f"forum/email/{template}.html", context), "text/html")
    message.send()


def _entry(item) -> dict:
    return {
        "what": _describe(item),
        "excerpt": _excerpt(item.post),
        "url": _absolute(reverse("forum:post", args=[item.topic_id, item.post.number])),
        "created_at": item.created_at,
    }


def send_immediate(notification_ids) -> int:
    """Email each of these notifications to its member, if they still want it and may still read it."""
    items = (
        Notification.objects.filter(
            pk__in=list(notification_ids), emailed_at__isnull=True, read_at__isnull=True
        )
        .select_related("user", "user__forum_preference", "topic", "post")
        .order_by("pk")
    )
    sent = 0
    for item in items:
        user = item.user
        if email_frequency(user) != EmailFrequency.IMMEDIATE:
            continue
        # Claim first: a retried or duplicated task finds it taken and sends nothing.
        if not Notification.objects.filter(pk=item.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            continue
        if not access.may_be_emailed_about(user, item.topic, item.post):
            continue
        subject = f"{_describe(item)} in “{item.topic.title}”"
        _send(user, subject, "notification", {"topic": item.topic, "item": _entry(item)})
        sent += 1
    return sent


def _digest_recipients():
    """Members with something unread and not yet emailed, who chose the digest (or never chose)."""
    waiting = Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
    opted_out = NotificationPreference.objects.exclude(email=EmailFrequency.DIGEST).values("user_id")
    user_ids = waiting.exclude(user_id__in=opted_out).values("user_id")
    return User.objects.filter(pk__in=user_ids).order_by("pk")


def send_daily_digests(day=None) -> int:
    """The daily job: one digest per member who has unread notifications; returns how many were sent."""
    day = day or timezone.now().date()
    return sum(send_digest(user, day) for user in _digest_recipients().iterator(chunk_size=200))


def send_digest(user, day) -> bool:
    """Email this member what they have not read, grouped by topic; at most once per day."""
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery = DigestDelivery.objects.create(user=user, day=day, sent_at=now)
        except IntegrityError:
            return False
        items = list(
            Notification.objects.filter(user=user, read_at__isnull=True, emailed_at__isnull=True)
            .select_related("topic", "post")
            .order_by("-created_at", "-pk")[:MAX_DIGEST_ITEMS]
        )
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=now)
        readable = [item for item in items if access.may_be_emailed_about(user, item.topic, item.post)]
        delivery.item_count = len(readable)
        delivery.save(update_fields=["item_count"])
    if not readable:
        return False
    readable.sort(key=lambda item: (item.topic_id, item.created_at, item.pk))
    topics = [
        {
            "title": group[0].topic.title,
            "url": _absolute(reverse("forum:topic", args=[topic_id])),
            "entries": [_entry(item) for item in group],
        }
        for topic_id, group in (
            (key, list(values)) for key, values in groupby(readable, key=lambda i: i.topic_id)
        )
    ]
    count = len(readable)
    try:
        _send(
            user,
            f"Your forum digest: {count} unread notification{'s' if count != 1 else ''}",
            "digest",
            {"topics": topics, "count": count, "day": day},
        )
    except Exception:
        # Give the day and the items back, so the next run tries again.
        DigestDelivery.objects.filter(pk=delivery.pk).delete()
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=None)
        raise
    return True
