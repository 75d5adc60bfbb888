"""Server-side drafts: one per member per topic for a reply, and one for a new topic.

Saved by the form's "Save draft" button (no JavaScript needed) and, with
JavaScript, every few seconds by forum/static/forum/drafts.js; restored when the
member comes back to the form; deleted when the post is published. A draft
keeps text exactly as typed, even text a post would be refused for (too long, or
flagged by the privacy guard), so nothing anyone writes is lost; only absurd
sizes are refused, with a message, and the text stays in the form.
"""

from django.db import transaction
from django.utils import timezone

from forum import access
from forum.models import Draft, forum_vocabulary
from forum.services import MAX_POST_BYTES, ForumError, NotAllowed

# Room for a post at its limit plus a long quote; beyond this it is not a draft but an upload.
MAX_DRAFT_BYTES = MAX_POST_BYTES * 4
MAX_DRAFT_TAGS = 20


def _clean(text) -> str:
    return (text or "").replace("\x00", "")


def _check_size(*texts: str) -> None:
    size = sum(len(text.encode("utf-8")) for text in texts)
    if size > MAX_DRAFT_BYTES:
        raise ForumError(
            f"This text is {size // 1024} KB, too long to keep as a draft "
            f"(at most {MAX_DRAFT_BYTES // 1024} KB). It is still in the form: "
            "shorten it or copy it somewhere safe."
        )


def reply_draft(user, topic) -> Draft | None:
    return Draft.objects.filter(user=user, topic=topic).first()


def topic_draft(user) -> Draft | None:
    return Draft.objects.filter(user=user, topic__isnull=True).select_related("category").first()


def save_reply_draft(user, topic, *, body: str) -> Draft | None:
    """Keep the member's reply to this topic; an empty text deletes the draft. Returns the draft or None."""
    if not access.can_read_topic(user, topic):
        raise NotAllowed("You cannot write in this topic.")
    body = _clean(body)
    _check_size(body)
    if not body.strip():
        discard(user, topic)
        return None
    with transaction.atomic():
        draft, _ = Draft.objects.update_or_create(
            user=user, topic=topic, defaults={"body": body, "updated_at": timezone.now()}
        )
    return draft


def save_topic_draft(user, *, title: str, body: str, category_id=None, kind="", tag_ids=()) -> Draft | None:
    """Keep the member's new topic; only a category they may start in and current tags are remembered."""
    title, body = _clean(title), _clean(body)
    _check_size(title, body)
    if not (title.strip() or body.strip()):
        discard(user, None)
        return None
    rights = access.forum_access(user)
    category_id = _as_int(category_id)
    if category_id not in rights.start:
        category_id = None
    wanted = [pk for pk in (_as_int(value) for value in list(tag_ids)[:MAX_DRAFT_TAGS]) if pk]
    tags = list(forum_vocabulary().filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else []
    with transaction.atomic():
        draft, _ = Draft.objects.update_or_create(
            user=user,
            topic=None,
            defaults={
                "title": title,
                "body": body,
                "category_id": category_id,
                "kind": kind if kind in ("question", "discussion") else "",
                "tag_ids": sorted(tags),
                "updated_at": timezone.now(),
            },
        )
    return draft


def discard(user, topic) -> None:
    """Delete the member's draft for this topic (None: their new-topic draft)."""
    if topic is None:
        Draft.objects.filter(user=user, topic__isnull=True).delete()
    else:
        Draft.objects.filter(user=user, topic=topic).delete()


def topic_form_initial(draft: Draft) -> dict:
    initial: dict[str, object] = {"title": draft.title, "body": draft.body}
    if draft.category_id:
        initial["category"] = draft.category_id
    if draft.kind:
        initial["kind"] = draft.kind
    if draft.tag_ids:
        initial["tags"] = draft.tag_ids
    return initial


def _as_int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None
