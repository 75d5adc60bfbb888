"""Filing a TTA request, and the request's timeline: every change to a request is one RequestEvent.

Staff are emailed when a request is filed, once the filing commits.
"""

from datetime import date

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from config.errors import ServiceError
from members.models import TaskForce
from taxonomy.models import Facet, Term
from tta import access
from tta.models import REQUEST_TOPIC_FACETS, Delivery, RequestEvent, RequestStatus, TTARequest, Urgency
from tta.querysets import tta_staff_people
from tta.services.checks import clean_text, require


def record_event(tta_request, user, kind, *, detail="", from_status="", to_status="", internal=False):
    """Add one entry to the request's timeline; ``internal`` ones only staff see."""
    return RequestEvent.objects.create(
        request=tta_request,
        kind=kind,
        actor=user,
        actor_name=user.get_full_name() if user else "",
        from_status=from_status,
        to_status=to_status,
        detail=detail[:500],
        internal=internal,
    )


def _clean_request(topic, audience, description, urgency, fmt, preferred_from, preferred_to):
    topic = Term.objects.filter(pk=getattr(topic, "pk", topic)).first()
    if topic is None or topic.retired or topic.facet not in REQUEST_TOPIC_FACETS:
        raise ServiceError("Choose a current topic from the list; that one has been retired.", field="topic")
    if audience is not None and (audience.retired or audience.facet != Facet.AUDIENCE):
        raise ServiceError("Choose a current audience from the list.", field="audience")
    description = clean_text(description, "description", required=True)
    if urgency not in Urgency.values:
        raise ServiceError("Choose an urgency from the list.", field="urgency")
    if fmt not in Delivery.values:
        raise ServiceError("Choose a format from the list.", field="format")
    if preferred_from and preferred_to and preferred_to < preferred_from:
        raise ServiceError("The end of the window must not be before its start.", field="preferred_to")
    return topic, description


def file_request(
    user,
    task_force: TaskForce,
    *,
    topic: Term,
    description: str,
    urgency: str = Urgency.NORMAL,
    fmt: str = Delivery.VIRTUAL,
    preferred_from: date | None = None,
    preferred_to: date | None = None,
    audience: Term | None = None,
) -> TTARequest:
    require(
        access.can_file_request(user, task_force.pk), "You can only file requests for your own task force."
    )
    topic, description = _clean_request(
        topic, audience, description, urgency, fmt, preferred_from, preferred_to
    )
    with transaction.atomic():
        tta_request = TTARequest.objects.create(
            task_force=task_force,
            requester=user,
            requester_name=user.get_full_name(),
            topic=topic,
            audience=audience,
            description=description,
            urgency=urgency,
            format=fmt,
            preferred_from=preferred_from,
            preferred_to=preferred_to,
        )
        record_event(tta_request, user, RequestEvent.Kind.FILED, to_status=RequestStatus.RECEIVED)
        _email_staff_new_request(tta_request)
    return tta_request


def _email_staff_new_request(tta_request: TTARequest) -> None:
    """Tell every member of TTA staff that a request is waiting, once the filing commits."""
    recipients = list(tta_staff_people().exclude(email="").values_list("email", flat=True).distinct())
    if not recipients:
        return
    url = settings.SITE_URL + reverse("tta:staff_request", args=[tta_request.pk])
    queue = settings.SITE_URL + reverse("tta:staff")
    urgency = tta_request.get_urgency_display()
    subject = f"New TTA request #{tta_request.pk}: {tta_request.topic.name}"
    body = (
        f"{tta_request.requester_name or 'A member'} of {tta_request.task_force.name} asked for "
        f"training or technical assistance on {tta_request.topic.name}.\n\n"
        f"Urgency: {urgency}\nPreferred format: {tta_request.get_format_display()}\n\n"
        f"Triage it here: {url}\nThe staff queue: {queue}\n"
    )
    # One message per person, so nobody sees the others' addresses.
    messages = [(subject, body, None, [email]) for email in recipients]
    transaction.on_commit(lambda: send_mass_mail(messages))
