"""The staff page of one TTA request, and each thing staff do there at its own URL.

Every action is a POST-only view behind the same staff check as the page. On
success it redirects back to the page with "Saved."; when the service refuses,
the page is shown again (status 400) with the message and, for "Add a match",
what staff typed, so the forms work without JavaScript. A second click never
applies twice: the status form carries the status staff saw (a change made
meanwhile is refused), and the other services are idempotent or refuse a repeat.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from config.errors import ServiceError
from tta import access, analysis, querysets, training_events
from tta.forms import AddMatchForm, AssignForm, NoteForm, StatusForm
from tta.models import Match, TTARequest
from tta.services.exchanges import propose_exchange
from tta.services.fulfilment import fulfil_by_event
from tta.services.matches import accept_match, add_match, propose_matches, reject_match
from tta.services.status import allowed_transitions, change_status
from tta.services.triage import add_note, assign
from tta.views.errors import shown


def _page(request, pk, *, errors=(), add_form=None, candidates=()):
    tta_request = get_object_or_404(querysets.request_page(internal=True), pk=pk)
    return render(
        request,
        "tta/staff_request.html",
        {
            "r": tta_request,
            "notes": list(tta_request.notes.all()),
            "errors": list(errors),
            # Only the moves the transitions table allows from here, the usual next step first (and chosen).
            "allowed": allowed_transitions(tta_request.status),
            "staff": list(querysets.staff_choices()),
            "overdue": analysis.overdue_flags([tta_request])[tta_request.pk],
            # A failed "Add a match" comes back with what staff typed, not an empty form.
            "add_form": add_form,
            # A name that fits several members: they are offered to choose from.
            "candidates": list(candidates),
            "task_forces": querysets.peer_task_force_choices(tta_request.task_force_id),
            # What "Fulfil by a training event" offers: published events on the topic.
            "events": training_events.events_for_topic(tta_request.topic_id),
            # The event match already fulfilling the request offers no "Fulfil by this event".
            "fulfilled_key": f"event:{tta_request.fulfilled_by_event}"
            if tta_request.fulfilled_by_event
            else "",
        },
        status=400 if errors else 200,
    )


def _act(request, pk, action, *, add_form=None):
    """Run ``action`` (a service call on request ``pk``), then go back to the page, or show why not."""
    try:
        action()
    except TTARequest.DoesNotExist:
        raise Http404 from None
    except ServiceError as error:
        candidates = getattr(error, "candidates", ())
        return _page(request, pk, errors=[shown(error)], add_form=add_form, candidates=candidates)
    messages.success(request, "Saved.")
    return redirect("tta:staff_request", pk=pk)


@require_safe
@access.tta_staff_only
def staff_request(request, pk):
    return _page(request, pk)


@require_POST
@access.tta_staff_only
def staff_request_status(request, pk):
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, errors=["Choose a status."])
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda: change_status(
            request.user, pk, data["status"], reason=data["reason"], expected_status=data["expected_status"]
        ),
    )


@require_POST
@access.tta_staff_only
def staff_request_assign(request, pk):
    form = AssignForm(request.POST, staff=querysets.staff_choices())
    if not form.is_valid():
        return _page(request, pk, errors=["Choose a member of TTA staff and a valid date."])
    data = form.cleaned_data
    return _act(request, pk, lambda: assign(request.user, pk, data["assignee"], data["due_date"]))


@require_POST
@access.tta_staff_only
def staff_request_note(request, pk):
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, errors=["Write a note of up to 5,000 characters."])
    return _act(request, pk, lambda: add_note(request.user, pk, form.cleaned_data["text"]))


@require_POST
@access.tta_staff_only
def staff_request_find_matches(request, pk):
    return _act(request, pk, lambda: propose_matches(request.user, pk))


@require_POST
@access.tta_staff_only
def staff_request_add_match(request, pk):
    form = AddMatchForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, errors=form.error_list(), add_form=form)
    return _act(request, pk, lambda: add_match(request.user, pk, **form.cleaned_data), add_form=form)


def _request_match(pk, match_pk) -> Match:
    # A match of another request is not found here, whatever its id.
    return get_object_or_404(Match, pk=match_pk, request_id=pk)


@require_POST
@access.tta_staff_only
def staff_request_accept_match(request, pk, match_pk):
    match = _request_match(pk, match_pk)
    return _act(request, pk, lambda: accept_match(request.user, match.pk))


@require_POST
@access.tta_staff_only
def staff_request_reject_match(request, pk, match_pk):
    match = _request_match(pk, match_pk)
    return _act(request, pk, lambda: reject_match(request.user, match.pk))


@require_POST
@access.tta_staff_only
def staff_request_propose_exchange(request, pk, match_pk):
    match = _request_match(pk, match_pk)
    return _act(request, pk, lambda: propose_exchange(request.user, match.pk))


@require_POST
@access.tta_staff_only
def staff_request_fulfil(request, pk):
    """Fulfil the request by a training event (tta.services.fulfilment)."""
    try:
        tta_request, moved = fulfil_by_event(request.user, pk, request.POST.get("event", ""))
    except TTARequest.DoesNotExist:
        raise Http404 from None
    except ServiceError as error:
        return _page(request, pk, errors=[shown(error)])
    if moved:
        messages.success(
            request, f"Saved: fulfilled by the event, and now {tta_request.get_status_display()}."
        )
    else:
        messages.success(request, "Saved: fulfilled by the event; the status is unchanged.")
    return redirect("tta:staff_request", pk=pk)
