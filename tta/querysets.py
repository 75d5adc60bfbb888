"""The reads TTA pages, exports and services share: the staff queue in its order and with its filters,
a request page's data with its timeline and matches, a task force's assessments, requests and
exchanges, and the choices the staff forms offer.

Each function returns a queryset (or a short list) with its joins and prefetches
chosen, so a page loads its data in a fixed number of queries.
"""

from django.db.models import OuterRef, Prefetch, Q, Subquery

from members.models import TaskForce, User
from members.roles import TTA_STAFF
from taxonomy.models import Term
from tta.models import (
    RATED_FACETS,
    AreaRating,
    Match,
    NeedsAssessment,
    PeerExchange,
    PublicFigure,
    RequestEvent,
    RequestStatus,
    TTARequest,
)

# Assessments


def current_assessment(task_force_id, cycle_id) -> NeedsAssessment | None:
    """The task force's assessment in the cycle; a submitted one wins over a draft."""
    # A submitted one wins: later changes amend it (with a revision) rather than start a second.
    return (
        NeedsAssessment.objects.filter(task_force_id=task_force_id, cycle_id=cycle_id)
        .order_by("-status", "pk")  # "submitted" sorts after "draft"
        .first()
    )


def previous_assessment(task_force_id, cycle) -> NeedsAssessment | None:
    """The task force's submitted assessment in the latest cycle that opened before ``cycle``."""
    return (
        NeedsAssessment.objects.filter(task_force_id=task_force_id, status=NeedsAssessment.Status.SUBMITTED)
        .exclude(cycle=cycle)
        .filter(cycle__opens__lt=cycle.opens)
        .select_related("cycle")
        .order_by("-cycle__opens")
        .first()
    )


def rated_areas():
    """The current practice areas and phases an assessment rates, in the form's order."""
    return Term.objects.current().filter(facet__in=RATED_FACETS).order_by("facet", "sort_order", "name")


def ratings_by_term(assessment) -> dict:
    """{term id: AreaRating} of an assessment (empty for none)."""
    if assessment is None:
        return {}
    return {r.term_id: r for r in AreaRating.objects.filter(assessment=assessment)}


def assessments_in(cycle) -> list[NeedsAssessment]:
    """Every task force's assessment in the cycle, by task force name (staff dashboard)."""
    if cycle is None:
        return []
    return list(
        NeedsAssessment.objects.filter(cycle=cycle).select_related("task_force").order_by("task_force__name")
    )


def accepted_need_matches(assessment):
    """The accepted matches of an assessment, grouped by need in the taxonomy's order, best first."""
    return (
        Match.objects.filter(assessment=assessment, state=Match.State.ACCEPTED)
        .select_related("need")
        .order_by("need__sort_order", "need__name", "need_id", "-score", "kind", "title", "pk")
    )


def staff_assessment_ratings(assessment) -> dict:
    """{term id: AreaRating with its term} of an assessment, in the taxonomy's order."""
    return {
        r.term_id: r
        for r in AreaRating.objects.filter(assessment=assessment)
        .select_related("term")
        .order_by("term__facet", "term__sort_order", "term__name")
    }


def need_matches(assessment) -> list[Match]:
    """Every match of an assessment's needs, best first, with its live exchange's state."""
    return list(
        with_exchange(Match.objects.filter(assessment=assessment))
        .select_related("need")
        .order_by("-score", "kind", "title", "pk")
    )


# Requests


def requests_of(task_force_id, limit: int) -> list[TTARequest]:
    """A task force's latest requests (a member's overview)."""
    if not task_force_id:
        return []
    return list(TTARequest.objects.filter(task_force_id=task_force_id).select_related("topic")[:limit])


def with_exchange(matches):
    """Annotate each match with the state of its latest exchange that is waiting or agreed, if any,
    so staff are not offered to propose a second one."""
    live = PeerExchange.objects.filter(
        match=OuterRef("pk"), state__in=[PeerExchange.State.PROPOSED, PeerExchange.State.AGREED]
    ).order_by("-created_at", "-pk")
    return matches.annotate(exchange_state=Subquery(live.values("state")[:1]))


def request_page(*, internal: bool):
    """Requests with what their page shows: timeline (``timeline``; staff-only events when
    ``internal``) and every match best first (``all_matches``)."""
    events = RequestEvent.objects.order_by("created_at", "pk")
    if not internal:
        events = events.filter(internal=False)
    return TTARequest.objects.select_related(
        "topic", "audience", "task_force", "assignee", "requester"
    ).prefetch_related(
        Prefetch("events", queryset=events, to_attr="timeline"),
        Prefetch(
            "matches",
            queryset=with_exchange(Match.objects.order_by("-score", "kind", "title", "pk")),
            to_attr="all_matches",
        ),
    )


def queue(params):
    """The staff queue in its order, filtered by ?status= and ?assignee= as the dashboard's form sets them.

    Returns (requests, status, assignee): the filters as understood, to show them back.
    """
    requests = TTARequest.objects.select_related("topic", "task_force", "assignee").in_queue_order()
    status = params.get("status", "")
    if status in RequestStatus.values:
        requests = requests.filter(status=status)
    assignee = params.get("assignee", "")
    if assignee == "none":
        requests = requests.filter(assignee__isnull=True)
    elif assignee.isdigit():
        requests = requests.filter(assignee_id=int(assignee))
    return requests, status, assignee


def queue_export(params) -> list[TTARequest]:
    """The queue as the CSV export lists it: the dashboard's order and filters, with each audience."""
    requests, _, _ = queue(params)
    return list(requests.select_related("audience"))


def new_request_count(user) -> int:
    """How many requests came in since this staff member last looked at the queue."""
    return TTARequest.objects.new_to(user).count()


# People and exchanges


def tta_staff_people():
    """Active, approved accounts in the TTA staff group: who triages, and who is told of new requests."""
    return User.objects.filter(groups__name=TTA_STAFF, is_active=True, status=User.Status.APPROVED)


def staff_choices():
    """TTA staff by name, as the assignee drop-down lists them."""
    return tta_staff_people().order_by("full_name", "pk")


def peer_task_force_choices(seeking_task_force_id) -> list[tuple[int, str]]:
    """Active task forces other than the one helped, for the "Add a match" form (one query)."""
    return list(
        TaskForce.objects.filter(is_active=True)
        .exclude(pk=seeking_task_force_id)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def exchanges_of(task_force_id, *, since, limit: int) -> list[PeerExchange]:
    """A task force's peer exchanges, either side: every one still waiting, and the others
    proposed or declined since ``since``."""
    if not task_force_id:
        return []
    return list(
        PeerExchange.objects.filter(
            Q(state=PeerExchange.State.PROPOSED) | Q(created_at__gte=since) | Q(declined_at__gte=since)
        )
        .filter(Q(seeking_id=task_force_id) | Q(host_id=task_force_id))
        .select_related("seeking", "host", "topic")[:limit]
    )


# Figures


def public_figure_slugs() -> set[str]:
    """The slugs of the dashboard figures staff marked public."""
    return set(PublicFigure.objects.filter(is_public=True).values_list("slug", flat=True))
