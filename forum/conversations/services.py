"""Private messages: conversations between two or more members, and every action on them.

Only a conversation's current participants read it, and only while they are
members (forum.access.can_read_conversation): moderators have no way in, except
to the one message a participant reports. Messages go through the same
Markdown rendering and privacy guard as posts. The inbox is one indexed read
of ConversationParticipant, whose copied counters (message_count,
last_message_at) are moved inside the same transaction as each message, so
unread counts are a subtraction, never a count of messages.

Messages may carry images and PDFs (forum.attachments.services), checked before the
message is written and stored in its transaction; forum.access gives them only
to the conversation's current participants.

Members address each other by name (members_named, chosen_recipients): the
directory never shows email addresses, and neither do these pages.

Emails say only that there is a new message and where; they never quote the
title or text, and are sent only to participants who are still members when
the email goes out.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from forum import access, privacy
from forum.attachments import services as attachments
from forum.models import (
    Conversation,
    ConversationMessage,
    ConversationParticipant,
    MessageReport,
    PostReport,
)
from forum.moderation.services import Action, record
from forum.rendering import render_markdown
from forum.services import ForumError, NotAllowed, PrivacyCheck, clean_body, clean_title, display_name
from members.access import is_member
from members.models import User
from members.roles import MEMBER

MAX_PARTICIPANTS = 20


def _guard(*texts: str, confirmed: bool) -> None:
    findings = [finding for text in texts for finding in privacy.find_identifiers(text)]
    if findings and not confirmed:
        raise PrivacyCheck(findings)


def participant_for(conversation_id: int, user) -> ConversationParticipant | None:
    """The user's row in a conversation, if they may read it; None otherwise."""
    if not user.is_authenticated:
        return None
    row = (
        ConversationParticipant.objects.select_related("conversation")
        .filter(conversation_id=conversation_id, user_id=user.pk)
        .first()
    )
    return row if access.can_read_conversation(user, row) else None


MAX_SUGGESTIONS = 10


def members_to_write_to(by):
    """The people ``by`` may write to: approved, active members other than themselves, as the
    members directory lists them. Pending and disabled accounts are never offered."""
    if not is_member(by):
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, status=User.Status.APPROVED)
        .filter(Q(groups__name=MEMBER) | Q(is_superuser=True))
        .exclude(pk=by.pk)
        .distinct()
    )


def members_named(text: str, *, by, limit: int = MAX_SUGGESTIONS) -> list[User]:
    """Members whose name contains each word typed, best first (names starting with it, then A to Z).

    Only names and task forces are ever shown for them: never an email address.
    """
    words = text.split()[:4]
    if not words or len(text.strip()) < 2:
        return []
    people = (
        members_to_write_to(by)
        .select_related("task_force")
        .only("id", "full_name", "task_force__name", "task_force__state", "other_task_force_name")
    )
    for word in words:
        people = people.filter(full_name__icontains=word[:60])
    found = list(people.order_by("full_name", "id")[: limit * 3])
    first = words[0].lower()
    found.sort(key=lambda person: (not person.full_name.lower().startswith(first), person.full_name.lower()))
    return found[:limit]


def chosen_recipients(ids, *, by) -> list[User]:
    """The members picked so far, in the order picked; ids that are not a member ``by`` may write to
    are dropped (a tampered form, an account disabled since)."""
    wanted = [int(i) for i in dict.fromkeys(ids) if str(i).isdigit() and len(str(i)) < 12]
    if not wanted:
        return []
    found = {
        user.pk: user for user in members_to_write_to(by).select_related("task_force").filter(pk__in=wanted)
    }
    return [found[pk] for pk in wanted if pk in found]


def find_recipients(ids, *, by) -> list[User]:
    """The members picked in the To field, checked: at least one, at most MAX_PARTICIPANTS - 1."""
    wanted = list(dict.fromkeys(str(i) for i in ids if str(i).strip()))
    if not wanted:
        raise ForumError("Add at least one member to write to: find them by name.")
    if len(wanted) > MAX_PARTICIPANTS - 1:
        raise ForumError(f"A conversation can have at most {MAX_PARTICIPANTS} people.")
    if str(by.pk) in wanted:
        raise ForumError("You are in the conversation already; add the other members.")
    people = chosen_recipients(wanted, by=by)
    if len(people) != len(wanted):
        raise ForumError("Someone you chose can no longer receive messages. Check the names in To.")
    return people


def start_conversation(
    *, by, recipients, title: str, body: str, confirmed_private: bool = False, files=()
) -> Conversation:
    """Start a conversation with its first message; ``files``: what attachments.check_all kept."""
    others = list({user.pk: user for user in recipients if user.pk != by.pk}.values())
    if not others:
        raise ForumError("Add at least one other member to the conversation.")
    if len(others) + 1 > MAX_PARTICIPANTS:
        raise ForumError(f"A conversation can have at most {MAX_PARTICIPANTS} people.")
    if not all(access.can_start_conversation_with(by, user) for user in others):
        raise NotAllowed("Private messages are only between current members.")
    title = clean_title(title)
    body = clean_body(body)
    _guard(title, body, confirmed=confirmed_private)
    now = timezone.now()
    name = display_name(by)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            title=title,
            started_by=by,
            started_by_name=name,
            created_at=now,
            message_count=1,
            last_message_at=now,
            last_author_name=name,
        )
        message = ConversationMessage.objects.create(
            conversation=conversation,
            number=1,
            author=by,
            author_name=name,
            body_markdown=body,
            body_html=render_markdown(body),
            created_at=now,
        )
        ConversationParticipant.objects.bulk_create(
            ConversationParticipant(
                conversation=conversation,
                user=user,
                user_name=display_name(user),
                joined_at=now,
                last_read_number=1 if user.pk == by.pk else 0,
                last_message_at=now,
                message_count=1,
            )
            for user in [by, *others]
        )
        attachments.attach_to_message(message, list(files), by=by)
        _defer_emails(message.pk)
    return conversation


def send_message(conversation: Conversation, *, by, body: str, confirmed_private: bool = False, files=()):
    """Add a message; ``files`` (checked by attachments.check_all) are stored with it, or none is."""
    body = clean_body(body)
    _guard(body, confirmed=confirmed_private)
    name = display_name(by)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if participant_for(locked.pk, by) is None:
            raise NotAllowed("You are not in this conversation.")
        now = timezone.now()
        number = locked.message_count + 1
        message = ConversationMessage.objects.create(
            conversation=locked,
            number=number,
            author=by,
            author_name=name,
            body_markdown=body,
            body_html=render_markdown(body),
            created_at=now,
        )
        Conversation.objects.filter(pk=locked.pk).update(
            message_count=F("message_count") + 1, last_message_at=now, last_author_name=name
        )
        ConversationParticipant.objects.filter(conversation=locked).update(
            message_count=number, last_message_at=now
        )
        ConversationParticipant.objects.filter(conversation=locked, user=by).update(last_read_number=number)
        attachments.attach_to_message(message, list(files), by=by)
        _defer_emails(message.pk)
    return message


def mark_read(participant: ConversationParticipant, number: int) -> None:
    """Move the participant's read position forward (never back)."""
    if number > participant.last_read_number:
        ConversationParticipant.objects.filter(pk=participant.pk, last_read_number__lt=number).update(
            last_read_number=number
        )
        participant.last_read_number = number


def leave(conversation: Conversation, *, by) -> None:
    with transaction.atomic():
        left = ConversationParticipant.objects.filter(
            conversation=conversation, user=by, left_at__isnull=True
        ).update(left_at=timezone.now())
    if not left:
        raise NotAllowed("You are not in this conversation.")


def unread_conversations(user) -> int:
    """How many of the member's conversations have messages they have not read."""
    if not is_member(user):
        return 0
    return ConversationParticipant.objects.filter(
        user=user, left_at__isnull=True, message_count__gt=F("last_read_number")
    ).count()


def report_message(message: ConversationMessage, *, by, reason: str, note: str = "") -> MessageReport:
    if participant_for(message.conversation_id, by) is None:
        raise NotAllowed("You cannot report this message.")
    if message.author_id == by.pk:
        raise ForumError("You cannot report your own message.")
    if reason not in PostReport.Reason.values:
        raise ForumError("Choose a reason for the report.")
    note = " ".join((note or "").replace("\x00", "").split())[:1000]
    try:
        with transaction.atomic():
            return MessageReport.objects.create(
                message=message, reporter=by, reporter_name=display_name(by), reason=reason, note=note
            )
    except IntegrityError:
        raise ForumError("You have already reported this message; a moderator will look at it.")


def resolve_message_report(report: MessageReport, *, by) -> MessageReport:
    if not access.can_see_reported_message(by):
        raise NotAllowed("Only moderators can act on reports.")
    with transaction.atomic():
        updated = MessageReport.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=by
        )
        if not updated:
            raise ForumError("This report has already been dealt with.")
        record(by, Action.RESOLVE_MESSAGE, message=report.message_id, report=report.pk)
    report.refresh_from_db()
    return report


def _defer_emails(message_id: int) -> None:
    transaction.on_commit(lambda: email_participants(message_id), robust=True)


def email_participants(message_id: int) -> int:
    """Tell the other participants a message is waiting. Checked at sending: ex-members get nothing."""
    message = ConversationMessage.objects.select_related("conversation").filter(pk=message_id).first()
    if message is None:
        return 0
    rows = ConversationParticipant.objects.filter(
        conversation_id=message.conversation_id, left_at__isnull=True
    )
    if message.author_id is not None:  # a deleted author's message goes to everyone left
        rows = rows.exclude(user_id=message.author_id)
    url = settings.SITE_URL + reverse("forum:conversation", args=[message.conversation_id])
    sent = 0
    for user in User.objects.filter(pk__in=rows.values("user_id")):
        if not is_member(user):
            continue
        send_mail(
            "[Task Force Commons] You have a new private message",
            f"{message.author_name} sent you a private message on Task Force Commons.\n\n"
            f"Sign in to read it:\n{url}\n",
            None,
            [user.email],
        )
        sent += 1
    return sent
