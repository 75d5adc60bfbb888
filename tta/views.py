"""TTA pages: the member's overview, the assessment form, requests, and the staff dashboard and triage.

Every permission question goes to tta.access; every change goes through
tta.services. Pages load their data in a fixed number of queries.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from members.access import members_only
from members.models import TaskForce
from taxonomy.models import Term
from tta import access, analysis, services
from tta.forms import (
    AddMatchForm,
    AssignForm,
    CycleForm,
    DeclineExchangeForm,
    NoteForm,
    RequestForm,
    ServiceTargetForm,
    StatusForm,
)
from tta.matching import current_cycle, needs_of
from tta.models import (
    FINISHED_STATUSES,
    AreaRating,
    Cycle,
    Delivery,
    Match,
    NeedsAssessment,
    PeerExchange,
    PublicFigure,
    RequestEvent,
    RequestStatus,
    ServiceTarget,
    StaffQueueVisit,
    TTARequest,
)

PAGE_SIZE = 50
STAFF_PAGE_SIZE = 50
EXCHANGES_SHOWN_FOR = datetime.timedelta(days=90)


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _own_assessment(task_force_id, cycle):
    if task_force_id is None or cycle is None:
        return None
    return services._current_assessment(task_force_id, cycle.pk)


@members_only
def index(request):
    user = request.user
    cycle = current_cycle()
    assessment = _own_assessment(user.task_force_id, cycle)
    requests = list(
        TTARequest.objects.filter(task_force_id=user.task_force_id).select_related("topic")[:PAGE_SIZE]
        if user.task_force_id
        else []
    )
    recent = timezone.now() - EXCHANGES_SHOWN_FOR
    exchanges = (
        list(
            PeerExchange.objects.filter(
                Q(state=PeerExchange.State.PROPOSED) | Q(created_at__gte=recent) | Q(declined_at__gte=recent)
            )
            .filter(models_q_for_task_force(user.task_force_id))
            .select_related("seeking", "host", "topic")[:PAGE_SIZE]
        )
        if user.task_force_id
        else []
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
            "assessment": assessment,
            "can_edit": cycle is not None and access.can_edit_assessment(user, user.task_force_id),
            "can_file": access.can_file_request(user, user.task_force_id),
            "requests": requests,
            "exchanges": exchanges,
            "is_staff": is_staff,
            # A count on the link to the queue: the staff side of "a new request is waiting".
            "new_requests": TTARequest.objects.new_to(user).count() if is_staff else 0,
        },
    )


def models_q_for_task_force(task_force_id):
    return Q(seeking_id=task_force_id) | Q(host_id=task_force_id)


# Assessments


def _rating_rows(assessment, previous):
    terms = list(
        Term.objects.current().filter(facet__in=services.RATED_FACETS).order_by("facet", "sort_order", "name")
    )
    mine = {r.term_id: r for r in AreaRating.objects.filter(assessment=assessment)} if assessment else {}
    before = {r.term_id: r for r in AreaRating.objects.filter(assessment=previous)} if previous else {}
    return [{"term": t, "rating": mine.get(t.pk), "previous": before.get(t.pk)} for t in terms]


def _previous_assessment(task_force_id, cycle):
    return (
        NeedsAssessment.objects.filter(task_force_id=task_force_id, status=NeedsAssessment.Status.SUBMITTED)
        .exclude(cycle=cycle)
        .filter(cycle__opens__lt=cycle.opens)
        .select_related("cycle")
        .order_by("-cycle__opens")
        .first()
    )


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
        ratings = {}
        for key, value in request.POST.items():
            if key.startswith("capacity_"):
                term_id = key.removeprefix("capacity_")
                if term_id.isdigit():
                    ratings[int(term_id)] = (value, request.POST.get(f"priority_{term_id}", ""))
        try:
            assessment = services.save_draft(
                user,
                user.task_force,
                cycle,
                ratings=ratings,
                preferred_delivery=request.POST.getlist("preferred_delivery"),
                audience_ids=[int(v) for v in request.POST.getlist("audiences") if v.isdigit()],
                context=request.POST.get("context", ""),
            )
            if "submit" in request.POST and not assessment.is_submitted:
                services.submit_assessment(user, assessment)
                messages.success(request, "Your assessment is submitted. Thank you.")
                return redirect("tta:assessment", pk=assessment.pk)
            messages.success(request, "Saved. You can come back and finish it later.")
            return redirect("tta:assessment_edit")
        except ValidationError as exc:
            errors = _errors(exc)
    previous = _previous_assessment(user.task_force_id, cycle)
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
    previous = _previous_assessment(assessment.task_force_id, assessment.cycle)
    accepted = (
        Match.objects.filter(assessment=assessment, state=Match.State.ACCEPTED)
        .select_related("need")
        .order_by("need__sort_order", "need__name", "need_id", "-score", "kind", "title", "pk")
    )
    return render(
        request,
        "tta/assessment_detail.html",
        {
            "assessment": assessment,
            "rows": _rating_rows(assessment, previous),
            "previous_said": _previous_choices(previous),
            "previous": previous,
            "revisions": assessment.revisions.count(),
            "accepted_by_need": _by_need(accepted),
            "is_staff": access.is_tta_staff(request.user),
        },
    )


def _by_need(matches):
    """[(need Term, [matches])] in the order the matches come."""
    groups = {}
    for match in matches:
        groups.setdefault(match.need_id, (match.need, []))[1].append(match)
    return list(groups.values())


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
            tta_request = services.file_request(
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
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "Your request is filed. TTA staff will be in touch.")
            return redirect("tta:request", pk=tta_request.pk)
    return render(request, "tta/request_form.html", {"form": form}, status=400 if form.errors else 200)


def _with_exchange(matches):
    """Annotate each match with the state of its latest exchange that is waiting or agreed, if any,
    so staff are not offered to propose a second one."""
    live = PeerExchange.objects.filter(
        match=OuterRef("pk"), state__in=[PeerExchange.State.PROPOSED, PeerExchange.State.AGREED]
    ).order_by("-created_at", "-pk")
    return matches.annotate(exchange_state=Subquery(live.values("state")[:1]))


def _request_page_data(pk, *, internal):
    events = RequestEvent.objects.order_by("created_at", "pk")
    if not internal:
        events = events.filter(internal=False)
    return get_object_or_404(
        TTARequest.objects.select_related(
            "topic", "audience", "task_force", "assignee", "requester"
        ).prefetch_related(
            Prefetch("events", queryset=events, to_attr="timeline"),
            Prefetch(
                "matches",
                queryset=_with_exchange(Match.objects.order_by("-score", "kind", "title", "pk")),
                to_attr="all_matches",
            ),
        ),
        pk=pk,
    )


@members_only
def request_detail(request, pk):
    tta_request = _request_page_data(pk, internal=False)
    if not access.can_view_request(request.user, tta_request):
        raise Http404
    accepted = [m for m in tta_request.all_matches if m.state == Match.State.ACCEPTED]
    return render(
        request,
        "tta/request_detail.html",
        {"r": tta_request, "accepted": accepted, "is_staff": access.is_tta_staff(request.user)},
    )


# Staff


def _staff_queryset():
    return services.tta_staff_people().order_by("full_name", "pk")


def _queue(params):
    """The staff queue in its order, filtered by ?status= and ?assignee= as the dashboard's form sets them."""
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


@access.tta_staff_only
def staff_dashboard(request):
    requests, status, assignee = _queue(request.GET)
    # get_page turns a missing, malformed or out-of-range ?page= into the first or last page.
    page = Paginator(requests, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    requests = list(page.object_list)
    flags = analysis.overdue_flags(requests)
    last_seen = StaffQueueVisit.objects.filter(user=request.user).values_list("seen_at", flat=True).first()
    services.mark_queue_seen(request.user)
    for r in requests:
        r.overdue = flags[r.pk]
        r.is_new = r.status not in FINISHED_STATUSES and (last_seen is None or r.created_at > last_seen)
    cycle = current_cycle()
    assessments = (
        list(
            NeedsAssessment.objects.filter(cycle=cycle)
            .select_related("task_force")
            .order_by("task_force__name")
        )
        if cycle
        else []
    )
    return render(
        request,
        "tta/staff_dashboard.html",
        {
            "requests": requests,
            "page_obj": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "statuses": RequestStatus.choices,
            "status": status,
            "assignee": assignee,
            "staff": list(_staff_queryset()),
            "cycle": cycle,
            "assessments": assessments,
            "tables": analysis.dashboard_tables(cycle),
            "public_slugs": set(PublicFigure.objects.filter(is_public=True).values_list("slug", flat=True)),
        },
    )


REQUEST_CSV_HEADERS = [
    "Request",
    "Filed",
    "Task force",
    "Requester",
    "Topic",
    "Audience",
    "Urgency",
    "Preferred format",
    "Preferred from",
    "Preferred to",
    "Status",
    "In status since",
    "Overdue",
    "Assignee",
    "Due",
    "Description",
]


@access.tta_staff_only
def staff_requests_export(request):
    """The request queue as CSV, in the queue's order and with the dashboard's filters."""
    requests, _, _ = _queue(request.GET)
    requests = list(requests.select_related("audience"))
    flags = analysis.overdue_flags(requests)
    rows = [
        [
            r.pk,
            timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            r.task_force.name,
            r.requester_name,
            r.topic.name,
            r.audience.name if r.audience_id else "",
            r.get_urgency_display(),
            r.get_format_display(),
            r.preferred_from.isoformat() if r.preferred_from else "",
            r.preferred_to.isoformat() if r.preferred_to else "",
            r.get_status_display(),
            timezone.localtime(r.status_changed_at).strftime("%Y-%m-%d"),
            "yes" if flags[r.pk] else "",
            r.assignee.full_name if r.assignee_id else "",
            r.due_date.isoformat() if r.due_date else "",
            r.description,
        ]
        for r in requests
    ]
    table = analysis.Table("requests", "TTA requests", REQUEST_CSV_HEADERS, rows)
    response = HttpResponse(analysis.as_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tta-requests.csv"'
    return response


@access.tta_staff_only
def staff_export(request, slug):
    table = analysis.table_by_slug(slug, current_cycle())
    if table is None:
        raise Http404
    response = HttpResponse(analysis.as_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tta-{table.slug}.csv"'
    return response


@access.tta_staff_only
def staff_request(request, pk):
    user = request.user
    staff = _staff_queryset()
    errors, add_form, candidates = [], None, []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "status":
                form = StatusForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Choose a status.")
                services.change_status(
                    user,
                    pk,
                    form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    expected_status=form.cleaned_data["expected_status"],
                )
            elif action == "assign":
                form = AssignForm(request.POST, staff=staff)
                if not form.is_valid():
                    raise ValidationError("Choose a member of TTA staff and a valid date.")
                services.assign(user, pk, form.cleaned_data["assignee"], form.cleaned_data["due_date"])
            elif action == "note":
                form = NoteForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Write a note of up to 5,000 characters.")
                services.add_note(user, pk, form.cleaned_data["text"])
            elif action == "propose":
                services.propose_matches(user, pk)
            elif action in ("accept", "reject", "exchange"):
                match = get_object_or_404(Match, pk=request.POST.get("match", "0") or 0, request_id=pk)
                if action == "accept":
                    services.accept_match(user, match.pk)
                elif action == "reject":
                    services.reject_match(user, match.pk)
                else:
                    services.propose_exchange(user, match.pk)
            elif action == "add_match":
                add_form = AddMatchForm(request.POST)
                if not add_form.is_valid():
                    raise ValidationError(add_form.error_list())
                services.add_match(user, pk, **add_form.cleaned_data)
            else:
                raise ValidationError("Unknown action.")
        except ValidationError as exc:
            errors = _errors(exc)
            candidates = getattr(exc, "candidates", [])
        except TTARequest.DoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, "Saved.")
            return redirect("tta:staff_request", pk=pk)
    tta_request = _request_page_data(pk, internal=True)
    notes = list(tta_request.notes.all())
    # Only the moves the transitions table allows from here, the usual next step first (and chosen).
    allowed = services.allowed_transitions(tta_request.status)
    return render(
        request,
        "tta/staff_request.html",
        {
            "r": tta_request,
            "notes": notes,
            "errors": errors,
            "allowed": allowed,
            "staff": list(staff),
            "overdue": analysis.overdue_flags([tta_request])[tta_request.pk],
            # A failed "Add a match" comes back with what staff typed, not an empty form.
            "add_form": add_form,
            # A name that fits several members: they are offered to choose from.
            "candidates": candidates,
            "task_forces": _peer_task_force_choices(tta_request.task_force_id),
        },
        status=400 if errors else 200,
    )


@access.tta_staff_only
def staff_settings(request):
    user = request.user
    cycle_form = CycleForm(request.POST if request.POST.get("action") == "open" else None)
    target_form = ServiceTargetForm(request.POST if request.POST.get("action") == "target" else None)
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "open" and cycle_form.is_valid():
                services.open_cycle(user, **cycle_form.cleaned_data)
            elif action == "close":
                services.close_cycle(user, get_object_or_404(Cycle, pk=request.POST.get("cycle", "0") or 0))
            elif action == "target" and target_form.is_valid():
                services.set_service_target(
                    user, target_form.cleaned_data["status"], target_form.cleaned_data["days"]
                )
            else:
                raise ValidationError("Check the form and try again.")
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "Saved.")
            return redirect("tta:staff_settings")
    return render(
        request,
        "tta/staff_settings.html",
        {
            "cycles": Cycle.objects.all()[:20],
            "targets": ServiceTarget.objects.order_by("status"),
            "cycle_form": cycle_form,
            "target_form": target_form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_POST
@members_only
def exchange_accept(request, pk):
    exchange = get_object_or_404(PeerExchange, pk=pk)
    if not access.can_view_exchange(request.user, exchange):
        raise Http404
    try:
        services.accept_exchange(request.user, pk)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
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
            services.decline_exchange(request.user, pk, form.cleaned_data["reason"])
        except ValidationError as exc:
            errors = _errors(exc)
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


@access.tta_staff_only
def staff_assessment(request, pk):
    """Staff review the matches for an assessment's needs: find, accept, reject, add, propose exchanges."""
    user = request.user
    assessment = get_object_or_404(NeedsAssessment.objects.select_related("task_force", "cycle"), pk=pk)
    errors, add_form, add_need, candidates = [], None, None, []
    if request.method == "POST":
        action = request.POST.get("action", "")
        need_id = request.POST.get("need", "")
        try:
            if action == "propose":
                found = services.propose_need_matches(user, assessment.pk, need_id)
                messages.success(request, f"{found} new match{'es' if found != 1 else ''} proposed.")
            elif action in ("accept", "reject", "exchange"):
                match = get_object_or_404(Match, pk=_int(request.POST.get("match")), assessment=assessment)
                if action == "accept":
                    services.accept_match(user, match.pk)
                elif action == "reject":
                    services.reject_match(user, match.pk)
                else:
                    services.propose_exchange(user, match.pk)
                messages.success(request, "Saved.")
            elif action == "add_match":
                add_form, add_need = AddMatchForm(request.POST), need_id
                if not add_form.is_valid():
                    raise ValidationError(add_form.error_list())
                services.add_need_match(user, assessment.pk, need_id, **add_form.cleaned_data)
                messages.success(request, "Match added.")
            else:
                raise ValidationError("Unknown action.")
        except ValidationError as exc:
            errors = _errors(exc)
            candidates = getattr(exc, "candidates", [])
        else:
            return redirect("tta:staff_assessment", pk=pk)
    ratings = {
        r.term_id: r
        for r in AreaRating.objects.filter(assessment=assessment)
        .select_related("term")
        .order_by("term__facet", "term__sort_order", "term__name")
    }
    matches = list(
        _with_exchange(Match.objects.filter(assessment=assessment))
        .select_related("need")
        .order_by("-score", "kind", "title", "pk")
    )
    shown = [r.term_id for r in needs_of(assessment)]
    shown += sorted({m.need_id for m in matches} - set(shown), key=lambda t: ratings[t].term.name)
    needs = [
        {
            "rating": ratings[term_id],
            "matches": [m for m in matches if m.need_id == term_id],
            "add_form": add_form if add_need == str(term_id) else None,
            "candidates": candidates if add_need == str(term_id) else [],
        }
        for term_id in shown
        if term_id in ratings
    ]
    return render(
        request,
        "tta/staff_assessment.html",
        {
            "assessment": assessment,
            "needs": needs,
            "other_areas": [r for t, r in ratings.items() if t not in shown and not r.term.retired],
            "errors": errors,
            "task_forces": _peer_task_force_choices(assessment.task_force_id),
        },
        status=400 if errors else 200,
    )


def _peer_task_force_choices(seeking_task_force_id):
    """Active task forces other than the one helped, for the "Add a match" form (one query)."""
    return list(
        TaskForce.objects.filter(is_active=True)
        .exclude(pk=seeking_task_force_id)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


@require_POST
@access.tta_staff_only
def staff_figure_public(request, slug):
    try:
        figure = services.set_figure_public(request.user, slug, request.POST.get("public") == "1")
    except ValidationError:
        raise Http404 from None
    if figure.is_public:
        messages.success(request, "The figure is public: anyone sees it, with small counts suppressed.")
    else:
        messages.success(request, "The figure is for staff only again.")
    return redirect(f"{reverse('tta:staff')}#figure-{slug}")


def public_figures(request):
    """The figures staff marked public, aggregated and with small counts suppressed; open to everyone."""
    public = set(PublicFigure.objects.filter(is_public=True).values_list("slug", flat=True))
    shown = [
        slug for slug, _ in analysis.FIGURES if slug in public and access.can_view_figure(request.user, True)
    ]
    tables = [analysis.public_version(t) for t in analysis.dashboard_tables(current_cycle(), only=shown)]
    return render(request, "tta/public_figures.html", {"tables": tables})
