"""Evaluation pages: the attendee's form, staff setting questions, per-event results and results over time.

Permission questions go to ``trainings.access``; changes go through
``trainings.evaluations.services``. An event the viewer may not see is a 404, as on every
trainings page; a member who may see it but did not attend is told so (403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from config.errors import Conflict, ServiceError
from members.access import members_only
from trainings import access
from trainings.evaluations import results, services
from trainings.evaluations.models import EvaluationResponse
from trainings.models import Event

NOT_AN_ATTENDEE = "Only people marked as attending this event can evaluate it, once it has ended."


def _visible_event_or_404(request, pk) -> Event:
    event = get_object_or_404(Event, pk=pk)
    if not access.can_view_event(request.user, event):
        raise Http404("No such event.")
    return event


def _managed_event_or_404(request, pk) -> Event:
    event = get_object_or_404(Event, pk=pk)
    if not access.can_see_evaluation_results(request.user, event):
        raise Http404("No such event.")
    return event


def _choice(value, size):
    """A submitted choice index, or None when it is not one of ``size`` choices."""
    if value is None or not str(value).isdigit() or len(str(value)) > 2:
        return None
    number = int(value)
    return number if number < size else None


@members_only
def evaluate(request, pk):
    event = _visible_event_or_404(request, pk)
    registration = services.registration_for(event, request.user)
    if not access.can_evaluate(request.user, event, registration):
        raise PermissionDenied(NOT_AN_ATTENDEE)
    questions = list(event.evaluation_questions.all())
    done = EvaluationResponse.objects.filter(event=event, member=request.user).exists()
    errors, chosen = [], {}
    if request.method == "POST" and not done:
        reaction = _choice(request.POST.get("reaction"), 6)
        answers = {}
        for number, question in enumerate(questions, start=1):
            before = _choice(request.POST.get(f"q{question.pk}-before"), len(question.choices))
            after = _choice(request.POST.get(f"q{question.pk}-after"), len(question.choices))
            chosen[question.pk] = (before, after)
            if before is None or after is None:
                errors.append(f"Question {number}: choose an answer for before and for after.")
            answers[question.pk] = (before, after)
        if not reaction:
            errors.insert(0, "Choose a rating from 1 to 5.")
        if not errors:
            try:
                services.submit(event, request.user, reaction, answers)
            except Conflict as error:
                messages.info(request, str(error))
                return redirect("trainings:evaluations:evaluate", pk=event.pk)
            except ServiceError as error:
                errors.append(str(error))
            else:
                messages.success(request, "Thank you: your evaluation is recorded.")
                return redirect("trainings:evaluations:evaluate", pk=event.pk)
    elif request.method == "POST":
        messages.info(request, "You have already evaluated this event. Thank you!")
        return redirect("trainings:evaluations:evaluate", pk=event.pk)
    rows = [
        {
            "question": question,
            "number": number,
            "before": chosen.get(question.pk, (None, None))[0],
            "after": chosen.get(question.pk, (None, None))[1],
        }
        for number, question in enumerate(questions, start=1)
    ]
    status = 400 if errors else 200
    return render(
        request,
        "trainings/evaluations/evaluate.html",
        {
            "event": event,
            "done": done,
            "rows": rows,
            "errors": errors,
            "reaction": request.POST.get("reaction", "") if request.method == "POST" else "",
            "scores": results.REACTION_LABELS.items(),
        },
        status=status,
    )


@access.event_staff_only
def questions(request, pk):
    event = _managed_event_or_404(request, pk)
    locked = EvaluationResponse.objects.filter(event=event).exists()
    text = services.questions_as_text(event)
    error = ""
    if request.method == "POST":
        text = request.POST.get("questions", "")[:20001]
        try:
            services.set_questions(event, services.parse_questions(text), by=request.user)
        except ServiceError as problem:
            error = str(problem)
        else:
            messages.success(request, "The evaluation questions are saved.")
            return redirect("trainings:evaluations:results", pk=event.pk)
    return render(
        request,
        "trainings/evaluations/questions.html",
        {"event": event, "text": text, "error": error, "locked": locked},
        status=400 if error else 200,
    )


@access.event_staff_only
def event_results(request, pk):
    event = _managed_event_or_404(request, pk)
    outcome = results.event_results(event)
    context = {"event": event, "results": outcome, "threshold": results.THRESHOLD}
    if outcome.shown:
        if any(text.isdigit() for _, text in outcome.reaction):  # no empty chart when every bar is hidden
            context["reaction_chart"] = results.reaction_chart(outcome)
        if any(q.before is not None or q.after is not None for q in outcome.questions):
            context["knowledge_chart"] = results.knowledge_chart(outcome.questions)
    return render(request, "trainings/evaluations/results.html", context)


@access.event_staff_only
def over_time(request):
    months = results.results_over_time(access.evaluation_result_events(request.user))
    return render(
        request,
        "trainings/evaluations/over_time.html",
        {
            "months": months,
            "chart": (
                results.over_time_chart(months)
                if any(m.before is not None or m.after is not None for m in months)
                else ""
            ),
            "threshold": results.THRESHOLD,
        },
    )
