"""Fulfilling a request by a training event: the link, and the status it moves the request to.

The event is read through tta.training_events (tta does not import trainings) and must be
published. An upcoming event moves the request to Scheduled and an ended one to Delivered,
when the transitions table allows that move from where the request is; otherwise the link
is recorded and the status stays for staff to move. The event's proposed match, if the
matcher proposed it, is accepted with it.
"""

from django.db import transaction
from django.utils import timezone

from config.errors import ServiceError
from tta import access, training_events
from tta.models import FINISHED_STATUSES, Match, RequestEvent, TTARequest
from tta.models import RequestStatus as S
from tta.services.checks import require
from tta.services.requests import record_event
from tta.services.status import TRANSITIONS, _email_requester, locked_request

CHOOSE_AN_EVENT = "Choose a published training event."


def fulfil_by_event(user, request_id: int, event_id) -> tuple[TTARequest, bool]:
    """Link the request to the event; returns the request and whether its status moved.

    Fulfilling again by the same event (a second click) changes and records nothing; another
    event replaces the link, and the timeline keeps both.
    """
    require(access.can_triage(user), "Only TTA staff fulfil a request by an event.")
    event = training_events.event(event_id)
    if event is None:
        raise ServiceError(CHOOSE_AN_EVENT, field="event")
    with transaction.atomic():
        tta_request = locked_request(request_id)
        current = tta_request.status
        if current in FINISHED_STATUSES:
            raise ServiceError(
                f"This request is {S(current).label.lower()}: a finished request is not fulfilled again.",
                field="event",
            )
        if tta_request.fulfilled_by_event == event.pk:
            return tta_request, False
        target = S.DELIVERED if event.has_ended() else S.SCHEDULED
        moves = current != target and target in TRANSITIONS[current]
        tta_request.fulfilled_by_event = event.pk
        tta_request.fulfilled_by_title = event.title[:300]
        tta_request.fulfilled_by_url = event.url
        fields = ["fulfilled_by_event", "fulfilled_by_title", "fulfilled_by_url"]
        if moves:
            tta_request.status = target
            tta_request.status_changed_at = timezone.now()
            fields += ["status", "status_changed_at"]
        tta_request.save(update_fields=fields)
        record_event(
            tta_request,
            user,
            RequestEvent.Kind.FULFILLED,
            detail=f"Fulfilled by {event.title}",
            from_status=current if moves else "",
            to_status=target if moves else "",
        )
        Match.objects.filter(
            request=tta_request, target_key=f"event:{event.pk}", state=Match.State.PROPOSED
        ).update(state=Match.State.ACCEPTED, decided_by=user, decided_at=timezone.now())
        if moves:
            _email_requester(tta_request, target)
    return tta_request, moves
