"""Trainings pages: upcoming and past lists, the month view, event pages, registration,
calendar files and feeds, the member's preferences, and staff forms and rosters.

Every permission question goes to trainings.access; every change goes through
trainings.registration, trainings.events or trainings.preferences. An event the viewer
may not see is a 404, so a members-only event's existence is never revealed.
"""

import calendar as calendar_module
import csv
from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.csv_cells import safe_cell
from config.errors import ServiceError
from members.access import members_only
from taxonomy.models import Term
from trainings import access, attendance, calendars, events, preferences, registration
from trainings.forms import EventForm, FilterForm, TimeZoneForm
from trainings.models import ACTIVE_STATUSES, Event, MemberPreference, Registration, RegistrationStatus
from trainings.records import checkin

PAGE_SIZE = 20
FEED_DAYS_BACK = 90


def _filtered(request, events_qs):
    """Apply the topic, audience and format filters; returns (queryset, form, chosen terms)."""
    form = FilterForm(request.GET or None)
    chosen = {}
    if form.is_valid():
        for facet in ("topic", "audience"):
            slug = form.cleaned_data.get(facet)
            if slug:
                term = Term.objects.filter(slug=slug).first()
                if term is None:
                    events_qs = events_qs.none()
                else:
                    chosen[facet] = term
                    field = "topics" if facet == "topic" else "audiences"
                    events_qs = events_qs.filter(**{field: term})
        if form.cleaned_data.get("format"):
            events_qs = events_qs.filter(format=form.cleaned_data["format"])
    return events_qs, form, chosen


def _filter_terms():
    terms = list(Term.objects.current().filter(training_events__isnull=False).distinct().order_by("name"))
    audiences = list(
        Term.objects.current().filter(training_events_for__isnull=False).distinct().order_by("name")
    )
    return terms, audiences


def _list_page(request, *, past: bool):
    now = timezone.now()
    visible = access.visible_events(request.user)
    events_qs = visible.past(now) if past else visible.upcoming(now)
    events_qs, form, chosen = _filtered(request, events_qs)
    page = Paginator(events_qs.with_terms(), PAGE_SIZE).get_page(request.GET.get("page"))
    topics, audiences = _filter_terms()
    # Staff find their unpublished drafts here; nobody else has any (no query for them).
    can_create = access.can_create_events(request.user)
    drafts = (
        list(access.manageable_events(request.user).filter(is_published=False).upcoming(now)[:PAGE_SIZE])
        if can_create and not past
        else []
    )
    return render(
        request,
        "trainings/index.html",
        {
            "page_obj": page,
            "past": past,
            "form": form,
            "chosen": chosen,
            "topic_terms": topics,
            "audience_terms": audiences,
            "viewer_zone": preferences.viewer_zone(request.user),
            "can_create": can_create,
            "drafts": drafts,
        },
    )


def index(request):
    return _list_page(request, past=False)


def past(request):
    return _list_page(request, past=True)


def month(request, year=None, month=None):
    zone = preferences.viewer_zone(request.user)
    if year is None:
        # This month in the viewer's zone, shown at once (no redirect), so the link stays stable.
        today = timezone.localtime(timezone.now(), zone)
        year, month = today.year, today.month
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404("No such month.")
    # The month's bounds in the viewer's own zone, so an evening event on the 31st stays in its month.
    first = datetime(year, month, 1, tzinfo=zone)
    next_first = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    events_qs = access.visible_events(request.user).filter(starts_at__lt=next_first, ends_at__gt=first)
    events_qs, form, chosen = _filtered(request, events_qs)
    days: dict[int, list] = {}
    for event in events_qs.order_by("starts_at", "pk"):
        day = max(timezone.localtime(event.starts_at, zone), first).day
        days.setdefault(day, []).append(event)
    previous_month = first - timedelta(days=1)
    topics, audiences = _filter_terms()
    return render(
        request,
        "trainings/month.html",
        {
            "month_start": first,
            "days": sorted(days.items()),
            "month_name": f"{calendar_module.month_name[month]} {year}",
            "previous": (previous_month.year, previous_month.month),
            "next": (next_first.year, next_first.month),
            "form": form,
            "chosen": chosen,
            "topic_terms": topics,
            "audience_terms": audiences,
            "viewer_zone": zone,
        },
    )


def _visible_event_or_404(request, pk) -> Event:
    event = get_object_or_404(Event.objects.with_terms(), pk=pk)
    if not access.can_view_event(request.user, event):
        raise Http404("No such event.")
    return event


def event_detail(request, pk):
    event = _visible_event_or_404(request, pk)
    mine = registration.active_registration(event, request.user)
    return render(
        request,
        "trainings/event.html",
        {
            "event": event,
            "registration": mine,
            "show_join_link": access.can_see_join_link(request.user, event, mine),
            "can_register": access.can_register(request.user),
            "can_manage": access.can_manage_event(request.user, event),
            "viewer_zone": preferences.viewer_zone(request.user),
            "now": timezone.now(),
            # Check-in and the certificate (trainings.records): shown only to the registered attendee.
            "check_in_open": checkin.is_open(event),
            "certificate_key": f"event:{event.pk}",
        },
    )


@require_POST
@members_only
def register(request, pk):
    event = _visible_event_or_404(request, pk)
    answers = {
        question: request.POST.get(f"answer-{index}", "") for index, question in enumerate(event.questions)
    }
    try:
        done = registration.register(event, request.user, answers)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        if done.status == RegistrationStatus.REGISTERED:
            messages.success(
                request, "You are registered. A confirmation with a calendar file is on its way."
            )
        else:
            messages.success(request, f"The event is full: you are number {done.position} on the waitlist.")
    return redirect("trainings:event", pk=event.pk)


@require_POST
@members_only
def cancel(request, pk):
    event = _visible_event_or_404(request, pk)
    try:
        registration.cancel(event, request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your registration is cancelled.")
    return redirect("trainings:event", pk=event.pk)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def event_ics(request, pk):
    event = _visible_event_or_404(request, pk)
    mine = registration.active_registration(event, request.user)
    content = calendars.event_ics(event, with_join_link=access.can_see_join_link(request.user, event, mine))
    return _ics_response(content, f"training-{event.pk}.ics")


def public_feed(request):
    since = timezone.now() - timedelta(days=FEED_DAYS_BACK)
    events_qs = access.public_events().filter(ends_at__gt=since).order_by("starts_at", "pk")
    return _ics_response(calendars.feed_ics("Task Force Commons trainings", events_qs), "trainings.ics")


def personal_feed(request, token):
    """A member's own events, found by the secret token alone (calendar apps send no cookies)."""
    preference = MemberPreference.objects.filter(calendar_token=token).select_related("user").first()
    if preference is None or not access.can_register(preference.user):
        raise Http404("No such calendar.")
    user = preference.user
    since = timezone.now() - timedelta(days=FEED_DAYS_BACK)
    mine = list(
        Registration.objects.filter(member=user, status__in=ACTIVE_STATUSES, event__ends_at__gt=since)
        .select_related("event")
        .order_by("event__starts_at")
    )
    shown = [r.event for r in mine if access.can_view_event(user, r.event)]
    join = frozenset(r.event_id for r in mine if access.can_see_join_link(user, r.event, r))
    content = calendars.feed_ics("My trainings, Task Force Commons", shown, join_link_for=join)
    return _ics_response(content, "my-trainings.ics")


@members_only
def my_trainings(request):
    preference = preferences.preference_for(request.user)
    if request.method == "POST":
        form = TimeZoneForm(request.POST)
        if form.is_valid():
            preferences.set_time_zone(request.user, form.cleaned_data["time_zone"])
            messages.success(request, "Your time zone is saved.")
            return redirect("trainings:mine")
    else:
        form = TimeZoneForm(initial={"time_zone": preference.time_zone})
    now = timezone.now()
    mine = list(
        Registration.objects.filter(member=request.user, status__in=ACTIVE_STATUSES, event__ends_at__gt=now)
        .select_related("event")
        .order_by("event__starts_at")
    )
    feed_path = reverse("trainings:personal_feed", args=[preference.calendar_token])
    return render(
        request,
        "trainings/mine.html",
        {
            "form": form,
            "registrations": mine,
            "feed_url": request.build_absolute_uri(feed_path),
            "viewer_zone": preferences.viewer_zone(request.user),
        },
    )


@require_POST
@members_only
def reset_feed(request):
    preferences.reset_calendar_token(request.user)
    messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
    return redirect("trainings:mine")


@access.event_staff_only
def create_event(request):
    form = EventForm(request.POST or None, visibilities=access.visibilities_for_new_event(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            event = events.create_event(
                data, topics=data.pop("topics"), audiences=data.pop("audiences"), by=request.user
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "The event is saved.")
            return redirect("trainings:event", pk=event.pk)
    return render(request, "trainings/event_form.html", {"form": form, "event": None})


def _managed_event_or_404(request, pk) -> Event:
    """Staff pages of one event: 404 unless this person manages it (never reveal a members-only event)."""
    event = get_object_or_404(Event.objects.with_terms(), pk=pk)
    if not access.can_manage_event(request.user, event):
        raise Http404("No such event.")
    return event


@access.event_staff_only
def edit_event(request, pk):
    event = _managed_event_or_404(request, pk)
    visibilities = access.visibilities_for_new_event(request.user)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event), visibilities=visibilities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            events.update_event(
                event, data, topics=data.pop("topics"), audiences=data.pop("audiences"), by=request.user
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "The event is saved.")
            return redirect("trainings:event", pk=event.pk)
    return render(request, "trainings/event_form.html", {"form": form, "event": event})


def _roster(event):
    return list(
        Registration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("member", "member__task_force")
        .order_by("status", "position", "created_at", "pk")
    )


@access.event_staff_only
def roster(request, pk):
    event = _managed_event_or_404(request, pk)
    rows = _roster(event)
    return render(
        request,
        "trainings/roster.html",
        {
            "event": event,
            "registered": [r for r in rows if r.status == RegistrationStatus.REGISTERED],
            "waitlisted": sorted(
                (r for r in rows if r.status == RegistrationStatus.WAITLISTED), key=lambda r: r.position or 0
            ),
            "viewer_zone": preferences.viewer_zone(request.user),
            "can_mark_attendance": event.has_started(),
        },
    )


@require_POST
@access.event_staff_only
def mark_attendance(request, pk):
    event = _managed_event_or_404(request, pk)
    try:
        present = {int(value) for value in request.POST.getlist("present")}
    except ValueError:
        present = {-1}  # refused below as "not registered", like any other foreign id
    try:
        count = attendance.mark_attendance(event, present, by=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Attendance saved: {count} attended.")
    return redirect("trainings:roster", pk=event.pk)


@access.event_staff_only
def roster_csv(request, pk):
    event = _managed_event_or_404(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-{event.pk}-roster.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    header = [
        "name",
        "email",
        "agency",
        "task force",
        "status",
        "waitlist position",
        "registered at (UTC)",
        "attended",
    ]
    writer.writerow(header + list(event.questions))
    for row in _roster(event):
        member = row.member
        cells = [
            member.full_name,
            member.email,
            member.agency,
            member.task_force.name if member.task_force else member.other_task_force_name,
            row.get_status_display(),
            row.position or "",
            row.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
            {True: "yes", False: "no"}.get(row.attended, ""),
            *(row.answers.get(question, "") for question in event.questions),
        ]
        # Names, agencies and answers are typed by people: never let a spreadsheet run one.
        writer.writerow([safe_cell(cell) for cell in cells])
    return response
