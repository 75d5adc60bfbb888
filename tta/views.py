"""TTA pages: the member's overview, the assessment form, requests, and the staff dashboard and triage.

Every permission question goes to tta.access; every change goes through
tta.services. Pages load their data in a fixed number of queries.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from members.access import members_only
from members.models import User
from members.roles import TTA_STAFF
from taxonomy.models import Term
from tta import access, analysis, services
from tta.forms import (
    AddMatchForm,
    AssignForm,
    CycleForm,
    NoteForm,
    RequestForm,
    ServiceTargetForm,
    StatusForm,
)
from tta.matching import current_cycle, match_need, needs_of
from tta.models import (
    AreaRating,
    Cycle,
    Delivery,
    Match,
    NeedsAssessment,
    PeerExchange,
    RequestEvent,
    RequestStatus,
    ServiceTarget,
    TTARequest,
)

PAGE_SIZE = 50


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
    exchanges = (
        list(
            PeerExchange.objects.filter(state=PeerExchange.State.PROPOSED)
            .filter(models_q_for_task_force(user.task_force_id))
            .select_related("seeking", "host", "topic")
        )
        if user.task_force_id
        else []
    )
    for exchange in exchanges:
        exchange.can_answer = access.can_answer_exchange(user, exchange) is not None
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
            "is_staff": access.is_tta_staff(user),
        },
    )


def models_q_for_task_force(task_force_id):
    from django.db.models import Q

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
    staff = access.is_tta_staff(request.user)
    needs = []
    if staff:
        needs = [{"rating": r, "candidates": match_need(assessment, r.term)} for r in needs_of(assessment)]
    return render(
        request,
        "tta/assessment_detail.html",
        {
            "assessment": assessment,
            "rows": _rating_rows(assessment, previous),
            "previous": previous,
            "revisions": assessment.revisions.count(),
            "needs": needs,
            "is_staff": staff,
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
                queryset=Match.objects.order_by("-score", "kind", "title", "pk"),
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
    return User.objects.filter(groups__name=TTA_STAFF, is_active=True, status=User.Status.APPROVED).order_by(
        "full_name", "pk"
    )


@access.tta_staff_only
def staff_dashboard(request):
    requests = TTARequest.objects.select_related("topic", "task_force", "assignee").order_by(
        "status_changed_at", "pk"
    )
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        requests = requests.filter(status=status)
    assignee = request.GET.get("assignee", "")
    if assignee == "none":
        requests = requests.filter(assignee__isnull=True)
    elif assignee.isdigit():
        requests = requests.filter(assignee_id=int(assignee))
    requests = list(requests[:200])
    flags = analysis.overdue_flags(requests)
    for r in requests:
        r.overdue = flags[r.pk]
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
            "statuses": RequestStatus.choices,
            "status": status,
            "assignee": assignee,
            "staff": list(_staff_queryset()),
            "cycle": cycle,
            "assessments": assessments,
            "tables": analysis.dashboard_tables(cycle),
        },
    )


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
    errors = []
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
                form = AddMatchForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Give the match a title (and a link if there is one).")
                services.add_match(user, pk, **form.cleaned_data)
            else:
                raise ValidationError("Unknown action.")
        except ValidationError as exc:
            errors = _errors(exc)
        except TTARequest.DoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, "Saved.")
            return redirect("tta:staff_request", pk=pk)
    tta_request = _request_page_data(pk, internal=True)
    notes = list(tta_request.notes.all())
    allowed = [
        (s, RequestStatus(s).label)
        for s in RequestStatus.values
        if s in services.TRANSITIONS[tta_request.status]
    ]
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
