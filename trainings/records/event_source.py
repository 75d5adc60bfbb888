"""The record source for events: one entry per event the member attended and that has ended.

Attendance is what staff marked on the roster or what the member's check-in recorded
(``Registration.attended``); hours are the event's credit hours when staff set them, else
its duration to the quarter hour.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from trainings.models import Registration, RegistrationStatus
from trainings.record_entries import RecordEntry, record_source

QUARTER = Decimal("0.25")


def event_hours(event) -> Decimal:
    """The event's credit hours if staff set them (a three-day conference is not 72 hours);
    otherwise its length, rounded to the nearest quarter hour (at least a quarter)."""
    if event.credit_hours is not None:
        return event.credit_hours
    seconds = Decimal((event.ends_at - event.starts_at).total_seconds())
    quarters = (seconds / Decimal(900)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(quarters, Decimal(1)) * QUARTER


@record_source
def attended_events(member) -> list[RecordEntry]:
    if not getattr(member, "is_authenticated", False):
        return []
    rows = Registration.objects.filter(
        member=member,
        status=RegistrationStatus.REGISTERED,
        attended=True,
        event__ends_at__lte=timezone.now(),
    ).select_related("event")
    return [
        RecordEntry(
            kind="event",
            key=f"event:{row.event.pk}",
            title=row.event.title,
            hours=event_hours(row.event),
            completed_at=row.event.ends_at,
        )
        for row in rows
    ]
