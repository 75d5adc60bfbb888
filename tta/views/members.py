"""A member's TTA pages: the overview, the needs assessment (form and page), filing and reading
requests, answering peer exchanges; and the public figures anyone may read."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.errors import ServiceError
from members.access import members_only
from taxonomy.models import Term
from tta import access, analysis, querysets
from tta.forms import DeclineExchangeForm, RequestForm
from tta.matching import current_cycle
from tta.models import Delivery, Match, NeedsAssessment, PeerExchange
from tta.services.assessments import save_draft, submit_assessment
from tta.services.exchanges import accept_exchange, decline_exchange
from tta.services.requests import file_request
from tta.views.errors import shown

PAGE_SIZE = 50
EXCHANGES_SHOWN_FOR = datetime.timedelta(days=90)


def _own_assessment(task_force_id, cycle):
    if task_force_id is None or cycle is None:
        return None
    return querysets.current_assessment(task_force_id, cycle.pk)


@members_only
def index(request):
    user = request.user
    cycle = current_cycle()
    exchanges = querysets.exchanges_of(
        user.task_force_id, since=timezone.now() - EXCHANGES_SHOWN_FOR, limit=PAGE_SIZE
    )
    is_staff = access.is_tta_staff(user)
    for exchange in exchanges:
        waiting = exchange.state == PeerExchange.State.PROPOSED
        exchange.can_answer = waiting and access.can_answer_exchange(user, exchange) is not None
        exchange.can_decline = waiting and access.side_to_decline(user, exchange) is not None
    return render(
        request,
        "tta/index.html",
        {
            "cycle": cycle,
            "assessment": _own_assessment(user.task_force_id, cycle),
            "can_edit": cycle is not None and access.can_edit_assessment(user, user.task_force_id),
            "can_file": access.can_file_request(user, user.task_force_id),
            "requests": querysets.requests_of(user.task_force_id, PAGE_SIZE),
            "exchanges": exchanges,
            "is_staff": is_staff,
            # A count on the link to the queue: the staff side of "a new request is waiting".
            "new_requests": querysets.new_request_count(user) if is_staff else 0,
        },
    )


# Assessments


def _rating_rows(assessment, previous):
    mine = querysets.ratings_by_term(assessment)
    before = querysets.ratings_by_term(previous)
    return [
        {"term": t, "rating": mine.get(t.pk), "previous": before.get(t.pk)} for t in querysets.rated_areas()
    ]


def _previous_choices(previous) -> dict:
    """Last cycle's delivery and audiences as words, shown beside this cycle's choices."""
    if previous is None:
        return {}
    return {
        "delivery": [
            label for value, label in Delivery.choices if value in (previous.preferred_delivery or [])
        ],
        "audiences": list(previous.audiences.order_by("sort_order", "name").values_list("name", flat=True)),
    }


def _posted_ratings(post) -> dict[int, tuple]:
    """{term id: (capacity, priority)} as the rating grid posts them (one row per area)."""
    ratings = {}
    for key, value in post.items():
        if key.startswith("capacity_"):
            term_id = key.removeprefix("capacity_")
            if term_id.isdigit():
                ratings[int(term_id)] = (value, post.get(f"priority_{term_id}", ""))
    return ratings


@members_only
def assessment_edit(request):
    user = request.user
    cycle = current_cycle()
    if cycle is None:
        messages.info(request, "No assessment cycle is open right now.")
        return redirect("tta:index")
    if not access.can_edit_assessment(user, user.task_force_id):
        raise PermissionDenied("Only your task force's coordinator fills in its assessment.")
    assessment = _own_assessment(user.task_force_id, cycle)
    errors = []
    if request.method == "POST":
        try:
            assessment = save_draft(
                user,
                user.task_force,
                cycle,
                ratings=_posted_ratings(request.POST),
                preferred_delivery=request.POST.getlist("preferred_delivery"),
                audience_ids=[int(v) for v in request.POST.getlist("audiences") if v.isdigit()],
                context=request.POST.get("context", ""),
            )
            if "submit" in request.POST and not assessment.is_submitted:
                submit_assessment(user, assessment)
                messages.success(request, "Your assessment is submitted. Thank you.")
                return redirect("tta:assessment", pk=assessment.pk)
            messages.success(request, "Saved. You can come back and finish it later.")
            return redirect("tta:assessment_edit")
        except ServiceError as error:
            errors = [shown(error)]
    previous = querysets.previous_assessment(user.task_force_id, cycle)
    return render(
        request,
        "tta/assessment_form.html",
        {
            "cycle": cycle,
            "assessment": assessment,
            "previous": previous,
            "rows": _rating_rows(assessment, previous),
            "previous_said": _previous_choices(previous),
            "deliveries": Delivery.choices,
            "chosen_delivery": assessment.preferred_delivery if assessment else [],
            "audiences": Term.objects.current().of_facet("audience"),
            "chosen_audiences": set(assessment.audiences.values_list("pk", flat=True))
            if assessment
            else set(),
            "errors": errors,
            "scale": range(1, 6),
        },
        status=400 if errors else 200,
    )


def _by_need(matches):
    """[(need Term, [matches])] in the order the matches come."""
    groups = {}
    for match in matches:
        groups.setdefault(match.need_id, (match.need, []))[1].append(match)
    return list(groups.values())


@members_only
def assessment_detail(request, pk):
    assessment = get_object_or_404(
        NeedsAssessment.objects.select_related("task_force", "cycle", "submitted_by").prefetch_related(
            "audiences"
        ),
        pk=pk,
    )
    if not access.can_view_assessment(request.user, assessment):
        # Another task force's assessment does not exist as far as this visitor knows.
        raise Http404
    previous = querysets.previous_assessment(assessment.task_force_id, assessment.cycle)
    return render(
        request,
        "tta/assessment_detail.html",
        {
            "assessment": assessment,
            "rows": _rating_rows(assessment, previous),
            "previous_said": _previous_choices(previous),
            "previous": previous,
            "revisions": assessment.revisions.count(),
            "accepted_by_need": _by_need(querysets.accepted_need_matches(assessment)),
            "is_staff": access.is_tta_staff(request.user),
        },
    )


# Requests


@members_only
def request_new(request):
    user = request.user
    if not access.can_file_request(user, user.task_force_id):
        raise PermissionDenied("You need to belong to a task force to file a request.")
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tta_request = file_request(
                user,
                user.task_force,
                topic=data["topic"],
                audience=data["audience"],
                description=data["description"],
                urgency=data["urgency"],
                fmt=data["format"],
                preferred_from=data["preferred_from"],
                preferred_to=data["preferred_to"],
            )
        except ServiceError as error:
            form.add_error(None, shown(error))
        else:
            messages.success(request, "Your request is filed. TTA staff will be in touch.")
            return redirect("tta:request", pk=tta_request.pk)
    return render(request, "tta/request_form.html", {"form": form}, status=400 if form.errors else 200)


@members_only
def request_detail(request, pk):
    tta_request = get_object_or_404(querysets.request_page(internal=False), pk=pk)
    if not access.can_view_request(request.user, tta_request):
        raise Http404
    accepted = [m for m in tta_request.all_matches if m.state == Match.State.ACCEPTED]
    return render(
        request,
        "tta/request_detail.html",
        {"r": tta_request, "accepted": accepted, "is_staff": access.is_tta_staff(request.user)},
    )


# Peer exchanges


@require_POST
@members_only
def exchange_accept(request, pk):
    exchange = get_object_or_404(PeerExchange, pk=pk)
    if not access.can_view_exchange(request.user, exchange):
        raise Http404
    try:
        accept_exchange(request.user, pk)
    except ServiceError as error:
        messages.error(request, shown(error))
    else:
        messages.success(request, "You accepted the peer exchange.")
    return redirect("tta:index")


@members_only
def exchange_decline(request, pk):
    """Decline a proposed exchange: a page with the reason to give, so it works without JavaScript."""
    exchange = get_object_or_404(PeerExchange.objects.select_related("seeking", "host", "topic"), pk=pk)
    if not access.can_view_exchange(request.user, exchange):
        raise Http404
    if access.side_to_decline(request.user, exchange) is None:
        raise PermissionDenied("Only the coordinators of the two task forces decline an exchange.")
    form = DeclineExchangeForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            decline_exchange(request.user, pk, form.cleaned_data["reason"])
        except ServiceError as error:
            errors = [shown(error)]
        else:
            messages.success(
                request, "You declined the peer exchange. The other task force and TTA staff are told."
            )
            return redirect("tta:index")
    return render(
        request,
        "tta/exchange_decline.html",
        {"exchange": exchange, "form": form, "errors": errors, "waiting": exchange.state == "proposed"},
        status=400 if (errors or form.errors) else 200,
    )


# Public figures


def public_figures(request):
    """The figures staff marked public, aggregated and with small counts suppressed; open to everyone."""
    public = querysets.public_figure_slugs()
    shown_slugs = [
        slug for slug, _ in analysis.FIGURES if slug in public and access.can_view_figure(request.user, True)
    ]
    tables = [
        analysis.public_version(t) for t in analysis.dashboard_tables(current_cycle(), only=shown_slugs)
    ]
    return render(request, "tta/public_figures.html", {"tables": tables})
