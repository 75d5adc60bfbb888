"""Staff marking who attended an event, from its roster.

Only registered attendees can be marked (not the waitlist), and only once the event has
started. Each save records the whole roster: ticked people attended, the others did not,
so a second save corrects the first.
"""

from django.db import transaction
from django.utils import timezone

from config.errors import NotPermitted, ServiceError
from members import audit
from members.models import AuditEvent
from trainings import access
from trainings.models import Event, Registration, RegistrationStatus


def mark_attendance(event: Event, present_ids: set[int], *, by, now=None) -> int:
    """Record attendance for every registered attendee; returns how many attended."""
    if not access.can_manage_event(by, event):
        raise NotPermitted("You cannot mark attendance for this event.")
    now = now or timezone.now()
    if not event.has_started(now):
        raise ServiceError("Attendance can be marked once the event has started.")
    with transaction.atomic():
        rows = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
        registered_ids = set(rows.values_list("pk", flat=True))
        if not present_ids <= registered_ids:
            raise ServiceError("Only registered attendees of this event can be marked as present.")
        marked = {"attendance_marked_at": now, "attendance_marked_by": by}
        rows.filter(pk__in=present_ids).update(attended=True, **marked)
        rows.exclude(pk__in=present_ids).update(attended=False, **marked)
        # Attendance earns hours on a certificate: who recorded it, and for how many, is kept.
        audit.record(
            AuditEvent.Action.ATTENDANCE,
            actor=by,
            subject=by,
            what="attendance marked by staff",
            event=event.pk,
            present=len(present_ids),
            absent=len(registered_ids - present_ids),
        )
    return len(present_ids)
