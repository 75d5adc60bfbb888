"""Pages of trainings.records: the check-in screen and form, the training record and its CSV,
certificate downloads and the public verification page.

Permission questions go to trainings.access; changes go through ``checkin`` and
``certificates``. An event the person may not see, or a certificate they have not earned,
is a 404: nothing says whether it exists.
"""

import csv
from datetime import UTC
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config import ratelimit
from config.csv_cells import safe_cell
from config.errors import LimitReached, NotPermitted, ServiceError
from members.access import members_only
from trainings import access, preferences
from trainings.models import Event, Registration, RegistrationStatus
from trainings.record_entries import entries_for
from trainings.records import certificates, checkin
from trainings.records.models import Certificate

# Per visitor address: enough to check a stack of certificates by hand, far too few to guess codes.
VERIFY_RATE = (30, 600)
VERIFY_TOO_MANY = "You have checked many codes in a short time. Please wait a few minutes and try again."


def _event_or_404(request, pk) -> Event:
    event = get_object_or_404(Event, pk=pk)
    if not access.can_view_event(request.user, event):
        raise Http404("No such event.")
    return event


@access.event_staff_only
def check_in_screen(request, pk):
    """The code to show in the room (projected or read out), for the event's staff."""
    event = get_object_or_404(Event, pk=pk)
    if not access.can_run_check_in(request.user, event):
        raise Http404("No such event.")
    code = checkin.code_for(event)
    opens, closes = checkin.window(event)
    rows = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
    return render(
        request,
        "trainings/records/check_in_screen.html",
        {
            "event": event,
            "code": code.code,
            "opens": opens,
            "closes": closes,
            "is_open": checkin.is_open(event),
            "checked_in": rows.filter(attended=True).count(),
            "registered": event.registered_count,
            "viewer_zone": preferences.viewer_zone(request.user),
            "event_url": settings.SITE_URL + reverse("trainings:event", args=[event.pk]),
        },
    )


@require_POST
@members_only
def check_in(request, pk):
    event = _event_or_404(request, pk)
    try:
        checkin.count_attempt(request.user)
        newly = checkin.check_in(event, request.user, request.POST.get("code", ""))
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, "You are checked in. Thank you!" if newly else "You were already checked in."
        )
    return redirect("trainings:event", pk=event.pk)


@access.record_holders_only
def record(request):
    entries = entries_for(request.user)
    issued = {c.key: c for c in Certificate.objects.filter(member=request.user).only("key", "code")}
    rows = [(entry, issued.get(entry.key)) for entry in entries]
    return render(
        request,
        "trainings/records/record.html",
        {
            "rows": rows,
            "total_hours": sum((entry.hours for entry in entries), Decimal(0)),
            "viewer_zone": preferences.viewer_zone(request.user),
        },
    )


@access.record_holders_only
def record_csv(request):
    entries = entries_for(request.user)
    codes = dict(Certificate.objects.filter(member=request.user).values_list("key", "code"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="training-record.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["kind", "title", "completed (UTC)", "hours", "certificate code"])
    for entry in entries:
        cells = [
            entry.kind,
            entry.title,
            entry.completed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
            f"{entry.hours.normalize():f}",
            codes.get(entry.key, ""),
        ]
        # Titles are typed by staff: never let a spreadsheet run one as a formula.
        writer.writerow([safe_cell(cell) for cell in cells])
    writer.writerow(["total", "", "", f"{sum((e.hours for e in entries), Decimal(0)).normalize():f}", ""])
    return response


@access.record_holders_only
def certificate_pdf(request, key):
    try:
        certificate = certificates.certificate_for(request.user, key[:64])
    except NotPermitted as error:
        # Not attended, not finished, or someone else's: the same answer, and nothing issued.
        return render(request, "trainings/records/no_certificate.html", {"message": str(error)}, status=404)
    # The site's own address (SITE_URL), not the request's Host: the printed link must stay canonical.
    verify_url = settings.SITE_URL + reverse("trainings:verify_code", args=[certificate.code])
    content = certificates.render_pdf(certificate, verify_url=verify_url)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _verification(request, typed):
    """One answer for every code: genuine (200) or not found (404), the same page either way."""
    context = {"typed": str(typed)[:64], "checked": True, "certificate": None}
    try:
        limit, window = VERIFY_RATE
        ratelimit.hit(
            "trainings:verify", _client_address(request), limit=limit, window=window, message=VERIFY_TOO_MANY
        )
    except LimitReached as reached:
        context.update(checked=False, error=str(reached))
        response = render(request, "trainings/records/verify.html", context, status=429)
        response["Retry-After"] = str(reached.retry_after or 60)
        return response
    certificate = certificates.verify(typed)
    context["certificate"] = certificate
    if certificate is not None:
        context["hours"] = certificates.format_hours(certificate.hours)
        context["completed"] = timezone.localtime(certificate.completed_at)
    response = render(request, "trainings/records/verify.html", context, status=200 if certificate else 404)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def verify(request):
    """The public form; with ``?code=`` it answers like the code's own page."""
    typed = request.GET.get("code")
    if typed is None:
        return render(request, "trainings/records/verify.html", {"checked": False, "typed": ""})
    return _verification(request, typed)


def verify_code(request, code):
    return _verification(request, code)
