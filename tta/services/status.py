"""A request's status: the transitions it may take, and moving it along them.

The requester is emailed of every move once it commits.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.errors import Conflict, ServiceError
from tta import access
from tta.models import RequestEvent, TTARequest
from tta.models import RequestStatus as S
from tta.services.checks import clean_text, require
from tta.services.requests import record_event

TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ASSIGNED, S.MATCHED, S.DECLINED}),
    S.ASSIGNED: frozenset({S.MATCHED, S.SCHEDULED, S.DECLINED}),
    S.MATCHED: frozenset({S.ASSIGNED, S.SCHEDULED, S.DECLINED}),
    S.SCHEDULED: frozenset({S.MATCHED, S.DELIVERED, S.DECLINED}),
    S.DELIVERED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.DECLINED: frozenset(),
}

# The step a request usually takes next: what the status drop-down offers first.
NEXT_STATUS: dict[str, str] = {
    S.RECEIVED: S.ASSIGNED,
    S.ASSIGNED: S.MATCHED,
    S.MATCHED: S.SCHEDULED,
    S.SCHEDULED: S.DELIVERED,
    S.DELIVERED: S.CLOSED,
}


class InvalidTransition(ServiceError):
    """The request cannot go there from where it is (or, finished, cannot change at all)."""


class ChangedMeanwhile(Conflict):
    """Someone else changed the request after this person loaded it."""


def allowed_transitions(status: str) -> list[tuple[str, str]]:
    """(value, label) of the statuses a request may move to from ``status``, the usual next step first."""
    allowed = [(value, label) for value, label in S.choices if value in TRANSITIONS.get(status, ())]
    following = NEXT_STATUS.get(status)
    return sorted(allowed, key=lambda choice: choice[0] != following)


def locked_request(request_id) -> TTARequest:
    """The request, its row locked until the transaction ends, so two staff changing it take turns."""
    return (
        TTARequest.objects.select_for_update(of=("self",))
        .select_related("topic", "requester")
        .get(pk=request_id)
    )


def _email_requester(tta_request, to_status, reason=""):
    requester = tta_request.requester
    if requester is None or not requester.is_active or not requester.email:
        return
    url = settings.SITE_URL + reverse("tta:request", args=[tta_request.pk])
    label = S(to_status).label
    body = (
        f"Your TTA request #{tta_request.pk} ({tta_request.topic.name}) is now: {label}.\n"
        + (f"\nReason: {reason}\n" if reason else "")
        + f"\nSee it here: {url}\n"
    )
    subject = f"TTA request #{tta_request.pk}: {label}"
    transaction.on_commit(lambda: send_mail(subject, body, None, [requester.email]))


def change_status(
    user, request_id: int, to_status: str, *, reason: str = "", expected_status: str | None = None
):
    """Move a request to ``to_status`` if the transitions table allows it from where it is now.

    The row is locked, so two staff changing it at once take turns; the second
    sees the first's change. With ``expected_status`` (the status the person
    saw), a change made meanwhile is refused instead of silently overridden.
    """
    require(access.can_triage(user), "Only TTA staff change a request's status.")
    if to_status not in S.values:
        raise InvalidTransition("Unknown status.")
    reason = clean_text(reason, "reason", limit=2000)
    with transaction.atomic():
        tta_request = locked_request(request_id)
        current = tta_request.status
        if expected_status and current != expected_status:
            raise ChangedMeanwhile(
                f"Someone changed this request to {S(current).label} while you were looking; "
                "check it and try again."
            )
        if to_status not in TRANSITIONS[current]:
            offered = ", ".join(label for _, label in allowed_transitions(current)) or "nothing more"
            raise InvalidTransition(
                f"A request cannot go from {S(current).label} to {S(to_status).label}; "
                f"from {S(current).label} it can go to {offered}. Nothing was changed."
            )
        if to_status == S.DECLINED and not reason:
            raise ServiceError("Give the requester a reason for declining.", field="reason")
        tta_request.status = to_status
        tta_request.status_changed_at = timezone.now()
        fields = ["status", "status_changed_at"]
        if to_status == S.DECLINED:
            tta_request.decline_reason = reason
            fields.append("decline_reason")
        tta_request.save(update_fields=fields)
        record_event(
            tta_request,
            user,
            RequestEvent.Kind.STATUS,
            from_status=current,
            to_status=to_status,
            detail=reason,
        )
        _email_requester(tta_request, to_status, reason)
    return tta_request
