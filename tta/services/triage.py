"""What TTA staff do with a request in the queue besides moving its status: assign it, set a due date,
write internal notes; and the record of when each of them last looked at the queue."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from config.errors import ServiceError
from members.models import User
from tta import access
from tta.models import InternalNote, RequestEvent, StaffQueueVisit, TTARequest
from tta.models import RequestStatus as S
from tta.services.checks import clean_text, require
from tta.services.requests import record_event
from tta.services.status import InvalidTransition, change_status, locked_request


def assign(user, request_id: int, assignee: User | None, due_date: date | None = None) -> TTARequest:
    """Set the assignee and due date; a received request becomes assigned."""
    require(access.can_triage(user), "Only TTA staff assign requests.")
    if assignee is not None and not access.is_tta_staff(assignee):
        raise ServiceError("Requests are assigned to TTA staff.", field="assignee")
    with transaction.atomic():
        tta_request = locked_request(request_id)
        if tta_request.status in (S.CLOSED, S.DECLINED):
            raise InvalidTransition("A closed or declined request cannot be reassigned.")
        if assignee is not None and tta_request.assignee_id != assignee.pk:
            tta_request.assignee = assignee
            record_event(
                tta_request,
                user,
                RequestEvent.Kind.ASSIGNED,
                detail=f"Assigned to {assignee.get_full_name()}",
            )
        if due_date != tta_request.due_date:
            tta_request.due_date = due_date
            record_event(
                tta_request,
                user,
                RequestEvent.Kind.DUE,
                detail=f"Due {due_date:%b %d, %Y}" if due_date else "Due date cleared",
            )
        tta_request.save(update_fields=["assignee", "due_date"])
        if assignee is not None and tta_request.status == S.RECEIVED:
            change_status(user, tta_request.pk, S.ASSIGNED)
            tta_request.refresh_from_db()
    return tta_request


# A note the same person wrote on the same request this recently, word for word, is a second click.
REPEATED_NOTE_WINDOW = timedelta(minutes=10)


def add_note(user, request_id: int, text: str) -> InternalNote:
    """Add a staff-only note; the same note sent twice in a row (a double click) is stored once."""
    require(access.can_triage(user), "Only TTA staff write internal notes.")
    text = clean_text(text, "text", required=True)
    with transaction.atomic():
        tta_request = locked_request(request_id)
        latest = InternalNote.objects.filter(request=tta_request).order_by("-created_at", "-pk").first()
        if (
            latest is not None
            and latest.author_id == user.pk
            and latest.text == text
            and latest.created_at >= timezone.now() - REPEATED_NOTE_WINDOW
        ):
            return latest
        note = InternalNote.objects.create(
            request=tta_request, author=user, author_name=user.get_full_name(), text=text
        )
        record_event(tta_request, user, RequestEvent.Kind.NOTE, detail="Internal note added", internal=True)
    return note


def mark_queue_seen(user) -> None:
    """Record that this staff member has looked at the request queue now."""
    require(access.can_triage(user), "Only TTA staff read the request queue.")
    now = timezone.now()
    if not StaffQueueVisit.objects.filter(user=user).update(seen_at=now):
        StaffQueueVisit.objects.get_or_create(user=user, defaults={"seen_at": now})
