"""The spreadsheet import pages: the published template (CSV and Excel) and the upload.

The import itself lives in ``measures.importing``; these views only gate, read the upload
within its size limit, and show the outcome. A refused file re-renders the page with every
row's problem and leaves the report as it was.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from config import ratelimit
from config.errors import Conflict, LimitReached, NotPermitted, ServiceError
from measures import access, importing, services
from measures.models import Report
from measures.views import _period, _render, _url, _version

# Parsing a workbook costs CPU: a reporter re-importing after each fix needs a handful an hour.
IMPORTS_PER_HOUR = 30
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _own_report(request, period):
    """The reporter's report for the period (unsaved if there is none yet), or None for others."""
    user = request.user
    found = Report.objects.filter(task_force_id=user.task_force_id, period=period).first()
    if found is None:
        found = Report(task_force=user.task_force, period=period)
    if found is not None:
        found.period = period
    return found


@access.measures_members_only
def template(request, year, quarter, kind):
    """The template for the quarter, pre-filled with the task force's entries for its own reporters."""
    period = _period(year, quarter)
    if not access.can_download_template(request.user):
        raise NotPermitted("Performance measures are for task force members and TTA staff.")
    report = None
    if request.user.task_force_id and access.is_reporter(request.user, request.user.task_force_id):
        report = Report.objects.filter(task_force_id=request.user.task_force_id, period=period).first()
    filename = f"measures-{period.year}-q{period.quarter}"
    if kind == "csv":
        response = HttpResponse(
            importing.template_csv(period, report), content_type="text/csv; charset=utf-8"
        )
        filename += ".csv"
    elif kind == "xlsx":
        response = HttpResponse(importing.template_xlsx(period, report), content_type=XLSX_TYPE)
        filename += ".xlsx"
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _read_upload(upload) -> bytes:
    """At most one byte over the limit is read, so a huge upload is refused without holding it."""
    if upload is None:
        raise importing.ImportRefused(["Choose a CSV or Excel file to import."])
    if upload.size is not None and upload.size > importing.MAX_BYTES:
        raise importing.ImportRefused(
            [
                f"The file is {upload.size // 1024:,} KB; the template is a few KB (the limit is "
                f"{importing.MAX_BYTES // 1024} KB)."
            ]
        )
    return upload.read(importing.MAX_BYTES + 1)


@require_http_methods(["GET", "POST"])
@access.measures_members_only
def import_report(request, year, quarter):
    period = _period(year, quarter)
    user = request.user
    if not access.can_import(user, user.task_force_id):
        raise NotPermitted("Only the task force's coordinator or a designated data reporter imports figures.")
    report = _own_report(request, period)
    context = {"period": period, "report": report, "max_kb": importing.MAX_BYTES // 1024}
    if not report.is_editable:
        context["error"] = services._not_editable(report)
        return _render(
            request, "measures/import/import.html", context, status=409 if request.method == "POST" else 200
        )
    if request.method == "GET":
        return _render(request, "measures/import/import.html", context)
    upload = request.FILES.get("file")
    try:
        ratelimit.hit(
            "measures:import",
            user.pk,
            limit=IMPORTS_PER_HOUR,
            window=3600,
            message=f"That is {IMPORTS_PER_HOUR} imports this hour: wait a while, or type the figures in.",
        )
        data = _read_upload(upload)
        parsed, checked = importing.import_file(
            user, report, upload.name or "", data, expected_version=_version(request)
        )
    except LimitReached as error:
        context["problems"] = [str(error)]
        return _render(request, "measures/import/import.html", context, status=429)
    except importing.ImportRefused as refused:
        context["problems"] = refused.problems
        return _render(request, "measures/import/import.html", context, status=400)
    except Conflict as error:
        messages.error(request, str(error))
        return redirect("measures:import", year=year, quarter=quarter)
    except NotPermitted:
        raise
    except ServiceError as error:
        context["problems"] = [str(error)]
        return _render(request, "measures/import/import.html", context, status=400)
    flagged = sum(1 for found in checked.problems.values() if found)
    note = (
        f" {flagged} figure{'s' if flagged != 1 else ''} need{'s' if flagged == 1 else ''} a look: "
        "see the marks below."
        if flagged
        else ""
    )
    messages.success(
        request,
        f"Imported {len(parsed.raws)} figure{'s' if len(parsed.raws) != 1 else ''} into your draft.{note} "
        "Nothing is sent to TTA staff until you submit.",
    )
    return redirect(_url(period))
