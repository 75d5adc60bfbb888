"""Seeing the figures: a task force's trends with peer medians and TTA signals, and staff totals.

A member sees only their own task force's trends (the URL names no task force, so there is nothing
to guess); staff see any task force's, every task force's signals, and totals by region and quarter
with their CSV. Who may see what is decided in ``measures/access.py``.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from config.charts import bar_chart
from measures import access, signals, totals, trends
from measures.views import _render
from members.models import TaskForce


def _trends_context(task_force):
    periods = trends.recent_periods()
    return {
        "task_force": task_force,
        "periods": periods,
        "trends": trends.trends_for(task_force.pk, periods) if task_force else [],
        "signals": signals.for_task_force(task_force.pk, periods) if task_force else [],
        "peers_at_least": trends.PEERS_AT_LEAST,
        "tta_request_url": signals.TTA_REQUEST_URL,
    }


@access.measures_members_only
def my_trends(request):
    """The signed-in member's own task force, over the latest quarters."""
    task_force = request.user.task_force
    if task_force is not None and not access.can_see_trends(request.user, task_force.pk):
        raise PermissionDenied
    return _render(request, "measures/figures/trends.html", _trends_context(task_force))


@access.staff_only
def staff_trends(request, pk):
    task_force = get_object_or_404(TaskForce, pk=pk)
    if not access.can_see_trends(request.user, task_force.pk):
        raise PermissionDenied
    context = _trends_context(task_force)
    context["staff_view"] = True
    return _render(request, "measures/figures/trends.html", context)


@access.staff_only
def staff_totals(request):
    if not access.can_see_totals(request.user):
        raise PermissionDenied
    periods = trends.recent_periods()
    code = request.GET.get("measure", "")[:60]
    found = totals.totals(periods, code)
    chart = None
    if found.measure is not None:
        chart = bar_chart(
            f"{found.measure.name}: all task forces",
            f"{found.measure.name}, summed over every accepted report, each quarter. "
            "The table below has the figures, by region.",
            [trends.short_label(p) for p in periods],
            [("All task forces", found.region_totals)],
            css_class="measures-chart",
        )
    return _render(
        request,
        "measures/figures/staff_totals.html",
        {
            "totals": found,
            "chart": chart,
            "unknown_measure": bool(code) and code != getattr(found.measure, "code", ""),
        },
    )


@access.staff_only
def staff_totals_csv(request):
    if not access.can_see_totals(request.user):
        raise PermissionDenied
    response = HttpResponse(totals.as_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="performance-measure-totals.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@access.staff_only
def staff_signals(request):
    found = signals.for_all()
    task_forces = TaskForce.objects.filter(pk__in=found).order_by("region", "name")
    rows = [(tf, found[tf.pk]) for tf in task_forces]
    return _render(
        request,
        "measures/figures/staff_signals.html",
        {"rows": rows, "tta_request_url": signals.TTA_REQUEST_URL, "lookback": signals.LOOKBACK},
    )
