"""Every forum action that changes state: one typed function each, checked and transactional.

Each function asks forum.access, validates, and writes in one transaction.
Counters and pointers (reply_count, last_post_*, helpful_count, category
counts) move with F() expressions inside that transaction, and replies and
acceptances lock the topic row first (select_for_update on PostgreSQL; on
SQLite every write transaction is BEGIN IMMEDIATE, which serialises them), so
concurrent writers lose nothing and number posts without gaps or clashes.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from config.errors import NotPermitted, ServiceError
from forum import access, privacy, search_provider, tasks
from forum import reply_statements as statements
from forum.models import (
    FORUM_TAG_FACETS,
    MAX_TITLE_LENGTH,
    Category,
    CategoryState,
    Draft,
    EmailFrequency,
    ModerationAction,
    Notification,
    Post,
    PostReaction,
    PostReport,
    PostRevision,
    PrivacyConfirmation,
    Topic,
    TopicState,
    WatchLevel,
)
from forum.moderation.services import hold_if_new_member
from forum.notifications import services as notifications
from forum.rendering import render_markdown
from taxonomy.models import Term

MAX_POST_BYTES = 100 * 1024
MAX_TAGS = 5
QUOTE_MAX_CHARS = 1500


class ForumError(ServiceError):
    """An action refused for a reason the member can fix or should know; the message is for them."""


class NotAllowed(ForumError, NotPermitted):
    """The member may not do this."""


class PrivacyCheck(ForumError):
    """The text looks like it holds identifying data; the member must remove it or confirm it is not."""

    def __init__(self, findings):
        self.findings = findings
        kinds = ", ".join(dict.fromkeys(finding.kind for finding in findings))
        super().__init__(
            f"This looks like it may identify a victim or a case ({kinds}). "
            "Remove it, or confirm that it does not identify anyone."
        )


def _privacy_guard(*texts: str, confirmed: bool) -> list[str]:
    """The kinds of identifying data found; raises PrivacyCheck unless the member confirmed."""
    findings = [finding for text in texts for finding in privacy.find_identifiers(text)]
    if findings and not confirmed:
        raise PrivacyCheck(findings)
    return list(dict.fromkeys(finding.kind for finding in findings))


def _log_confirmation(post, by, kinds) -> None:
    if kinds:
        PrivacyConfirmation.objects.create(post=post, user=by, user_name=display_name(by), kinds=kinds)


def display_name(user) -> str:
    return (user.full_name or user.email.split("@")[0])[:150]


def clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ForumError("Write something before posting: the post is empty.")
    size = len(body.encode("utf-8"))
    if size > MAX_POST_BYTES:
        raise ForumError(
            f"This post is {size // 1024} KB; posts are limited to {MAX_POST_BYTES // 1024} KB. "
            "Split it into several posts."
        )
    return body


def clean_title(title: str) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if not title:
        raise ForumError("Give the topic a title.")
    if len(title) > MAX_TITLE_LENGTH:
        raise ForumError(f"Titles are limited to {MAX_TITLE_LENGTH} characters.")
    return title


def _clean_tags(kind: str, tags: Iterable[Term]) -> list[Term]:
    tags = list(dict.fromkeys(tags))
    if any(term.retired for term in tags):
        raise ForumError("Retired tags cannot be chosen for new topics.")
    if any(term.facet not in FORUM_TAG_FACETS for term in tags):
        raise ForumError("Tag a topic with its subjects: phase, trafficking type, practice area or audience.")
    if len(tags) > MAX_TAGS:
        raise ForumError(f"Choose at most {MAX_TAGS} tags.")
    if kind == Topic.Kind.QUESTION and not tags:
        raise ForumError("A question needs at least one tag, so peers who know the subject find it.")
    return tags


def _watch(user_id: int, topic_id: int, *, read_up_to: int) -> None:
    """Writing in a topic sets watching (unless muted) and marks everything up to the new post as read.

    One UPDATE for a member who has been in the topic before (most replies), rather than a read and
    a write; a first visit creates the row.
    """
    changed = statements.WATCH_AFTER_WRITING.run(member=user_id, topic=topic_id, read=read_up_to)
    if changed:
        return
    _state, created = TopicState.objects.get_or_create(
        user_id=user_id,
        topic_id=topic_id,
        defaults={"watch_level": WatchLevel.WATCHING, "last_read_post_number": read_up_to},
    )
    if not created:  # made by the member's other request (a read position) in the meantime
        _watch(user_id, topic_id, read_up_to=read_up_to)


def start_topic(
    *,
    by,
    category: Category,
    kind: str,
    title: str,
    body: str,
    tags: Iterable[Term] = (),
    confirmed_private: bool = False,
) -> Topic:
    if not access.can_start_in(by, category):
        raise NotAllowed("You cannot start topics in this category.")
    if kind not in Topic.Kind.values:
        raise ForumError("Choose whether this is a question or a discussion.")
    title = clean_title(title)
    body = clean_body(body)
    tags = _clean_tags(kind, tags)
    flagged = _privacy_guard(title, body, confirmed=confirmed_private)
    now = timezone.now()
    name = display_name(by)
    with transaction.atomic():
        topic = Topic.objects.create(
            kind=kind,
            title=title,
            category=category,
            author=by,
            author_name=name,
            last_post_number=1,
            last_post_at=now,
            last_poster_name=name,
            created_at=now,
        )
        post = Post.objects.create(
            topic=topic,
            number=1,
            author=by,
            author_name=name,
            body_markdown=body,
            body_html=render_markdown(body),
            created_at=now,
        )
        topic.last_post = post
        topic.save(update_fields=["last_post"])
        _log_confirmation(post, by, flagged)
        if tags:
            topic.tags.set(tags)
        Category.objects.filter(pk=category.pk).update(
            topic_count=F("topic_count") + 1, post_count=F("post_count") + 1, last_post_at=now
        )
        hold_if_new_member(post)
        _watch(by.pk, topic.pk, read_up_to=1)
        # Published: the new-topic draft has done its job (forum.drafts.services).
        Draft.objects.filter(user=by, topic__isnull=True).delete()
        search_provider.index_topic(topic, post, tags)
        tasks.defer_notify(post.pk)
    return topic


def quote_markdown(post: Post, excerpt: str | None = None) -> str:
    """A Markdown quote of (part of) a post, headed by a link back to it."""
    text = (excerpt if excerpt is not None else post.body_markdown).strip()[:QUOTE_MAX_CHARS]
    url = reverse("forum:post", args=[post.topic_id, post.number])
    quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    return f"> [{post.author_name} wrote (#{post.number})]({url}):\n>\n{quoted}\n\n"


def reply(
    topic: Topic, *, by, body: str, quote_of: Post | None = None, confirmed_private: bool = False
) -> Post:
    body = clean_body(body)
    flagged = _privacy_guard(body, confirmed=confirmed_private)
    if quote_of is not None and quote_of.topic_id != topic.pk:
        raise ForumError("A quote must come from the same topic.")
    name = display_name(by)
    # Rendered before the transaction: it is pure CPU, and inside it the topic's row (PostgreSQL)
    # or the whole database (SQLite's write lock) would wait for it.
    body_html = render_markdown(body)
    with transaction.atomic():
        found = statements.LOCKED_TOPIC.run(pk=topic.pk)
        if not found:
            raise ForumError("This topic is no longer here, so the reply was not posted.")
        locked = found[0]
        refusal = access.reply_refusal(by, locked)
        if refusal:
            raise NotAllowed(refusal) if not access.can_read_topic(by, locked) else ForumError(refusal)
        twin = _same_reply_just_posted(locked, by, body)
        if twin is not None:
            return twin
        now = timezone.now()
        post = Post.objects.create(
            topic=locked,
            number=locked.last_post_number + 1,
            author=by,
            author_name=name,
            body_markdown=body,
            body_html=body_html,
            quoted_post=quote_of,
            created_at=now,
        )
        # The statements below are compiled once (forum.reply_statements): building them each
        # time cost more CPU than running them.
        statements.TOPIC_REPLIED.run(topic=locked.pk, post=post.pk, now=now, name=name)
        statements.CATEGORY_REPLIED.run(category=locked.category_id, now=now)
        hold_if_new_member(post, before=locked)
        _watch(by.pk, locked.pk, read_up_to=post.number)
        if statements.REPLY_DRAFT.rows(user=by, topic=locked.pk):
            Draft.objects.filter(user=by, topic=locked).delete()
        _log_confirmation(post, by, flagged)
        # The search index and the notifications wait for the worker (forum.tasks.notify_post),
        # queued in this transaction: the post is never committed without them, nor they without it.
        tasks.defer_notify(post.pk)
    return post


# A double click, or a browser re-sending the form, posts the same text twice within seconds.
DOUBLE_POST_SECONDS = 30


def _same_reply_just_posted(topic: Topic, by, body: str) -> Post | None:
    """The member's reply with this very text posted moments ago, at the end of this (locked) topic.

    The second request of a double click waits on the topic's lock, then finds the first's
    reply here and answers with it instead of writing it again. Only the last few numbers are
    looked at, so it is one index range whatever the topic's length.
    """
    found = statements.SAME_REPLY.run(
        topic=topic.pk,
        after=topic.last_post_number - 10,
        user=by,
        since=timezone.now() - timedelta(seconds=DOUBLE_POST_SECONDS),
        body=body,
    )
    if not found:
        return None
    found[0].already_posted = True
    return found[0]


def edit_post(
    post: Post, *, by, body: str, title: str | None = None, confirmed_private: bool = False
) -> Post:
    """Change a post's text (and an opening post's topic title), keeping the old text as a revision."""
    body = clean_body(body)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
        topic = post.topic
        if not access.can_edit_post(by, post, topic):
            raise NotAllowed("You cannot edit this post.")
        new_title = clean_title(title) if (title is not None and post.is_opening_post) else topic.title
        if body == post.body_markdown and new_title == topic.title:
            return post
        flagged = _privacy_guard(new_title, body, confirmed=confirmed_private)
        PostRevision.objects.create(
            post=post,
            body_markdown=post.body_markdown,
            title=topic.title if post.is_opening_post else "",
            edited_by=by,
        )
        post.body_markdown = body
        post.body_html = render_markdown(body)
        post.edited_at = timezone.now()
        post.save(update_fields=["body_markdown", "body_html", "edited_at"])
        _log_confirmation(post, by, flagged)
        if post.author_id != by.pk:
            _log(by, ModerationAction.Action.EDIT_POST, topic, post)
        if new_title != topic.title:
            topic.title = new_title
            topic.save(update_fields=["title"])
        search_provider.sync_post(post, topic)
    return post


def accept_answer(topic: Topic, post: Post, *, by) -> Topic:
    """Mark a reply as the answer. When two people accept at once, the first to lock the topic wins;
    the other is told an answer is already accepted, so the outcome never depends on who wrote last."""
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        if not access.can_accept_answer(by, locked):
            raise NotAllowed("Only the person who asked, or a moderator, can accept an answer.")
        if post.topic_id != locked.pk or post.is_opening_post:
            raise ForumError("Only a reply in this topic can be its answer.")
        if post.is_deleted or post.is_hidden or post.awaiting_approval:
            raise ForumError("That reply is not visible, so it cannot be the answer.")
        if locked.accepted_post_id == post.pk:
            return locked
        if locked.accepted_post_id is not None:
            raise ForumError("Another answer is already accepted. Unaccept it first to choose this one.")
        Topic.objects.filter(pk=locked.pk).update(accepted_post=post)
        locked.accepted_post = post
        _notify_accepted(locked, post, by)
    return locked


def _notify_accepted(topic: Topic, post: Post, by) -> None:
    """Tell the answer's author it was accepted (Discourse does): a new unread notification each time."""
    if not post.author_id or post.author_id == by.pk:
        return
    # One row per member and post (the table's constraint): an earlier notification about this
    # post, or an acceptance undone and given again, becomes this one, unread.
    notification, _ = Notification.objects.update_or_create(
        user_id=post.author_id,
        post=post,
        defaults={
            "kind": Notification.Kind.ACCEPTED,
            "topic": topic,
            "actor_name": display_name(by),
            "created_at": timezone.now(),
            "read_at": None,
            "emailed_at": None,
        },
    )
    if notifications.email_frequency(notification.user) == EmailFrequency.IMMEDIATE:
        transaction.on_commit(lambda: tasks.email_notifications.enqueue([notification.pk]))


def unaccept_answer(topic: Topic, *, by) -> Topic:
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        if not access.can_accept_answer(by, locked):
            raise NotAllowed("Only the person who asked, or a moderator, can change the accepted answer.")
        Topic.objects.filter(pk=locked.pk).update(accepted_post=None)
        locked.accepted_post = None
    return locked


def mark_helpful(post: Post, *, by) -> bool:
    """Say a post helped; once per member per post. Returns whether this call counted."""
    topic = post.topic
    if not access.can_mark_helpful(by, post, topic):
        raise NotAllowed("You cannot mark this post as helpful.")
    try:
        with transaction.atomic():
            PostReaction.objects.create(user=by, post=post, kind=PostReaction.Kind.HELPFUL)
            Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + 1)
            Topic.objects.filter(pk=post.topic_id).update(helpful_count=F("helpful_count") + 1)
    except IntegrityError:
        return False
    return True


def unmark_helpful(post: Post, *, by) -> bool:
    with transaction.atomic():
        deleted, _ = PostReaction.objects.filter(user=by, post=post).delete()
        if deleted:
            Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") - 1)
            Topic.objects.filter(pk=post.topic_id).update(helpful_count=F("helpful_count") - 1)
    return bool(deleted)


def set_watch_level(topic: Topic, *, by, level: str) -> None:
    if level not in WatchLevel.values:
        raise ForumError("Choose watching, tracking, normal or muted.")
    if not access.can_read_topic(by, topic):
        raise NotAllowed("You cannot watch this topic.")
    TopicState.objects.update_or_create(
        user=by, topic=topic, defaults={"watch_level": level, "level_chosen": True}
    )


def set_category_watch_level(category: Category, *, by, level: str) -> None:
    """Watch, track, mute or reset a whole category; a topic's own level still wins."""
    if level not in WatchLevel.values:
        raise ForumError("Choose watching, tracking, normal or muted.")
    if not access.can_read_category(by, category):
        raise NotAllowed("You cannot watch this category.")
    if level == WatchLevel.NORMAL:
        CategoryState.objects.filter(user=by, category=category).delete()
    else:
        CategoryState.objects.update_or_create(user=by, category=category, defaults={"watch_level": level})


def record_read(user_id: int, topic_id: int, number: int) -> None:
    """Move a member's read position forward (never back) to post ``number``, and mark read the
    member's notifications about the posts up to it: a notification is read once its post was shown."""
    Notification.objects.filter(
        user_id=user_id, topic_id=topic_id, read_at__isnull=True, post__number__lte=number
    ).update(read_at=timezone.now())
    state, created = TopicState.objects.get_or_create(
        user_id=user_id, topic_id=topic_id, defaults={"last_read_post_number": number}
    )
    if not created and state.last_read_post_number < number:
        TopicState.objects.filter(pk=state.pk, last_read_post_number__lt=number).update(
            last_read_post_number=number
        )


_FLAG_ACTIONS = {
    ("is_locked", True): ModerationAction.Action.LOCK,
    ("is_locked", False): ModerationAction.Action.UNLOCK,
    ("is_pinned", True): ModerationAction.Action.PIN,
    ("is_pinned", False): ModerationAction.Action.UNPIN,
    ("is_closed", True): ModerationAction.Action.CLOSE,
    ("is_closed", False): ModerationAction.Action.OPEN,
}


def _log(by, action, topic, post=None) -> None:
    ModerationAction.objects.create(
        action=action, moderator=by, moderator_name=display_name(by), topic=topic, post=post
    )


def set_topic_flags(topic: Topic, *, by, **flags) -> Topic:
    """Lock, pin or close a topic (moderators only); each change is logged."""
    if not access.is_moderator(by):
        raise NotAllowed("Only moderators can lock, pin or close topics.")
    if not flags or any((name, value) not in _FLAG_ACTIONS for name, value in flags.items()):
        raise ForumError("Unknown topic setting.")
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(**flags)
        for name, value in flags.items():
            setattr(topic, name, value)
            _log(by, _FLAG_ACTIONS[(name, value)], topic)
    return topic


def set_post_visibility(post: Post, *, by, hidden: bool | None = None, deleted: bool | None = None) -> Post:
    """Hide or unhide, soft-delete or restore a reply (moderators only). Counters and the index follow."""
    if not access.is_moderator(by):
        raise NotAllowed("Only moderators can hide or delete posts.")
    if post.is_opening_post and deleted is not None:
        raise ForumError("Delete the topic instead of its opening post.")
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
        topic = post.topic
        was_counted = not (post.is_deleted or post.is_hidden)
        if hidden is not None and hidden != post.is_hidden:
            post.is_hidden = hidden
            _log(
                by,
                ModerationAction.Action.HIDE_POST if hidden else ModerationAction.Action.UNHIDE_POST,
                topic,
                post,
            )
        if deleted is not None and deleted != post.is_deleted:
            post.is_deleted = deleted
            action = ModerationAction.Action.DELETE_POST if deleted else ModerationAction.Action.RESTORE_POST
            _log(by, action, topic, post)
        post.save(update_fields=["is_hidden", "is_deleted"])
        counted = not (post.is_deleted or post.is_hidden)
        if counted != was_counted and not post.is_opening_post:
            change = 1 if counted else -1
            Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + change)
        search_provider.sync_post(post, topic)
    return post


def delete_topic(topic: Topic, *, by) -> Topic:
    """Soft-delete a topic (moderators only): it leaves every list and the search index."""
    if not access.is_moderator(by):
        raise NotAllowed("Only moderators can delete topics.")
    with transaction.atomic():
        # Locked, so two moderators deleting at once take the topic off its category's counts once.
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        Topic.objects.filter(pk=topic.pk).update(is_deleted=True)
        topic.is_deleted = True
        if not (locked.is_deleted or locked.awaiting_approval):
            _uncount_topic(locked)
        _log(by, ModerationAction.Action.DELETE_TOPIC, topic)
        search_provider.remove_topic(topic)
    return topic


def _uncount_topic(topic: Topic) -> None:
    """Take a listed topic off its category's stored counts (they count listed topics only).

    The category's last_post_at is worked out again only when this topic held it.
    """
    Category.objects.filter(pk=topic.category_id).update(
        topic_count=Greatest(F("topic_count") - 1, 0),
        post_count=Greatest(F("post_count") - 1 - topic.reply_count, 0),
    )
    category = Category.objects.only("last_post_at").get(pk=topic.category_id)
    if category.last_post_at is None or topic.last_post_at < category.last_post_at:
        return
    latest = Topic.objects.filter(
        category_id=topic.category_id, is_deleted=False, awaiting_approval=False
    ).aggregate(last=Max("last_post_at"))["last"]
    Category.objects.filter(pk=topic.category_id).update(last_post_at=latest)


def report_post(post: Post, *, by, reason: str, note: str = "") -> PostReport:
    """Send a post to the moderation queue. One open report per member and post."""
    if not (access.can_read_topic(by, post.topic) and access.can_see_post(by, post)):
        raise NotAllowed("You cannot report this post.")
    if reason not in PostReport.Reason.values:
        raise ForumError("Choose a reason for the report.")
    if post.author_id == by.pk:
        raise ForumError("You can edit your own post instead of reporting it.")
    note = (note or "").replace("\x00", "").strip()[:1000]
    try:
        with transaction.atomic():
            return PostReport.objects.create(
                post=post, reporter=by, reporter_name=display_name(by), reason=reason, note=note
            )
    except IntegrityError:
        raise ForumError("You have already reported this post; a moderator will look at it.")


def resolve_report(report: PostReport, *, by, outcome: str) -> PostReport:
    """Dismiss a report, or hide the post (which resolves every open report of it)."""
    if not access.is_moderator(by):
        raise NotAllowed("Only moderators can act on reports.")
    if outcome not in PostReport.Outcome.values:
        raise ForumError("Choose dismiss or hide.")
    with transaction.atomic():
        now = timezone.now()
        if outcome == PostReport.Outcome.HIDDEN:
            set_post_visibility(report.post, by=by, hidden=True)
            reports = PostReport.objects.filter(post_id=report.post_id, resolved_at__isnull=True)
        else:
            reports = PostReport.objects.filter(pk=report.pk, resolved_at__isnull=True)
        reports.update(resolved_at=now, resolved_by=by, outcome=outcome)
    report.refresh_from_db()
    return report
