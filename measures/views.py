"""The measures pages, under /measures/: a task force's quarters and reports, and the staff grid."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.errors import Conflict, NotPermitted, ServiceError
from measures import access, services
from measures.forms import CorrectionForm, ReturnForm
from measures.models import DataReporter, Report, ReportingPeriod, ReportStatus
from members.models import TaskForce, User

GRID_QUARTERS = 8


def _render(request, template, context, status=200):
    """Every measures page: the section menu shows the staff grid to staff."""
    context.setdefault("is_measures_staff", access.is_staff(request.user))
    return render(request, template, context, status=status)


def _period(year, quarter) -> ReportingPeriod:
    return get_object_or_404(
        ReportingPeriod.objects.select_related("measure_set"), year=year, quarter=quarter
    )


def _url(report_or_period) -> str:
    period = getattr(report_or_period, "period", report_or_period)
    return reverse("measures:report", args=[period.year, period.quarter])


@access.measures_members_only
def index(request):
    user = request.user
    # Each rule is asked once: is_reporter queries, and the page needs it in several places.
    is_reporter = access.is_reporter(user, user.task_force_id)
    can_designate = access.can_designate_reporters(user, user.task_force_id)
    is_staff = access.is_staff(user)
    periods = list(ReportingPeriod.objects.all()[: GRID_QUARTERS * 2])
    reports = {}
    if user.task_force_id:
        reports = {
            r.period_id: r
            for r in Report.objects.filter(task_force_id=user.task_force_id, period__in=periods)
        }
    rows = [(period, reports.get(period.pk)) for period in periods]
    reporters = []
    if can_designate:
        reporters = list(DataReporter.objects.filter(task_force_id=user.task_force_id).select_related("user"))
    context = {
        "rows": rows,
        "task_force": user.task_force,
        "is_reporter": is_reporter,
        "can_designate": can_designate,
        "reporters": reporters,
        "colleagues": _colleagues(user, reporters) if can_designate else [],
        "is_staff": is_staff,
        "is_measures_staff": is_staff,
    }
    return _render(request, "measures/index.html", context)


def _colleagues(user, reporters):
    taken = {r.user_id for r in reporters}
    people = User.objects.filter(
        task_force_id=user.task_force_id, status=User.Status.APPROVED, is_active=True
    )
    return [p for p in people.exclude(pk=user.pk).order_by("full_name") if p.pk not in taken]


def _report_context(request, report, checked=None, posted=None):
    period = report.period
    measures = services.measures_of(period)
    raws, explanations = services.entries(report)
    if posted is not None:
        raws, explanations = posted
    previous = services.previous_values(report)
    if checked is None:
        checked = services.check_report(report, measures, raws, explanations, previous)
    rows = [
        {
            "measure": m,
            "raw": raws.get(m.code, ""),
            "explanation": explanations.get(m.code, ""),
            "problems": checked.problems.get(m.code, []),
            "needs_explanation": m.code in checked.needs_explanation,
            "previous": previous.get(m.code),
        }
        for m in measures
    ]
    return {
        "report": report,
        "period": period,
        "rows": rows,
        "problem_count": sum(1 for r in rows if r["problems"]),
        "can_edit": report.is_editable and access.is_reporter(request.user, report.task_force_id),
        "can_correct": report.status == ReportStatus.ACCEPTED
        and not period.is_closed
        and access.is_reporter(request.user, report.task_force_id),
        "history": report.events.select_related("actor") if report.pk else [],
        "correction_form": CorrectionForm(),
    }


@access.measures_members_only
def report(request, year, quarter):
    """A task force's report for a quarter: the form for its reporters, the figures for its members."""
    period = _period(year, quarter)
    if not request.user.task_force_id:
        raise Http404
    found = Report.objects.filter(task_force_id=request.user.task_force_id, period=period).first()
    if found is None:
        if not access.is_reporter(request.user, request.user.task_force_id) or period.is_closed:
            return _render(request, "measures/no_report.html", {"period": period}, status=404)
        # Not saved until the reporter saves: a GET changes nothing.
        found = Report(task_force=request.user.task_force, period=period)
    found.period = period
    return _render(request, "measures/report.html", _report_context(request, found))


def _posted(request, measures):
    raws = {m.code: request.POST.get(f"figure-{m.code}", "") for m in measures}
    explanations = {m.code: request.POST.get(f"explain-{m.code}", "") for m in measures}
    return raws, explanations


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@require_POST
@access.measures_members_only
def save(request, year, quarter):
    return _save(request, year, quarter, then_submit=False)


@require_POST
@access.measures_members_only
def submit(request, year, quarter):
    return _save(request, year, quarter, then_submit=True)


def _save(request, year, quarter, *, then_submit):
    period = _period(year, quarter)
    user = request.user
    if not access.is_reporter(user, user.task_force_id):
        raise NotPermitted(
            "Only the task force's coordinator or a designated data reporter fills in reports."
        )
    found = services.report_for(user.task_force, period)
    found.period = period
    posted = _posted(request, services.measures_of(period))
    comment = request.POST.get("comment", "")
    try:
        checked = services.save(user, found, *posted, comment, expected_version=_version(request))
    except Conflict as error:
        # Someone else changed the report: show it as it stands now, but with what this person
        # typed still in the fields (and the new version, so saving again is a deliberate choice).
        found.refresh_from_db()
        found.period = period
        context = _report_context(request, found, posted=posted)
        context["error"] = str(error)
        context["comment"] = comment
        return _render(request, "measures/report.html", context, status=409)
    except ServiceError as error:
        context = _report_context(request, found, posted=posted)
        context["error"] = str(error)
        context["comment"] = comment
        return _render(request, "measures/report.html", context, status=400)
    if not then_submit:
        messages.success(request, "Saved. Nothing is sent to TTA staff until you submit.")
        return redirect(_url(period))
    try:
        services.submit(user, found, expected_version=found.version)
    except ServiceError as error:
        context = _report_context(request, found, checked=checked, posted=posted)
        context["error"] = str(error)
        return _render(request, "measures/report.html", context, status=400)
    messages.success(request, f"Submitted. TTA staff will review the {period} report.")
    return redirect(_url(period))


@require_POST
@access.measures_members_only
def correct(request, year, quarter):
    period = _period(year, quarter)
    found = get_object_or_404(Report, task_force_id=request.user.task_force_id, period=period)
    try:
        services.open_correction(
            request.user, found, request.POST.get("reason", ""), expected_version=_version(request)
        )
    except NotPermitted:
        raise
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, "A correction is open as a new revision: change the figures and submit again."
        )
    return redirect(_url(period))


@require_POST
@access.measures_members_only
def add_reporter(request):
    member = get_object_or_404(User, pk=_int(request.POST.get("member")))
    try:
        services.designate_reporter(request.user, member)
    except NotPermitted:
        raise
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{member.full_name} can now fill in and submit your reports.")
    return redirect("measures:index")


@require_POST
@access.measures_members_only
def remove_reporter(request, pk):
    member = get_object_or_404(User, pk=pk)
    if services.remove_reporter(request.user, member):
        messages.success(request, f"{member.full_name} is no longer a data reporter.")
    else:
        messages.info(
            request, f"{member.full_name} was not a data reporter of your task force: nothing changed."
        )
    return redirect("measures:index")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@access.staff_only
def staff_grid(request):
    """Task forces by quarter, each cell the report's status."""
    periods = list(ReportingPeriod.objects.all()[:GRID_QUARTERS])
    reports = Report.objects.filter(period__in=periods).only(
        "pk", "status", "task_force_id", "period_id", "revision"
    )
    task_forces = TaskForce.objects.order_by("region", "name").prefetch_related(
        Prefetch("reports", queryset=reports, to_attr="grid_reports")
    )
    rows = []
    for task_force in task_forces:
        by_period = {r.period_id: r for r in task_force.grid_reports}
        rows.append((task_force, [by_period.get(p.pk) for p in periods]))
    waiting = Report.objects.filter(status=ReportStatus.SUBMITTED).count()
    return _render(
        request, "measures/staff_grid.html", {"periods": periods, "rows": rows, "waiting": waiting}
    )


@access.staff_only
def staff_report(request, pk):
    found = get_object_or_404(Report.objects.select_related("task_force", "period", "submitted_by"), pk=pk)
    context = _report_context(request, found)
    context.update(
        {"staff": True, "return_form": ReturnForm(), "can_decide": found.status == ReportStatus.SUBMITTED}
    )
    return _render(request, "measures/staff_report.html", context)


@require_POST
@access.staff_only
def staff_accept(request, pk):
    found = get_object_or_404(Report, pk=pk)
    try:
        services.accept(request.user, found, expected_version=_version(request))
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Accepted the {found.task_force} report.")
    return redirect("measures:staff_report", pk=pk)


@require_POST
@access.staff_only
def staff_return(request, pk):
    found = get_object_or_404(Report.objects.select_related("task_force", "period"), pk=pk)
    try:
        services.return_for_changes(
            request.user, found, request.POST.get("staff_comment", ""), expected_version=_version(request)
        )
    except Conflict as error:
        messages.error(request, str(error))
    except ServiceError as error:
        context = _report_context(request, found)
        form = ReturnForm(request.POST)
        form.is_valid()
        context.update({"staff": True, "return_form": form, "can_decide": True, "error": str(error)})
        return _render(request, "measures/staff_report.html", context, status=400)
    else:
        messages.success(request, f"Returned the {found.task_force} report with your comment.")
    return redirect("measures:staff_report", pk=pk)
