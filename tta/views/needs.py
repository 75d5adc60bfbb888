"""The staff page of one needs assessment: its high-priority, low-capacity needs and their matches,
and each thing staff do there at its own URL (find, add, accept, reject, propose an exchange).

Like the request page (tta.views.triage): POST-only actions behind the staff check,
back to the page with a message on success, the page again with the reason (status
400) when the service refuses, so the forms work without JavaScript.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from config.errors import ServiceError
from tta import access, querysets
from tta.forms import AddMatchForm
from tta.matching import needs_of
from tta.models import Match, NeedsAssessment
from tta.services.exchanges import propose_exchange
from tta.services.matches import accept_match, add_need_match, propose_need_matches, reject_match
from tta.views.errors import shown


def _needs(assessment, ratings, matches, shown_ids, add_form, add_need, candidates):
    return [
        {
            "rating": ratings[term_id],
            "matches": [m for m in matches if m.need_id == term_id],
            "add_form": add_form if add_need == str(term_id) else None,
            "candidates": candidates if add_need == str(term_id) else [],
        }
        for term_id in shown_ids
        if term_id in ratings
    ]


def _page(request, assessment, *, errors=(), add_form=None, add_need=None, candidates=()):
    ratings = querysets.staff_assessment_ratings(assessment)
    matches = querysets.need_matches(assessment)
    # The needs the matcher looks at first, then any other area that has matches already.
    shown_ids = [r.term_id for r in needs_of(assessment)]
    shown_ids += sorted({m.need_id for m in matches} - set(shown_ids), key=lambda t: ratings[t].term.name)
    return render(
        request,
        "tta/staff_assessment.html",
        {
            "assessment": assessment,
            "needs": _needs(assessment, ratings, matches, shown_ids, add_form, add_need, list(candidates)),
            "other_areas": [r for t, r in ratings.items() if t not in shown_ids and not r.term.retired],
            "errors": list(errors),
            "task_forces": querysets.peer_task_force_choices(assessment.task_force_id),
        },
        status=400 if errors else 200,
    )


def _assessment(pk) -> NeedsAssessment:
    return get_object_or_404(NeedsAssessment.objects.select_related("task_force", "cycle"), pk=pk)


def _act(request, assessment, action, success, *, add_form=None, add_need=None):
    """Run ``action``, then go back to the page with ``success`` (a message, or a function of the
    action's result giving one), or show the page again with why not."""
    try:
        result = action()
    except NeedsAssessment.DoesNotExist:
        raise Http404 from None
    except ServiceError as error:
        candidates = getattr(error, "candidates", ())
        return _page(
            request,
            assessment,
            errors=[shown(error)],
            add_form=add_form,
            add_need=add_need,
            candidates=candidates,
        )
    messages.success(request, success(result) if callable(success) else success)
    return redirect("tta:staff_assessment", pk=assessment.pk)


@require_safe
@access.tta_staff_only
def staff_assessment(request, pk):
    """Staff review the matches for an assessment's needs: find, accept, reject, add, propose exchanges."""
    return _page(request, _assessment(pk))


def _proposed(found: int) -> str:
    return f"{found} new match{'es' if found != 1 else ''} proposed."


@require_POST
@access.tta_staff_only
def staff_assessment_find_matches(request, pk):
    assessment = _assessment(pk)
    need_id = request.POST.get("need", "")
    return _act(
        request, assessment, lambda: propose_need_matches(request.user, assessment.pk, need_id), _proposed
    )


@require_POST
@access.tta_staff_only
def staff_assessment_add_match(request, pk):
    assessment = _assessment(pk)
    need_id = request.POST.get("need", "")
    form = AddMatchForm(request.POST)
    if not form.is_valid():
        return _page(request, assessment, errors=form.error_list(), add_form=form, add_need=need_id)
    return _act(
        request,
        assessment,
        lambda: add_need_match(request.user, assessment.pk, need_id, **form.cleaned_data),
        "Match added.",
        add_form=form,
        add_need=need_id,
    )


def _need_match(assessment, match_pk) -> Match:
    # A match of another assessment is not found here, whatever its id.
    return get_object_or_404(Match, pk=match_pk, assessment=assessment)


@require_POST
@access.tta_staff_only
def staff_assessment_accept_match(request, pk, match_pk):
    assessment = _assessment(pk)
    match = _need_match(assessment, match_pk)
    return _act(request, assessment, lambda: accept_match(request.user, match.pk), "Saved.")


@require_POST
@access.tta_staff_only
def staff_assessment_reject_match(request, pk, match_pk):
    assessment = _assessment(pk)
    match = _need_match(assessment, match_pk)
    return _act(request, assessment, lambda: reject_match(request.user, match.pk), "Saved.")


@require_POST
@access.tta_staff_only
def staff_assessment_propose_exchange(request, pk, match_pk):
    assessment = _assessment(pk)
    match = _need_match(assessment, match_pk)
    return _act(request, assessment, lambda: propose_exchange(request.user, match.pk), "Saved.")
