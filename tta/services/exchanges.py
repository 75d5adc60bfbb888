"""Peer exchanges: a call or visit between the task force asking for help and a peer task force.

Staff or the asking coordinator propose one from a peer task force match; both
coordinators must accept it; either may decline it with a reason, and the other
side and staff are emailed once the decline commits.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.errors import Conflict, NotPermitted, ServiceError
from members.models import User
from members.roles import TTA_STAFF
from tta import access
from tta.models import Match, PeerExchange, RequestEvent
from tta.services.checks import clean_text, require
from tta.services.requests import record_event

NO_LONGER_WAITING = "This exchange is no longer waiting for answers."


def propose_exchange(user, match_id: int, note: str = "") -> PeerExchange:
    """Propose a call or visit with the peer task force of a match; both coordinators must then accept."""
    match = Match.objects.select_related("request", "assessment").get(pk=match_id)
    if match.kind != Match.Kind.PEER_TASK_FORCE or match.peer_task_force_id is None:
        raise ServiceError("A peer exchange is proposed from a peer task force match.")
    owner = match.request or match.assessment
    topic_id = match.request.topic_id if match.request else match.need_id
    if owner is None or topic_id is None:  # a match always has one of them; refuse rather than guess
        raise ServiceError("This match belongs to no request or needs assessment.")
    seeking_id = owner.task_force_id
    require(
        access.can_triage(user) or access.can_edit_assessment(user, seeking_id),
        "TTA staff or the task force's coordinator propose exchanges.",
    )
    note = clean_text(note, "note", limit=2000)
    with transaction.atomic():
        # The match row serialises two proposals of it at once (a double click): the second
        # waits, then finds the first's exchange open and returns it.
        Match.objects.select_for_update().filter(pk=match.pk).first()
        open_one = PeerExchange.objects.filter(
            seeking_id=seeking_id,
            host_id=match.peer_task_force_id,
            topic_id=topic_id,
            state=PeerExchange.State.PROPOSED,
        ).first()
        if open_one:
            return open_one
        exchange = PeerExchange.objects.create(
            match=match,
            seeking_id=seeking_id,
            host_id=match.peer_task_force_id,
            topic_id=topic_id,
            note=note,
            proposed_by=user,
        )
        if match.request_id:
            record_event(
                match.request,
                user,
                RequestEvent.Kind.EXCHANGE,
                detail=f"Peer exchange with {match.title} proposed: waiting for both coordinators",
            )
        return exchange


def accept_exchange(user, exchange_id: int) -> PeerExchange:
    with transaction.atomic():
        exchange = PeerExchange.objects.select_for_update().get(pk=exchange_id)
        if exchange.state != PeerExchange.State.PROPOSED:
            raise Conflict(NO_LONGER_WAITING)
        side = access.can_answer_exchange(user, exchange)
        require(side is not None, "Only the coordinators of the two task forces accept an exchange.")
        setattr(exchange, f"{side}_accepted_by", user)
        if exchange.seeking_accepted_by_id and exchange.host_accepted_by_id:
            exchange.state = PeerExchange.State.AGREED
        exchange.save(update_fields=[f"{side}_accepted_by", "state"])
        tta_request = exchange.match.request if exchange.match else None
        if tta_request is not None:
            which = "the task force asking" if side == "seeking" else "the host task force"
            agreed = "; both have agreed" if exchange.state == PeerExchange.State.AGREED else ""
            record_event(
                tta_request,
                user,
                RequestEvent.Kind.EXCHANGE,
                detail=f"Peer exchange accepted by {which}{agreed}",
            )
    return exchange


def decline_exchange(user, exchange_id: int, reason: str) -> PeerExchange:
    """Either coordinator declines a proposed exchange with a reason; the other side and staff are emailed."""
    reason = clean_text(reason, "reason", required=True, limit=2000)
    with transaction.atomic():
        exchange = (
            PeerExchange.objects.select_for_update(of=("self",))
            .select_related("seeking", "host", "topic", "match__request")
            .get(pk=exchange_id)
        )
        side = access.side_to_decline(user, exchange)
        if side is None:
            raise NotPermitted("Only the coordinators of the two task forces decline an exchange.")
        if exchange.state != PeerExchange.State.PROPOSED:
            raise Conflict(NO_LONGER_WAITING)
        exchange.state = PeerExchange.State.DECLINED
        exchange.declined_by = user
        exchange.declined_by_name = user.get_full_name()
        exchange.declined_side = side
        exchange.decline_reason = reason
        exchange.declined_at = timezone.now()
        exchange.save(
            update_fields=[
                "state",
                "declined_by",
                "declined_by_name",
                "declined_side",
                "decline_reason",
                "declined_at",
            ]
        )
        declining = exchange.seeking if side == "seeking" else exchange.host
        tta_request = exchange.match.request if exchange.match else None
        if tta_request is not None:
            record_event(
                tta_request,
                user,
                RequestEvent.Kind.EXCHANGE,
                detail=f"Peer exchange with {exchange.host.name} declined by {declining.name}: {reason}",
            )
        _email_exchange_declined(exchange, side, declining, tta_request)
    return exchange


def _email_exchange_declined(exchange, side, declining, tta_request):
    other_id = exchange.host_id if side == "seeking" else exchange.seeking_id
    people = User.objects.filter(is_active=True, status=User.Status.APPROVED).exclude(email="")
    recipients = list(
        people.filter(task_force_id=other_id, is_coordinator=True).values_list("email", flat=True)
    )
    if tta_request is not None and tta_request.assignee_id:
        staff = people.filter(pk=tta_request.assignee_id)
    else:
        staff = people.filter(groups__name=TTA_STAFF)
    recipients += [email for email in staff.values_list("email", flat=True) if email not in recipients]
    url = settings.SITE_URL + reverse("tta:index")
    subject = f"Peer exchange declined: {exchange.seeking.name} with {exchange.host.name}"
    body = (
        f"{exchange.declined_by_name} ({declining.name}) declined the proposed peer exchange between "
        f"{exchange.seeking.name} and {exchange.host.name} on {exchange.topic.name}.\n\n"
        f"Reason: {exchange.decline_reason}\n\nSee your TTA page: {url}\n"
    )
    # One message per person, so nobody sees the others' addresses.
    messages = [(subject, body, None, [email]) for email in recipients]
    transaction.on_commit(lambda: send_mass_mail(messages))
