"""The staff screens for reporting periods and measure-set versions, under /measures/staff/.

Every page is TTA staff only; every change is a POST (with CSRF, like every form on the site),
goes through ``measures.periods`` and is audited there. A refused change shows the page again
with the message next to its field and everything typed still in place.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from config.errors import Conflict, ServiceError
from measures import access, periods
from measures.forms_periods import CloseForm, PeriodForm, PeriodSettingsForm, SetVersionForm
from measures.models import MeasureSet, ReportingPeriod
from measures.periods import NewMeasure, SetEdits
from measures.views import _render

PERIODS_SHOWN = 40


def _fail(form, error: ServiceError) -> None:
    """The service's message goes next to the field it names (or above the form)."""
    form.add_error(error.field if error.field in form.fields else None, str(error))


# Periods ----------------------------------------------------------------------------------------


def _periods_page(request, form, status=200):
    listed = ReportingPeriod.objects.select_related("measure_set").annotate(
        report_count=Count("reports"),
        accepted_count=Count("reports", filter=Q(reports__status="accepted")),
    )[:PERIODS_SHOWN]
    return _render(request, "measures/periods/list.html", {"periods": listed, "form": form}, status=status)


@access.staff_only
def period_list(request):
    latest = periods.latest_set()
    return _periods_page(request, PeriodForm(initial={"measure_set": latest}))


@require_POST
@access.staff_only
def period_create(request):
    form = PeriodForm(request.POST)
    if not form.is_valid():
        return _periods_page(request, form, status=400)
    data = form.cleaned_data
    try:
        created = periods.open_period(
            request.user,
            data["year"],
            data["quarter"],
            data["due_on"],
            data["change_factor"],
            data["measure_set"],
        )
    except ServiceError as error:
        same = _same_period(data)
        if same is not None:
            # The form sent twice (a double click): the first made it, exactly as asked.
            messages.info(request, f"{same} is open.")
            return redirect("measures:period_detail", pk=same.pk)
        _fail(form, error)
        return _periods_page(request, form, status=400)
    messages.success(request, f"{created} is open on measure set version {created.measure_set.version}.")
    return redirect("measures:period_detail", pk=created.pk)


def _same_period(data):
    return ReportingPeriod.objects.filter(
        year=data["year"],
        quarter=data["quarter"],
        due_on=data["due_on"],
        change_factor=data["change_factor"],
        measure_set=data["measure_set"],
    ).first()


def _period_page(request, period, settings_form=None, close_form=None, warning="", status=200):
    context = {
        "period": period,
        "settings_form": settings_form
        or PeriodSettingsForm(initial={"due_on": period.due_on, "change_factor": period.change_factor}),
        "close_form": close_form or CloseForm(),
        "warning": warning,
        "unfinished": periods.unfinished_reports(period),
        "measure_count": period.measure_set.measures.count(),
    }
    return _render(request, "measures/periods/detail.html", context, status=status)


def _get_period(pk):
    return get_object_or_404(ReportingPeriod.objects.select_related("measure_set"), pk=pk)


@access.staff_only
def period_detail(request, pk):
    return _period_page(request, _get_period(pk))


@require_POST
@access.staff_only
def period_settings(request, pk):
    period = _get_period(pk)
    form = PeriodSettingsForm(request.POST)
    if not form.is_valid():
        return _period_page(request, period, settings_form=form, status=400)
    try:
        periods.update_period(
            request.user, period, form.cleaned_data["due_on"], form.cleaned_data["change_factor"]
        )
    except ServiceError as error:
        _fail(form, error)
        return _period_page(request, period, settings_form=form, status=400)
    messages.success(request, f"Saved the due date and change factor of {period}.")
    return redirect("measures:period_detail", pk=pk)


@require_POST
@access.staff_only
def period_close(request, pk):
    period = _get_period(pk)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        periods.set_closed(request.user, period, True, confirmed=form.cleaned_data.get("confirm", False))
    except Conflict as error:
        # Reports still open: say how many and ask again, with the box to confirm.
        return _period_page(request, period, close_form=CloseForm(), warning=str(error), status=409)
    if period.is_closed:  # closed before this request (a double click, or someone else)
        messages.info(request, f"{period} was already closed: nothing changed.")
    else:
        messages.success(request, f"{period} is closed: its reports can no longer be changed or submitted.")
    return redirect("measures:period_detail", pk=pk)


@require_POST
@access.staff_only
def period_reopen(request, pk):
    period = _get_period(pk)
    was_closed = period.is_closed
    periods.set_closed(request.user, period, False)
    if was_closed:
        messages.success(
            request, f"{period} is open again: its reporters can change and submit their reports."
        )
    else:
        messages.info(request, f"{period} was already open: nothing changed.")
    return redirect("measures:period_detail", pk=pk)


# Measure-set versions ---------------------------------------------------------------------------


@access.staff_only
def set_list(request):
    sets = MeasureSet.objects.annotate(
        measure_count=Count("measures", distinct=True), period_count=Count("periods", distinct=True)
    ).order_by("-version")
    return _render(request, "measures/sets/list.html", {"sets": sets})


@access.staff_only
def set_detail(request, version):
    found = get_object_or_404(MeasureSet, version=version)
    measures = list(found.measures.select_related("parent").order_by("position", "pk"))
    quarters = list(found.periods.order_by("-year", "-quarter"))
    latest = periods.latest_set()
    context = {"set": found, "measures": measures, "quarters": quarters, "is_latest": latest == found}
    return _render(request, "measures/sets/detail.html", context)


def _new_set_page(request, latest, form, status=200):
    return _render(request, "measures/sets/new.html", {"latest": latest, "form": form}, status=status)


@access.staff_only
def set_new(request):
    latest = periods.latest_set()
    if latest is None:
        return redirect("measures:set_list")
    measures = list(latest.measures.order_by("position", "pk"))
    if request.method != "POST":
        initial = {"based_on": latest.version, "title": latest.title}
        return _new_set_page(request, latest, SetVersionForm(initial=initial, measures=measures))
    if request.POST.get("based_on") != str(latest.version):
        # Sent from a page showing an older version (a double click, an old tab): the service
        # would refuse it too; show the latest instead, keeping what was typed where it still fits.
        form = _rebased(request, latest, measures)
        form.add_error(
            None,
            f"Version {latest.version} is now the latest (perhaps this form was sent twice): "
            "here it is; make your changes to it.",
        )
        return _new_set_page(request, latest, form, status=409)
    form = SetVersionForm(request.POST, measures=measures)
    if not form.is_valid():
        return _new_set_page(request, latest, form, status=400)
    data = form.cleaned_data
    edits = SetEdits(
        title=data["title"],
        based_on=data["based_on"],
        retire={m.code for m in measures if data.get(f"retire-{m.code}")},
        definitions={m.code: data[f"definition-{m.code}"] for m in measures},
    )
    if data["code"]:
        edits.add.append(
            NewMeasure(
                code=data["code"],
                name=data["name"].strip(),
                definition=data["definition"].strip(),
                unit=data["unit"].strip() or "count",
                parent_code=data["parent"],
                breakdown=data["breakdown"].strip(),
            )
        )
    try:
        created = periods.new_set_version(request.user, edits)
    except Conflict as error:
        # Based on an older version: show the latest, keeping the title and new measure as typed.
        form = _rebased(request, latest, measures)
        form.add_error(None, str(error))
        return _new_set_page(request, latest, form, status=409)
    except ServiceError as error:
        _fail(form, error)
        return _new_set_page(request, latest, form, status=400)
    messages.success(
        request,
        f"Version {created.version} is the latest. Quarters opened from now on can use it; "
        "earlier quarters keep the version they were opened with.",
    )
    return redirect("measures:set_detail", version=created.version)


def _rebased(request, latest, measures):
    posted = request.POST.copy()
    posted["based_on"] = str(latest.version)
    for m in measures:
        posted.setdefault(f"definition-{m.code}", m.definition)
    form = SetVersionForm(posted, measures=measures)
    form.is_valid()
    return form
