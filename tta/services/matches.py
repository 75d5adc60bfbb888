"""Matches: help proposed for a request, or for one need (area) of a needs assessment.

The matcher (tta.matching) proposes candidates, stored here as proposed matches;
staff accept or reject them, or add help the matcher did not find, which is accepted
at once. A target is matched once per request or need (its ``target_key``).
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from config.errors import Conflict, ServiceError
from taxonomy.models import Term
from tta import access
from tta.matching import match_need, match_request, task_force_members_url
from tta.models import RATED_FACETS, AreaRating, Match, NeedsAssessment, RequestEvent, TTARequest
from tta.services import peers
from tta.services.checks import clean_text, require
from tta.services.requests import record_event

STAFF_KINDS = {
    Match.Kind.RESOURCE: "resource",
    Match.Kind.PRACTICE: "practice",
    Match.Kind.PEER_TASK_FORCE: "task_force",
    Match.Kind.PEER_MEMBER: "member",
}
STAFF_KIND_CHOICE = "Choose a resource, a practice, a peer task force or a peer member."
NEEDS_A_TITLE = "Give the match a title (and a link if there is one)."


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
    """Run the matcher for a request and store what it finds that is not matched there yet."""
    require(access.can_triage(user), "Only TTA staff run the matcher.")
    with transaction.atomic():
        # Locked, so two runs at once (a double click) take turns and the second stores nothing twice.
        tta_request = (
            TTARequest.objects.select_for_update(of=("self",))
            .select_related("topic", "audience")
            .get(pk=request_id)
        )
        if tta_request.topic.retired:
            # Filed before the topic was retired: the request still needs help, but the
            # matcher searches current topics only, as for an assessment's needs.
            raise ServiceError(
                f"{tta_request.topic.name} has been retired from the taxonomy; add help by hand.",
                field="topic",
            )
        added = store_proposals(tta_request, match_request(tta_request))
        # Staff-only, like the proposals themselves: the requester sees accepted matches.
        record_event(
            tta_request,
            user,
            RequestEvent.Kind.MATCH,
            detail=f"Matcher run: {added} new proposal{'' if added == 1 else 's'}",
            internal=True,
        )
        return added


def _decide(user, match_id: int, state: str) -> Match:
    require(access.can_triage(user), "Only TTA staff accept or reject matches.")
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match_id)
        # Deciding what is already decided (a second click) changes nothing and records nothing.
        if match.state != state:
            match.state = state
            match.decided_by = user
            match.decided_at = timezone.now()
            match.save(update_fields=["state", "decided_by", "decided_at"])
            if match.request_id:
                record_event(
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


def _clean_link(title, url, reason) -> tuple[str, str, str]:
    title = clean_text(title, "title", limit=300)
    url = clean_text(url, "url", limit=500)
    if url and not url.startswith(("https://", "http://", "/")):
        raise ServiceError(
            "Give a web address starting with https:// or a site path starting with /.", field="url"
        )
    reason = clean_text(reason, "reason", limit=500) or "Added by TTA staff"
    return title, url, reason


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
        raise ServiceError(STAFF_KIND_CHOICE, field="kind")
    title, url, reason = _clean_link(title, url, reason)
    fields: dict[str, object] = {"peer_member": None, "peer_task_force": None}
    if kind == Match.Kind.PEER_MEMBER:
        member = fields["peer_member"] = peers.peer_member(
            peer_member, seeking_task_force_id, peer_member_name
        )
        key = f"member:{member.pk}"
        tf_name = member.task_force.name if member.task_force else ""
        title = title or (f"{member.get_full_name()} ({tf_name})" if tf_name else member.get_full_name())
        url = url or reverse("members:profile", args=[member.pk])
    elif kind == Match.Kind.PEER_TASK_FORCE:
        task_force = fields["peer_task_force"] = peers.peer_task_force(peer_task_force, seeking_task_force_id)
        key = f"task_force:{task_force.pk}"
        title = title or task_force.name
        url = url or task_force_members_url(task_force.pk)
    else:
        if not title:
            raise ServiceError(NEEDS_A_TITLE, field="title")
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
        raise Conflict(
            f"{existing.title} is already on {where} ({existing.get_state_display().lower()}): "
            "accept or reject it in the list."
        )
    try:
        with transaction.atomic():
            return Match.objects.create(
                **owner, **fields, target_key=key, decided_by=user, decided_at=timezone.now()
            )
    except IntegrityError:  # added by someone else between the check and the insert
        raise Conflict(f"That match is already on {where}.") from None


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
    require(access.can_triage(user), "Only TTA staff add matches.")
    typed = _typed_match(kind, title, url, reason, peer_member, peer_task_force, peer_member_name)
    with transaction.atomic():
        tta_request = TTARequest.objects.get(pk=request_id)
        match = _add_staff_match(
            user, {"request": tta_request}, tta_request.task_force_id, "this request", **typed
        )
        record_event(tta_request, user, RequestEvent.Kind.MATCH, detail=f"Added: {match.title}")
    return match


# Needs-assessment matches: stored and decided like a request's, one set per need (area)


def _assessment_need(assessment_id: int, need_id) -> tuple[NeedsAssessment, Term]:
    """The assessment and one of the areas it rated; anything else is refused."""
    assessment = NeedsAssessment.objects.select_related("task_force").get(pk=assessment_id)
    need = Term.objects.filter(
        pk=int(need_id) if str(need_id).isdigit() else 0,  # 0: no row, as for anything not a number
        facet__in=RATED_FACETS,
        pk__in=AreaRating.objects.filter(assessment=assessment).values("term_id"),
    ).first()
    if need is None:
        raise ServiceError("Choose one of the areas this assessment rated.", field="need")
    if need.retired:
        # Same rule as filing a request: nothing new is matched or added under a retired
        # term; the matches already stored under it stay visible.
        retired = f"{need.name} has been retired from the taxonomy; find or add help under a current area."
        raise ServiceError(retired, field="need")
    return assessment, need


def store_need_proposals(assessment: NeedsAssessment, need: Term, candidates) -> int:
    """Save the matcher's candidates for one need as proposed matches; decided ones are left alone."""
    return _store_candidates({"assessment": assessment, "need": need}, candidates)


def propose_need_matches(user, assessment_id: int, need_id) -> int:
    require(access.can_triage(user), "Only TTA staff run the matcher.")
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
    require(access.can_triage(user), "Only TTA staff add matches.")
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
