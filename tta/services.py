"""The actions that change TTA state: one typed function each, with its permission check and transaction.

Bad input raises ValidationError with a message a person can act on; a missing
right raises PermissionDenied. Requesters are emailed after the change commits,
so a rolled-back change never sends mail.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail, send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from members.access import is_member
from members.models import TaskForce, User
from members.roles import MEMBER, TTA_STAFF
from taxonomy.models import Facet, Term
from tta import access
from tta.matching import task_force_members_url
from tta.models import (
    FINISHED_STATUSES,
    MAX_TEXT,
    AreaRating,
    AssessmentRevision,
    Cycle,
    Delivery,
    InternalNote,
    Match,
    NeedsAssessment,
    PeerExchange,
    PublicFigure,
    RequestEvent,
    RequestStatus,
    ServiceTarget,
    StaffQueueVisit,
    TTARequest,
    Urgency,
)

RATED_FACETS = (Facet.PRACTICE_AREA, Facet.PHASE)
REQUEST_TOPIC_FACETS = (Facet.PRACTICE_AREA, Facet.PHASE, Facet.TRAFFICKING_TYPE)

S = RequestStatus
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


def allowed_transitions(status: str) -> list[tuple[str, str]]:
    """(value, label) of the statuses a request may move to from ``status``, the usual next step first."""
    allowed = [(value, label) for value, label in S.choices if value in TRANSITIONS.get(status, ())]
    following = NEXT_STATUS.get(status)
    return sorted(allowed, key=lambda choice: choice[0] != following)


class AlreadySubmitted(ValidationError):
    pass


class CycleClosed(ValidationError):
    pass


class InvalidTransition(ValidationError):
    pass


class ChangedMeanwhile(ValidationError):
    """Someone else changed the request after this person loaded it."""


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _text(value, field, *, required=False, limit=MAX_TEXT) -> str:
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationError({field: "This cannot be empty."})
    if len(value) > limit:
        raise ValidationError({field: f"Keep this to {limit:,} characters or fewer."})
    return value


# Cycles and service targets


def open_cycle(user, name: str, opens: date, closes: date) -> Cycle:
    """Open a new cycle; any other open cycle closes, so there is one current cycle."""
    _require(access.can_manage_cycles(user), "Only TTA staff open cycles.")
    name = _text(name, "name", required=True, limit=80)
    if closes < opens:
        raise ValidationError({"closes": "A cycle must close on or after the day it opens."})
    with transaction.atomic():
        Cycle.objects.filter(is_open=True).update(is_open=False)
        cycle, _ = Cycle.objects.update_or_create(
            name=name, defaults={"opens": opens, "closes": closes, "is_open": True}
        )
    return cycle


def close_cycle(user, cycle: Cycle) -> Cycle:
    _require(access.can_manage_cycles(user), "Only TTA staff close cycles.")
    Cycle.objects.filter(pk=cycle.pk).update(is_open=False)
    cycle.is_open = False
    return cycle


def set_service_target(user, status: str, days: int) -> ServiceTarget:
    _require(access.can_manage_cycles(user), "Only TTA staff set service targets.")
    if status not in S.values:
        raise ValidationError({"status": "Unknown status."})
    if status in FINISHED_STATUSES:
        raise ValidationError(
            {"status": "A closed or declined request is finished: it has no service target."}
        )
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError({"days": "A service target is 1 to 365 days."})
    target, _ = ServiceTarget.objects.update_or_create(status=status, defaults={"days": days})
    return target


# Needs assessments


def _rating_value(value, field):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: "Choose a number from 1 to 5."}) from None
    if not 1 <= number <= 5:
        raise ValidationError({field: "Choose a number from 1 to 5."})
    return number


def snapshot(assessment: NeedsAssessment) -> dict:
    ratings = AreaRating.objects.filter(assessment=assessment).select_related("term").order_by("term__slug")
    return {
        "status": assessment.status,
        "preferred_delivery": list(assessment.preferred_delivery),
        "audiences": sorted(assessment.audiences.values_list("slug", flat=True)),
        "context": assessment.context,
        "ratings": {r.term.slug: [r.capacity, r.priority] for r in ratings},
    }


def _record_revision(assessment, user):
    number = (assessment.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    AssessmentRevision.objects.create(
        assessment=assessment,
        number=number,
        status=assessment.status,
        snapshot=snapshot(assessment),
        saved_by=user,
    )


def _current_assessment(task_force_id, cycle_id):
    # A submitted one wins: later changes amend it (with a revision) rather than start a second.
    return (
        NeedsAssessment.objects.filter(task_force_id=task_force_id, cycle_id=cycle_id)
        .order_by("-status", "pk")  # "submitted" sorts after "draft"
        .first()
    )


def save_draft(
    user,
    task_force: TaskForce,
    cycle: Cycle,
    *,
    ratings: dict[int, tuple],
    preferred_delivery=(),
    audience_ids=(),
    context: str = "",
) -> NeedsAssessment:
    """Save the assessment as far as it goes.

    ``ratings`` maps a Term id to (capacity, priority); blanks are allowed until submission.
    """
    _require(
        access.can_edit_assessment(user, task_force.pk),
        "Only the task force's coordinator edits its assessment.",
    )
    if not cycle.is_open:
        raise CycleClosed("This cycle is closed; assessments can no longer be changed.")
    rated_terms = {
        t.pk: t for t in Term.objects.current().filter(facet__in=RATED_FACETS, pk__in=list(ratings))
    }
    cleaned = {}
    for term_id, (capacity, priority) in ratings.items():
        if term_id not in rated_terms:
            raise ValidationError({"ratings": "One of the areas is not (or no longer) in the taxonomy."})
        name = rated_terms[term_id].name
        cleaned[term_id] = (
            _rating_value(capacity, f"capacity of {name}"),
            _rating_value(priority, f"priority of {name}"),
        )
    delivery = list(dict.fromkeys(preferred_delivery))
    if any(value not in Delivery.values for value in delivery):
        raise ValidationError({"preferred_delivery": "Choose from the listed ways of delivery."})
    audience_ids = set(audience_ids)
    audiences = list(Term.objects.current().filter(facet=Facet.AUDIENCE, pk__in=audience_ids))
    if len(audiences) != len(audience_ids):
        raise ValidationError({"audiences": "One of the audiences is not (or no longer) in the taxonomy."})
    context = _text(context, "context")

    with transaction.atomic():
        # The task force row serialises two saves of the same assessment.
        TaskForce.objects.select_for_update().filter(pk=task_force.pk).first()
        assessment = _current_assessment(task_force.pk, cycle.pk) or NeedsAssessment.objects.create(
            task_force=task_force, cycle=cycle, updated_by=user
        )
        if assessment.is_submitted and any(None in pair for pair in cleaned.values()):
            # Submitted means complete: a later change is a revision, never a blank.
            raise ValidationError(
                {"ratings": "This assessment is submitted: change a rating, but every area keeps one."}
            )
        assessment.preferred_delivery = delivery
        assessment.context = context
        assessment.updated_at = timezone.now()
        assessment.updated_by = user
        assessment.save(update_fields=["preferred_delivery", "context", "updated_at", "updated_by"])
        assessment.audiences.set(audiences)
        existing = {r.term_id: r for r in AreaRating.objects.filter(assessment=assessment)}
        to_create, to_update = [], []
        for term_id, (capacity, priority) in cleaned.items():
            row = existing.get(term_id)
            if row is None:
                to_create.append(
                    AreaRating(assessment=assessment, term_id=term_id, capacity=capacity, priority=priority)
                )
            elif (row.capacity, row.priority) != (capacity, priority):
                row.capacity, row.priority = capacity, priority
                to_update.append(row)
        AreaRating.objects.bulk_create(to_create)
        AreaRating.objects.bulk_update(to_update, ["capacity", "priority"])
        _record_revision(assessment, user)
    return assessment


def missing_areas(assessment: NeedsAssessment) -> list[Term]:
    """Current practice areas and phases not yet given both a capacity and a priority."""
    rated = set(
        AreaRating.objects.filter(
            assessment=assessment, capacity__isnull=False, priority__isnull=False
        ).values_list("term_id", flat=True)
    )
    return [t for t in Term.objects.current().filter(facet__in=RATED_FACETS) if t.pk not in rated]


def submit_assessment(user, assessment: NeedsAssessment) -> NeedsAssessment:
    _require(
        access.can_submit_assessment(user, assessment.task_force_id),
        "Only the task force's coordinator can submit its assessment.",
    )
    with transaction.atomic():
        TaskForce.objects.select_for_update().filter(pk=assessment.task_force_id).first()
        assessment = NeedsAssessment.objects.select_related("cycle").get(pk=assessment.pk)
        if not assessment.cycle.is_open:
            raise CycleClosed("This cycle is closed; assessments can no longer be submitted.")
        already = NeedsAssessment.objects.filter(
            task_force_id=assessment.task_force_id,
            cycle_id=assessment.cycle_id,
            status=NeedsAssessment.Status.SUBMITTED,
        ).exists()
        if already:
            raise AlreadySubmitted("This task force has already submitted its assessment for this cycle.")
        missing = missing_areas(assessment)
        if missing:
            names = ", ".join(t.name for t in missing[:5])
            raise ValidationError(f"Rate capacity and priority for every area first; missing: {names}.")
        assessment.status = NeedsAssessment.Status.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.submitted_by = user
        try:
            with transaction.atomic():
                assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
        except IntegrityError:
            raise AlreadySubmitted(
                "This task force has already submitted its assessment for this cycle."
            ) from None
        _record_revision(assessment, user)
    return assessment


# Requests


def _event(tta_request, user, kind, *, detail="", from_status="", to_status="", internal=False):
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
    _require(
        access.can_file_request(user, task_force.pk), "You can only file requests for your own task force."
    )
    topic = Term.objects.filter(pk=getattr(topic, "pk", topic)).first()
    if topic is None or topic.retired or topic.facet not in REQUEST_TOPIC_FACETS:
        raise ValidationError({"topic": "Choose a current topic from the list; that one has been retired."})
    if audience is not None and (audience.retired or audience.facet != Facet.AUDIENCE):
        raise ValidationError({"audience": "Choose a current audience from the list."})
    description = _text(description, "description", required=True)
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": "Choose an urgency from the list."})
    if fmt not in Delivery.values:
        raise ValidationError({"format": "Choose a format from the list."})
    if preferred_from and preferred_to and preferred_to < preferred_from:
        raise ValidationError({"preferred_to": "The end of the window must not be before its start."})
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
        _event(tta_request, user, RequestEvent.Kind.FILED, to_status=S.RECEIVED)
        _email_staff_new_request(tta_request)
    return tta_request


def tta_staff_people():
    """Active, approved accounts in the TTA staff group: who triages, and who is told of new requests."""
    return User.objects.filter(groups__name=TTA_STAFF, is_active=True, status=User.Status.APPROVED)


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


def mark_queue_seen(user) -> None:
    """Record that this staff member has looked at the request queue now."""
    _require(access.can_triage(user), "Only TTA staff read the request queue.")
    now = timezone.now()
    if not StaffQueueVisit.objects.filter(user=user).update(seen_at=now):
        StaffQueueVisit.objects.get_or_create(user=user, defaults={"seen_at": now})


def _locked(request_id) -> TTARequest:
    return (
        TTARequest.objects.select_for_update(of=("self",))
        .select_related("topic", "requester")
        .get(pk=request_id)
    )


def change_status(
    user, request_id: int, to_status: str, *, reason: str = "", expected_status: str | None = None
):
    """Move a request to ``to_status`` if the transitions table allows it from where it is now.

    The row is locked, so two staff changing it at once take turns; the second
    sees the first's change. With ``expected_status`` (the status the person
    saw), a change made meanwhile is refused instead of silently overridden.
    """
    _require(access.can_triage(user), "Only TTA staff change a request's status.")
    if to_status not in S.values:
        raise InvalidTransition("Unknown status.")
    reason = _text(reason, "reason", limit=2000)
    with transaction.atomic():
        tta_request = _locked(request_id)
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
            raise ValidationError({"reason": "Give the requester a reason for declining."})
        tta_request.status = to_status
        tta_request.status_changed_at = timezone.now()
        fields = ["status", "status_changed_at"]
        if to_status == S.DECLINED:
            tta_request.decline_reason = reason
            fields.append("decline_reason")
        tta_request.save(update_fields=fields)
        _event(
            tta_request,
            user,
            RequestEvent.Kind.STATUS,
            from_status=current,
            to_status=to_status,
            detail=reason,
        )
        _email_requester(tta_request, to_status, reason)
    return tta_request


def assign(user, request_id: int, assignee: User | None, due_date: date | None = None) -> TTARequest:
    """Set the assignee and due date; a received request becomes assigned."""
    _require(access.can_triage(user), "Only TTA staff assign requests.")
    if assignee is not None and not access.is_tta_staff(assignee):
        raise ValidationError({"assignee": "Requests are assigned to TTA staff."})
    with transaction.atomic():
        tta_request = _locked(request_id)
        if tta_request.status in (S.CLOSED, S.DECLINED):
            raise InvalidTransition("A closed or declined request cannot be reassigned.")
        if assignee is not None and tta_request.assignee_id != assignee.pk:
            tta_request.assignee = assignee
            _event(
                tta_request,
                user,
                RequestEvent.Kind.ASSIGNED,
                detail=f"Assigned to {assignee.get_full_name()}",
            )
        if due_date != tta_request.due_date:
            tta_request.due_date = due_date
            _event(
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


def add_note(user, request_id: int, text: str) -> InternalNote:
    _require(access.can_triage(user), "Only TTA staff write internal notes.")
    text = _text(text, "text", required=True)
    with transaction.atomic():
        tta_request = TTARequest.objects.get(pk=request_id)
        note = InternalNote.objects.create(
            request=tta_request, author=user, author_name=user.get_full_name(), text=text
        )
        _event(tta_request, user, RequestEvent.Kind.NOTE, detail="Internal note added", internal=True)
    return note


# Matches


def _store_candidates(owner: dict, candidates) -> int:
    """Save the matcher's candidates as proposed matches of ``owner`` (a request, or an assessment
    and one need); targets already matched there, decided or not, are left alone."""
    known = set(Match.objects.filter(**owner).values_list("target_key", flat=True))
    new = [
        Match(
            **owner,
            kind=c.kind,
            target_key=c.target_key,
            title=c.title[:300],
            url=c.url,
            peer_task_force_id=c.peer_task_force_id,
            peer_member_id=c.peer_member_id,
            score=c.score,
            reason=c.reason[:500],
        )
        for c in candidates
        if c.target_key not in known
    ]
    Match.objects.bulk_create(new)
    return len(new)


def store_proposals(tta_request: TTARequest, candidates) -> int:
    """Save the matcher's candidates for a request as proposed matches; existing ones are left as decided."""
    return _store_candidates({"request": tta_request}, candidates)


def propose_matches(user, request_id: int) -> int:
    from tta.matching import match_request

    _require(access.can_triage(user), "Only TTA staff run the matcher.")
    with transaction.atomic():
        tta_request = TTARequest.objects.select_related("topic", "audience").get(pk=request_id)
        if tta_request.topic.retired:
            # Filed before the topic was retired: the request still needs help, but the
            # matcher searches current topics only, as for an assessment's needs.
            raise ValidationError(
                {"topic": f"{tta_request.topic.name} has been retired from the taxonomy; add help by hand."}
            )
        added = store_proposals(tta_request, match_request(tta_request))
        # Staff-only, like the proposals themselves: the requester sees accepted matches.
        _event(
            tta_request,
            user,
            RequestEvent.Kind.MATCH,
            detail=f"Matcher run: {added} new proposal{'' if added == 1 else 's'}",
            internal=True,
        )
        return added


def _decide(user, match_id: int, state: str) -> Match:
    _require(access.can_triage(user), "Only TTA staff accept or reject matches.")
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match_id)
        if match.state != state:
            match.state = state
            match.decided_by = user
            match.decided_at = timezone.now()
            match.save(update_fields=["state", "decided_by", "decided_at"])
            if match.request_id:
                _event(
                    match.request,
                    user,
                    RequestEvent.Kind.MATCH,
                    detail=f"{Match.State(state).label}: {match.title}",
                    internal=state != Match.State.ACCEPTED,
                )
    return match


def accept_match(user, match_id: int) -> Match:
    return _decide(user, match_id, Match.State.ACCEPTED)


def reject_match(user, match_id: int) -> Match:
    return _decide(user, match_id, Match.State.REJECTED)


STAFF_KINDS = {
    Match.Kind.RESOURCE: "resource",
    Match.Kind.PRACTICE: "practice",
    Match.Kind.PEER_TASK_FORCE: "task_force",
    Match.Kind.PEER_MEMBER: "member",
}
STAFF_KIND_CHOICE = "Choose a resource, a practice, a peer task force or a peer member."
NEEDS_A_TITLE = "Give the match a title (and a link if there is one)."


def _number(value) -> int | None:
    if isinstance(value, int):
        return value
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


PEER_CHOICES_SHOWN = 20


class SeveralPeers(ValidationError):
    """The name staff typed fits several members who can be matched: they choose one of ``candidates``."""

    def __init__(self, message, candidates):
        super().__init__(message)
        self.candidates = candidates


def eligible_peer_members(seeking_task_force_id):
    """Approved, active members (as members.access.is_member counts them) outside the task force helped."""
    approved = User.objects.filter(is_active=True, status=User.Status.APPROVED).filter(
        Q(groups__name=MEMBER) | Q(is_superuser=True)
    )
    if seeking_task_force_id is not None:
        approved = approved.exclude(task_force_id=seeking_task_force_id)
    return approved.distinct()


def peer_members_named(name: str, seeking_task_force_id) -> list[User]:
    """Members who can be matched whose name holds every word typed, by name; at most one more than shown,
    so a caller can tell there were too many."""
    words = _text(name, "peer_member_name", limit=150).split()
    if not words:
        return []
    found = eligible_peer_members(seeking_task_force_id)
    for word in words:
        found = found.filter(full_name__icontains=word)
    return list(found.select_related("task_force").order_by("full_name", "pk")[: PEER_CHOICES_SHOWN + 1])


def _peer_member_by_name(name, seeking_task_force_id) -> User:
    """The one member the typed name points to, or a message saying what to do."""
    typed = " ".join(str(name or "").split())
    if not typed:
        raise ValidationError({"peer_member": "Type the peer member's name."})
    found = peer_members_named(typed, seeking_task_force_id)
    exact = [member for member in found if member.full_name.casefold() == typed.casefold()]
    if len(found) == 1 or len(exact) == 1:
        return exact[0] if len(exact) == 1 else found[0]
    if not found:
        raise ValidationError(
            {
                "peer_member": f"No approved member outside the task force asking for help is called "
                f"“{typed}”. Check the spelling, or type part of the name."
            }
        )
    if len(found) > PEER_CHOICES_SHOWN:
        raise ValidationError(
            {"peer_member": f"More than {PEER_CHOICES_SHOWN} members match “{typed}”: type more of the name."}
        )
    raise SeveralPeers(
        {"peer_member": f"{len(found)} members match “{typed}”: choose one and add the match again."},
        found,
    )


def _peer_member(value, seeking_task_force_id, name="") -> User:
    """The approved member staff chose (or named), from another task force than the one helped."""
    if isinstance(value, User):
        value = value.pk
    if not str(value or "").strip():
        return _peer_member_by_name(name, seeking_task_force_id)
    number = _number(value)
    member = (
        User.objects.filter(pk=number).select_related("task_force").first() if number is not None else None
    )
    if member is None:
        raise ValidationError({"peer_member": "That member could not be found: search for them by name."})
    if not is_member(member):
        raise ValidationError(
            {"peer_member": f"{member.get_full_name()} is not an approved member, so cannot be matched."}
        )
    if member.task_force_id is not None and member.task_force_id == seeking_task_force_id:
        raise ValidationError(
            {"peer_member": f"{member.get_full_name()} is in the task force asking for help: choose a peer."}
        )
    return member


def _peer_task_force(value, seeking_task_force_id) -> TaskForce:
    if isinstance(value, TaskForce):
        value = value.pk
    number = _number(value)
    task_force = TaskForce.objects.filter(pk=number, is_active=True).first() if number is not None else None
    if task_force is None:
        raise ValidationError({"peer_task_force": "Choose an active task force from the list."})
    if task_force.pk == seeking_task_force_id:
        raise ValidationError({"peer_task_force": "Choose another task force than the one asking for help."})
    return task_force


def _staff_match_fields(
    seeking_task_force_id, *, kind, title, url, reason, peer_member, peer_task_force, peer_member_name=""
) -> tuple[str, dict]:
    """Check what staff typed for a match and return its target key and fields.

    Resources and practices need a title; a peer member (chosen, or found by name) or a
    peer task force takes its title from the name when none is given. The key is
    the one the matcher uses for the same target, so a peer already proposed
    cannot be added twice.
    """
    kind = kind or Match.Kind.RESOURCE
    if kind not in STAFF_KINDS:
        raise ValidationError({"kind": STAFF_KIND_CHOICE})
    title = _text(title, "title", limit=300)
    url = _text(url, "url", limit=500)
    if url and not url.startswith(("https://", "http://", "/")):
        raise ValidationError(
            {"url": "Give a web address starting with https:// or a site path starting with /."}
        )
    reason = _text(reason, "reason", limit=500) or "Added by TTA staff"
    fields = {"peer_member": None, "peer_task_force": None}
    if kind == Match.Kind.PEER_MEMBER:
        member = fields["peer_member"] = _peer_member(peer_member, seeking_task_force_id, peer_member_name)
        key = f"member:{member.pk}"
        tf_name = member.task_force.name if member.task_force_id else ""
        title = title or (f"{member.get_full_name()} ({tf_name})" if tf_name else member.get_full_name())
        url = url or reverse("members:profile", args=[member.pk])
    elif kind == Match.Kind.PEER_TASK_FORCE:
        task_force = fields["peer_task_force"] = _peer_task_force(peer_task_force, seeking_task_force_id)
        key = f"task_force:{task_force.pk}"
        title = title or task_force.name
        url = url or task_force_members_url(task_force.pk)
    else:
        if not title:
            raise ValidationError({"title": NEEDS_A_TITLE})
        key = f"staff:{url or title}"[:120]
    return key, {
        **fields,
        "kind": kind,
        "title": title[:300],
        "url": url,
        "reason": reason,
        "score": 0,
        "added_by_staff": True,
        "state": Match.State.ACCEPTED,
    }


def _add_staff_match(user, owner: dict, seeking_task_force_id, where: str, **typed) -> Match:
    """Store a match staff added to ``owner`` (a request, or an assessment and need), accepted at once."""
    key, fields = _staff_match_fields(seeking_task_force_id, **typed)
    existing = Match.objects.filter(**owner, target_key=key).first()
    if existing is not None:
        raise ValidationError(
            f"{existing.title} is already on {where} ({existing.get_state_display().lower()}): "
            "accept or reject it in the list."
        )
    try:
        with transaction.atomic():
            return Match.objects.create(
                **owner, **fields, target_key=key, decided_by=user, decided_at=timezone.now()
            )
    except IntegrityError:  # added by someone else between the check and the insert
        raise ValidationError(f"That match is already on {where}.") from None


def _typed_match(kind, title, url, reason, peer_member, peer_task_force, peer_member_name="") -> dict:
    return {
        "peer_member_name": peer_member_name,
        "kind": kind,
        "title": title,
        "url": url,
        "reason": reason,
        "peer_member": peer_member,
        "peer_task_force": peer_task_force,
    }


def add_match(
    user,
    request_id: int,
    *,
    title: str = "",
    url: str = "",
    reason: str = "",
    kind: str = "",
    peer_member=None,
    peer_task_force=None,
    peer_member_name: str = "",
) -> Match:
    """Staff add help the matcher did not find: a resource or practice link, a peer task force,
    or a peer member (a User or their id, as the name search offers them, or a name that fits
    exactly one member); it is accepted at once."""
    _require(access.can_triage(user), "Only TTA staff add matches.")
    typed = _typed_match(kind, title, url, reason, peer_member, peer_task_force, peer_member_name)
    with transaction.atomic():
        tta_request = TTARequest.objects.get(pk=request_id)
        match = _add_staff_match(
            user, {"request": tta_request}, tta_request.task_force_id, "this request", **typed
        )
        _event(tta_request, user, RequestEvent.Kind.MATCH, detail=f"Added: {match.title}")
    return match


# Needs-assessment matches: stored and decided like a request's, one set per need (area)


def _assessment_need(assessment_id: int, need_id) -> tuple[NeedsAssessment, Term]:
    """The assessment and one of the areas it rated; anything else is refused."""
    assessment = NeedsAssessment.objects.select_related("task_force").get(pk=assessment_id)
    need = Term.objects.filter(
        pk=need_id if str(need_id).isdigit() else None,
        facet__in=RATED_FACETS,
        pk__in=AreaRating.objects.filter(assessment=assessment).values("term_id"),
    ).first()
    if need is None:
        raise ValidationError({"need": "Choose one of the areas this assessment rated."})
    if need.retired:
        # Same rule as filing a request: nothing new is matched or added under a retired
        # term; the matches already stored under it stay visible.
        retired = f"{need.name} has been retired from the taxonomy; find or add help under a current area."
        raise ValidationError({"need": retired})
    return assessment, need


def store_need_proposals(assessment: NeedsAssessment, need: Term, candidates) -> int:
    """Save the matcher's candidates for one need as proposed matches; decided ones are left alone."""
    return _store_candidates({"assessment": assessment, "need": need}, candidates)


def propose_need_matches(user, assessment_id: int, need_id) -> int:
    from tta.matching import match_need

    _require(access.can_triage(user), "Only TTA staff run the matcher.")
    assessment, need = _assessment_need(assessment_id, need_id)
    with transaction.atomic():
        return store_need_proposals(assessment, need, match_need(assessment, need))


def add_need_match(
    user,
    assessment_id: int,
    need_id,
    *,
    title: str = "",
    url: str = "",
    reason: str = "",
    kind: str = "",
    peer_member=None,
    peer_task_force=None,
    peer_member_name: str = "",
) -> Match:
    """Staff add help for one need the matcher did not find; it is accepted at once."""
    _require(access.can_triage(user), "Only TTA staff add matches.")
    assessment, need = _assessment_need(assessment_id, need_id)
    typed = _typed_match(kind, title, url, reason, peer_member, peer_task_force, peer_member_name)
    with transaction.atomic():
        return _add_staff_match(
            user,
            {"assessment": assessment, "need": need},
            assessment.task_force_id,
            f"the {need.name} need",
            **typed,
        )


# Peer exchanges


def propose_exchange(user, match_id: int, note: str = "") -> PeerExchange:
    """Propose a call or visit with the peer task force of a match; both coordinators must then accept."""
    match = Match.objects.select_related("request", "assessment").get(pk=match_id)
    if match.kind != Match.Kind.PEER_TASK_FORCE or match.peer_task_force_id is None:
        raise ValidationError("A peer exchange is proposed from a peer task force match.")
    owner = match.request or match.assessment
    seeking_id = owner.task_force_id
    topic_id = match.request.topic_id if match.request_id else match.need_id
    _require(
        access.can_triage(user) or access.can_edit_assessment(user, seeking_id),
        "TTA staff or the task force's coordinator propose exchanges.",
    )
    note = _text(note, "note", limit=2000)
    with transaction.atomic():
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
            _event(
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
            raise ValidationError("This exchange is no longer waiting for answers.")
        side = access.can_answer_exchange(user, exchange)
        _require(side is not None, "Only the coordinators of the two task forces accept an exchange.")
        setattr(exchange, f"{side}_accepted_by", user)
        if exchange.seeking_accepted_by_id and exchange.host_accepted_by_id:
            exchange.state = PeerExchange.State.AGREED
        exchange.save(update_fields=[f"{side}_accepted_by", "state"])
        tta_request = exchange.match.request if exchange.match_id else None
        if tta_request is not None:
            which = "the task force asking" if side == "seeking" else "the host task force"
            agreed = "; both have agreed" if exchange.state == PeerExchange.State.AGREED else ""
            _event(
                tta_request,
                user,
                RequestEvent.Kind.EXCHANGE,
                detail=f"Peer exchange accepted by {which}{agreed}",
            )
    return exchange


def decline_exchange(user, exchange_id: int, reason: str) -> PeerExchange:
    """Either coordinator declines a proposed exchange with a reason; the other side and staff are emailed."""
    reason = _text(reason, "reason", required=True, limit=2000)
    with transaction.atomic():
        exchange = (
            PeerExchange.objects.select_for_update(of=("self",))
            .select_related("seeking", "host", "topic", "match__request")
            .get(pk=exchange_id)
        )
        side = access.side_to_decline(user, exchange)
        _require(side is not None, "Only the coordinators of the two task forces decline an exchange.")
        if exchange.state != PeerExchange.State.PROPOSED:
            raise ValidationError("This exchange is no longer waiting for answers.")
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
        tta_request = exchange.match.request if exchange.match_id else None
        if tta_request is not None:
            _event(
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


# Public figures


def set_figure_public(user, slug: str, public: bool) -> PublicFigure:
    """Staff mark a dashboard figure public (shown aggregated and suppressed to anyone) or staff-only."""
    from tta.analysis import FIGURES

    _require(access.can_mark_figures_public(user), "Only TTA staff choose which figures are public.")
    if slug not in dict(FIGURES):
        raise ValidationError("There is no such figure.")
    figure, _ = PublicFigure.objects.update_or_create(
        slug=slug, defaults={"is_public": bool(public), "changed_by": user, "changed_at": timezone.now()}
    )
    return figure
