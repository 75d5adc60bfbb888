"""Moderator actions beyond lock/pin/hide: the approval queue, redaction, move, merge, split, restore, warn.

Each action is one function: it asks forum.access, writes in one transaction,
records a ModerationAction (with a ModerationNote for the reason and details)
and keeps the search index and the stored counters right. Counters are
recounted from the rows after move, merge and split rather than nudged, so they
are exact whatever happened before:

- a topic's reply_count counts replies that are neither hidden, deleted nor
  awaiting approval; its last_post is the last such post;
- a category's topic_count counts topics neither deleted nor awaiting
  approval, and its post_count their opening posts plus reply_count.

New members: someone approved through the membership application
(User.decided_at is set) has their posts held until two of them have been
approved. Accounts staff created directly, already approved, are vouched for
by whoever created them. Moderators are never held.
"""

import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse

from config.errors import ServiceError
from forum import access, search_provider, tasks
from forum.models import Category, MemberWarning, ModerationAction, ModerationNote, Post, PostRevision, Topic
from forum.rendering import render_markdown
from members.access import is_member
from search.index import remove_document

APPROVALS_NEEDED = 2
REDACTED = "[redacted by a moderator]"
MAX_SPLIT = 200


class ModerationError(ServiceError):
    """A moderator action refused; the message is for the moderator."""


class Action:
    """Actions this module logs, beyond those named in ModerationAction.Action."""

    APPROVE_POST = "approve_post"
    REJECT_POST = "reject_post"
    REDACT_POST = "redact_post"
    MOVE_TOPIC = "move_topic"
    MERGE_TOPIC = "merge_topic"
    SPLIT_TOPIC = "split_topic"
    RESTORE_TOPIC = "restore_topic"
    WARN_MEMBER = "warn_member"
    RESOLVE_MESSAGE = "message_report"


LABELS = {
    Action.APPROVE_POST: "Approved a new member's post",
    Action.REJECT_POST: "Rejected a new member's post",
    Action.REDACT_POST: "Redacted post",
    Action.MOVE_TOPIC: "Moved topic",
    Action.MERGE_TOPIC: "Merged topics",
    Action.SPLIT_TOPIC: "Split replies into a new topic",
    Action.RESTORE_TOPIC: "Restored topic",
    Action.WARN_MEMBER: "Warned member",
    Action.RESOLVE_MESSAGE: "Resolved a private message report",
    **dict(ModerationAction.Action.choices),
}


def action_label(action: str) -> str:
    return LABELS.get(action, action.replace("_", " ").capitalize())


def _name(user) -> str:
    from forum.services import display_name

    return display_name(user)


def record(by, action, *, topic=None, post=None, reason="", **detail) -> ModerationAction:
    """Write one entry of the moderation log, with its reason and details."""
    entry = ModerationAction.objects.create(
        action=action, moderator=by, moderator_name=_name(by), topic=topic, post=post
    )
    if reason or detail:
        ModerationNote.objects.create(action=entry, reason=(reason or "")[:1000], detail=detail)
    return entry


def _require_moderator(by, topic) -> None:
    if not access.can_moderate_topic(by, topic):
        raise access_denied()


def access_denied():
    from forum.services import NotAllowed

    return NotAllowed("Only moderators can do this.")


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = " ".join((reason or "").replace("\x00", "").split())[:1000]
    if required and not reason:
        raise ModerationError("Give a reason; it is kept in the moderation log.")
    return reason


# Counters -------------------------------------------------------------------


def _counted(posts):
    return posts.filter(is_hidden=False, is_deleted=False, awaiting_approval=False)


def recount_topic(topic_id: int) -> None:
    """Set reply_count, helpful_count and the last-post pointer from the topic's posts."""
    posts = _counted(Post.objects.filter(topic_id=topic_id))
    totals = posts.aggregate(
        replies=Count("pk", filter=Q(number__gt=1)), helpful=Sum("helpful_count"), last=Max("number")
    )
    last = posts.filter(number=totals["last"]).only("pk", "created_at", "author_name").first()
    highest = Post.objects.filter(topic_id=topic_id).aggregate(n=Max("number"))["n"] or 0
    changes = {
        "reply_count": totals["replies"],
        "helpful_count": totals["helpful"] or 0,
        "last_post_number": highest,
    }
    if last is not None:
        changes.update(last_post=last, last_post_at=last.created_at, last_poster_name=last.author_name)
    Topic.objects.filter(pk=topic_id).update(**changes)


def recount_category(category_id: int) -> None:
    """Set topic_count, post_count and last_post_at from the category's listed topics."""
    topics = Topic.objects.filter(category_id=category_id, is_deleted=False, awaiting_approval=False)
    totals = topics.aggregate(topics=Count("pk"), replies=Sum("reply_count"), last=Max("last_post_at"))
    Category.objects.filter(pk=category_id).update(
        topic_count=totals["topics"],
        post_count=totals["topics"] + (totals["replies"] or 0),
        last_post_at=totals["last"],
    )


def _reindex_topic(topic_id: int) -> None:
    """Put a topic and its replies back in the search index as they now are (scope follows the category)."""
    topic = Topic.objects.select_related("category").get(pk=topic_id)
    tags = list(topic.tags.all())
    for post in Post.objects.filter(topic_id=topic_id).order_by("number").iterator(chunk_size=500):
        if post.is_opening_post:
            search_provider.index_topic(topic, post, tags)
        else:
            search_provider.index_post(post, topic)


# The approval queue ----------------------------------------------------------


def needs_approval(user) -> bool:
    """Whether this member's next post waits for a moderator: new members, until two posts are approved."""
    if access.is_moderator(user) or getattr(user, "decided_at", None) is None:
        return False
    approved = Post.objects.filter(author_id=user.pk, awaiting_approval=False)[:APPROVALS_NEEDED]
    return approved.count() < APPROVALS_NEEDED


def hold_if_new_member(post: Post, *, before: Topic | None = None) -> bool:
    """Called by forum.services right after a post is written and counted, inside its transaction.

    A new member's post is marked awaiting approval and taken back out of the
    counters (``before`` is the topic as it was before a reply), so nobody else
    sees it, it is not indexed and its notifications wait for approval.
    """
    author = post.author
    if author is None or not needs_approval(author):
        return False
    topic = post.topic
    Post.objects.filter(pk=post.pk).update(awaiting_approval=True)
    post.awaiting_approval = True
    if post.is_opening_post:
        Topic.objects.filter(pk=topic.pk).update(awaiting_approval=True)
        topic.awaiting_approval = True
    elif before is not None:
        Topic.objects.filter(pk=topic.pk).update(
            reply_count=F("reply_count") - 1,
            last_post_id=before.last_post_id,
            last_post_at=before.last_post_at,
            last_poster_name=before.last_poster_name,
        )
    recount_category(topic.category_id)
    return True


def waiting_for_approval(moderator) -> int:
    """How many posts in the categories this moderator reads wait for approval: the number beside
    the Approvals link, counting what the approvals page lists."""
    readable = access.forum_access(moderator).read
    return approval_queue().filter(topic__category_id__in=readable).count()


def approval_queue():
    """Posts waiting for approval, oldest first."""
    return (
        Post.objects.filter(awaiting_approval=True, is_deleted=False)
        .select_related("topic", "topic__category")
        .order_by("created_at", "id")
    )


def approve_post(post: Post, *, by) -> Post:
    """Let a held post through: counted, indexed, and its notifications sent."""
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
        topic = post.topic
        _require_moderator(by, topic)
        if not post.awaiting_approval:
            raise ModerationError("This post is no longer waiting for approval.")
        Post.objects.filter(pk=post.pk).update(awaiting_approval=False)
        if post.is_opening_post:
            Topic.objects.filter(pk=topic.pk).update(awaiting_approval=False)
        recount_topic(topic.pk)
        recount_category(topic.category_id)
        record(by, Action.APPROVE_POST, topic=topic, post=post)
        post.awaiting_approval = False
        _reindex_topic(topic.pk) if post.is_opening_post else search_provider.index_post(post, topic)
        tasks.defer_notify(post.pk)
    return post


def reject_post(post: Post, *, by, reason: str = "") -> Post:
    """Turn a held post away: it is deleted (an opening post takes its topic with it) and never shown."""
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
        topic = post.topic
        _require_moderator(by, topic)
        if not post.awaiting_approval:
            raise ModerationError("This post is no longer waiting for approval.")
        Post.objects.filter(pk=post.pk).update(awaiting_approval=False, is_deleted=True)
        if post.is_opening_post:
            Topic.objects.filter(pk=topic.pk).update(awaiting_approval=False, is_deleted=True)
        recount_topic(topic.pk)
        recount_category(topic.category_id)
        record(by, Action.REJECT_POST, topic=topic, post=post, reason=reason)
    post.refresh_from_db()
    return post


# Redaction -------------------------------------------------------------------


def redact_post(post: Post, *, by, text: str, reason: str) -> Post:
    """Remove identifying text from a post and from every revision of it, and from the search index.

    The text is replaced wherever it appears; nothing keeps a copy, and the
    log records only who redacted which post, when, and the moderator's reason.
    """
    text = (text or "").replace("\x00", "").strip()
    if len(text) < 2:
        raise ModerationError("Paste the exact text to remove (at least two characters).")
    reason = _clean_reason(reason, required=True)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
        topic = post.topic
        _require_moderator(by, topic)
        revisions = list(PostRevision.objects.filter(post=post))
        in_title = post.is_opening_post and text in topic.title
        if (
            text not in post.body_markdown
            and not in_title
            and not any(text in r.body_markdown or text in r.title for r in revisions)
        ):
            raise ModerationError("That text is not in the post or its history. Paste it exactly as written.")
        post.body_markdown = post.body_markdown.replace(text, REDACTED)
        post.body_html = render_markdown(post.body_markdown)
        Post.objects.filter(pk=post.pk).update(body_markdown=post.body_markdown, body_html=post.body_html)
        for revision in revisions:
            PostRevision.objects.filter(pk=revision.pk).update(
                body_markdown=revision.body_markdown.replace(text, REDACTED),
                title=revision.title.replace(text, REDACTED),
            )
        if in_title:
            topic.title = topic.title.replace(text, REDACTED)[:200]
            Topic.objects.filter(pk=topic.pk).update(title=topic.title)
        _redact_drafts(post, text)
        record(by, Action.REDACT_POST, topic=topic, post=post, reason=reason)
        search_provider.sync_post(post, topic)
    return post


def _redact_drafts(post: Post, text: str) -> None:
    """Drafts may hold the text too (a reply quoting the post, or the author's own draft)."""
    from django.apps import apps

    try:
        draft = apps.get_model("forum", "Draft")
    except LookupError:
        return
    names = {f.name for f in draft._meta.fields}
    for field in ("body", "body_markdown", "title"):
        if field not in names:
            continue
        for pk, value in draft.objects.filter(**{f"{field}__contains": text}).values_list("pk", field):
            draft.objects.filter(pk=pk).update(**{field: value.replace(text, REDACTED)})


# Move, merge, split, restore ---------------------------------------------------


def move_topic(topic: Topic, *, by, to: Category, reason: str = "") -> Topic:
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        _require_moderator(by, topic)
        if not access.can_read_category(by, to):
            raise access_denied()
        if to.pk == topic.category_id:
            raise ModerationError("The topic is already in that category.")
        source = topic.category_id
        Topic.objects.filter(pk=topic.pk).update(category=to, root_category_id=to.parent_id or to.pk)
        topic.category = to
        recount_category(source)
        recount_category(to.pk)
        record(by, Action.MOVE_TOPIC, topic=topic, reason=reason, source=source, target=to.pk)
        _reindex_topic(topic.pk)
    return topic


def merge_topics(source: Topic, *, by, into: Topic, reason: str = "") -> Topic:
    """Append every post of ``source`` to ``into`` (numbers follow on), then delete the emptied source."""
    reason = _clean_reason(reason, required=False)
    if source.pk == into.pk:
        raise ModerationError("Choose a different topic to merge into.")
    with transaction.atomic():
        # Lock in key order so two merges of the same pair cannot deadlock.
        locked = {
            t.pk: t
            for t in Topic.objects.select_for_update().filter(pk__in=[source.pk, into.pk]).order_by("pk")
        }
        source, into = locked[source.pk], locked[into.pk]
        _require_moderator(by, source)
        _require_moderator(by, into)
        if source.is_deleted or into.is_deleted:
            raise ModerationError("Restore a deleted topic before merging it.")
        offset = into.last_post_number
        moved_ids = list(Post.objects.filter(topic=source).values_list("pk", flat=True))
        search_provider.remove_topic(source)
        Post.objects.filter(topic=source).update(topic=into, number=F("number") + offset)
        _relink_quotes(moved_ids, source.pk, into.pk, offset)
        from forum.models import Notification, TopicState

        Notification.objects.filter(topic=source).update(topic=into)
        TopicState.objects.filter(topic=source).exclude(
            user_id__in=TopicState.objects.filter(topic=into).values("user_id")
        ).update(topic=into, last_read_post_number=0)
        Topic.objects.filter(pk=source.pk).update(is_deleted=True, accepted_post=None, last_post=None)
        recount_topic(into.pk)
        recount_topic(source.pk)
        recount_category(source.category_id)
        if into.category_id != source.category_id:
            recount_category(into.category_id)
        record(by, Action.MERGE_TOPIC, topic=into, reason=reason, source=source.pk, posts=len(moved_ids))
        _reindex_topic(into.pk)
    into.refresh_from_db()
    return into


def _relink_quotes(post_ids, source_id: int, into_id: int, offset: int) -> None:
    """Point the merged posts' links to source posts (quote headers) at where those posts now are.

    A quote's header is "[Name wrote (#3)](/forum/t/<source>/p/3/)"; after the
    merge post 3 is post 3 + offset of the other topic, and the source topic is
    deleted. The Markdown is rewritten and the HTML rendered again from it.
    """
    old_prefix = reverse("forum:post", args=[source_id, 1]).removesuffix("1/")
    new_prefix = reverse("forum:post", args=[into_id, 1]).removesuffix("1/")
    labelled = re.compile(r"\(#(\d+)\)\]\(" + re.escape(old_prefix) + r"(\d+)/\)")
    bare = re.compile(re.escape(old_prefix) + r"(\d+)/")

    def relabel(match):
        shown, number = int(match.group(1)), int(match.group(2))
        label = shown + offset if shown == number else shown
        return f"(#{label})]({new_prefix}{number + offset}/)"

    for post in Post.objects.filter(pk__in=post_ids, body_markdown__contains=old_prefix):
        markdown = labelled.sub(relabel, post.body_markdown)
        markdown = bare.sub(lambda match: f"{new_prefix}{int(match.group(1)) + offset}/", markdown)
        if markdown != post.body_markdown:
            html = render_markdown(markdown)
            Post.objects.filter(pk=post.pk).update(body_markdown=markdown, body_html=html)


def split_topic(
    topic: Topic, *, by, numbers, title: str, category: Category | None = None, reason: str = ""
) -> Topic:
    """Move the chosen replies into a new topic; the earliest becomes its opening post."""
    from forum.services import ForumError, clean_title

    reason = _clean_reason(reason, required=False)
    numbers = sorted({int(n) for n in numbers if str(n).isdigit() and int(n) > 1})
    if not numbers:
        raise ModerationError("Choose at least one reply to split off (the opening post stays).")
    if len(numbers) > MAX_SPLIT:
        raise ModerationError(f"Split at most {MAX_SPLIT} replies at a time.")
    try:
        title = clean_title(title)
    except ForumError as error:
        raise ModerationError(str(error))
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        _require_moderator(by, topic)
        category = category or topic.category
        if not access.can_read_category(by, category):
            raise access_denied()
        posts = list(Post.objects.filter(topic=topic, number__in=numbers).order_by("number"))
        if len(posts) != len(numbers):
            raise ModerationError("Some of the chosen replies are not in this topic any more.")
        first = posts[0]
        new = Topic.objects.create(
            kind=Topic.Kind.DISCUSSION,
            title=title,
            category=category,
            author_id=first.author_id,
            author_name=first.author_name,
            created_at=first.created_at,
            last_post_at=first.created_at,
        )
        new.tags.set(topic.tags.all())
        for index, post in enumerate(posts, start=1):
            remove_document(search_provider.POST_KIND, post.pk)
            Post.objects.filter(pk=post.pk).update(topic=new, number=index, quoted_post=None)
        if topic.accepted_post_id in {post.pk for post in posts}:
            Topic.objects.filter(pk=topic.pk).update(accepted_post=None)
        recount_topic(topic.pk)
        recount_topic(new.pk)
        recount_category(topic.category_id)
        if category.pk != topic.category_id:
            recount_category(category.pk)
        record(by, Action.SPLIT_TOPIC, topic=new, reason=reason, source=topic.pk, numbers=numbers)
        _reindex_topic(new.pk)
    new.refresh_from_db()
    return new


def restore_topic(topic: Topic, *, by) -> Topic:
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        _require_moderator(by, topic)
        if not topic.is_deleted:
            raise ModerationError("This topic is not deleted.")
        if not Post.objects.filter(topic=topic).exists():
            raise ModerationError("This topic was merged away and has no posts left to restore.")
        Topic.objects.filter(pk=topic.pk).update(is_deleted=False)
        Post.objects.filter(topic=topic, number=1).update(is_deleted=False)
        recount_topic(topic.pk)
        recount_category(topic.category_id)
        record(by, Action.RESTORE_TOPIC, topic=topic)
        _reindex_topic(topic.pk)
    topic.refresh_from_db()
    return topic


# Warnings -----------------------------------------------------------------------


def warn_member(member, *, by, reason: str, post: Post | None = None) -> MemberWarning:
    """Warn a member: they see it in the forum and get an email (only while still a member)."""
    if not access.is_moderator(by):
        raise access_denied()
    if post is not None:
        _require_moderator(by, post.topic)
    if member.pk == by.pk:
        raise ModerationError("You cannot warn yourself.")
    if not is_member(member):
        raise ModerationError("Only current members can be warned.")
    reason = _clean_reason(reason, required=True)
    with transaction.atomic():
        warning = MemberWarning.objects.create(
            member=member, moderator=by, moderator_name=_name(by), reason=reason, post=post
        )
        record(
            by,
            Action.WARN_MEMBER,
            topic=post.topic if post else None,
            post=post,
            reason=reason,
            member=member.pk,
            member_name=_name(member),
        )
        transaction.on_commit(lambda: _email_warning(warning.pk), robust=True)
    return warning


def _email_warning(warning_id: int) -> None:
    warning = MemberWarning.objects.select_related("member").filter(pk=warning_id).first()
    # Checked when sending: someone who has left the membership is not emailed.
    if warning is None or not is_member(warning.member):
        return
    context = {"warning": warning, "site_url": settings.SITE_URL}
    body = render_to_string("forum/moderation/warning_email.txt", context)
    send_mail("[Task Force Commons] A moderator has written to you", body, None, [warning.member.email])
