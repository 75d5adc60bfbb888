"""TTA staff's pages: the dashboard (request queue, assessments, figures), its CSV exports,
cycles and service targets, and marking figures public."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.errors import ServiceError
from tta import access, analysis, querysets
from tta.forms import CycleForm, ServiceTargetForm
from tta.matching import current_cycle
from tta.models import FINISHED_STATUSES, Cycle, RequestStatus, ServiceTarget, StaffQueueVisit
from tta.services.cycles import close_cycle, open_cycle, set_service_target
from tta.services.figures import NoSuchFigure, set_figure_public
from tta.services.triage import mark_queue_seen
from tta.views.errors import shown

STAFF_PAGE_SIZE = 50


@access.tta_staff_only
def staff_dashboard(request):
    requests, status, assignee = querysets.queue(request.GET)
    # get_page turns a missing, malformed or out-of-range ?page= into the first or last page.
    page = Paginator(requests, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    requests = list(page.object_list)
    flags = analysis.overdue_flags(requests)
    last_seen = StaffQueueVisit.objects.filter(user=request.user).values_list("seen_at", flat=True).first()
    mark_queue_seen(request.user)
    for r in requests:
        r.overdue = flags[r.pk]
        r.is_new = r.status not in FINISHED_STATUSES and (last_seen is None or r.created_at > last_seen)
    cycle = current_cycle()
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
            "staff": list(querysets.staff_choices()),
            "cycle": cycle,
            "assessments": querysets.assessments_in(cycle),
            "tables": analysis.dashboard_tables(cycle),
            "public_slugs": querysets.public_figure_slugs(),
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


def _request_csv_row(r, overdue: bool) -> list:
    return [
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
        "yes" if overdue else "",
        r.assignee.full_name if r.assignee_id else "",
        r.due_date.isoformat() if r.due_date else "",
        r.description,
    ]


def _csv_response(table, filename):
    response = HttpResponse(analysis.as_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access.tta_staff_only
def staff_requests_export(request):
    """The request queue as CSV, in the queue's order and with the dashboard's filters."""
    requests = querysets.queue_export(request.GET)
    flags = analysis.overdue_flags(requests)
    rows = [_request_csv_row(r, flags[r.pk]) for r in requests]
    table = analysis.Table("requests", "TTA requests", REQUEST_CSV_HEADERS, rows)
    return _csv_response(table, "tta-requests.csv")


@access.tta_staff_only
def staff_export(request, slug):
    table = analysis.table_by_slug(slug, current_cycle())
    if table is None:
        raise Http404
    return _csv_response(table, f"tta-{table.slug}.csv")


def _settings_page(request, *, cycle_form=None, target_form=None, errors=()):
    """The settings page: cycles and service targets, with the form that was refused, if any."""
    return render(
        request,
        "tta/staff_settings.html",
        {
            "cycles": Cycle.objects.all()[:20],
            "targets": ServiceTarget.objects.order_by("status"),
            "cycle_form": cycle_form or CycleForm(),
            "target_form": target_form or ServiceTargetForm(),
            "errors": list(errors),
        },
        status=400 if errors else 200,
    )


def _saved(request):
    messages.success(request, "Saved.")
    return redirect("tta:staff_settings")


@access.tta_staff_only
def staff_settings(request):
    return _settings_page(request)


# Each settings action has its own URL and view; a refused one shows the page again with its form.
@require_POST
@access.tta_staff_only
def staff_open_cycle(request):
    form = CycleForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, cycle_form=form, errors=["Check the form and try again."])
    try:
        open_cycle(request.user, **form.cleaned_data)
    except ServiceError as error:
        return _settings_page(request, cycle_form=form, errors=[shown(error)])
    return _saved(request)


@require_POST
@access.tta_staff_only
def staff_close_cycle(request, pk):
    try:
        close_cycle(request.user, get_object_or_404(Cycle, pk=pk))
    except ServiceError as error:
        return _settings_page(request, errors=[shown(error)])
    return _saved(request)


@require_POST
@access.tta_staff_only
def staff_set_target(request):
    form = ServiceTargetForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, target_form=form, errors=["Check the form and try again."])
    try:
        set_service_target(request.user, form.cleaned_data["status"], form.cleaned_data["days"])
    except ServiceError as error:
        return _settings_page(request, target_form=form, errors=[shown(error)])
    return _saved(request)


@require_POST
@access.tta_staff_only
def staff_figure_public(request, slug):
    try:
        figure = set_figure_public(request.user, slug, request.POST.get("public") == "1")
    except NoSuchFigure:
        raise Http404 from None
    if figure.is_public:
        messages.success(request, "The figure is public: anyone sees it, with small counts suppressed.")
    else:
        messages.success(request, "The figure is for staff only again.")
    return redirect(f"{reverse('tta:staff')}#figure-{slug}")
