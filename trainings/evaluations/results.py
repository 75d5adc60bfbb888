"""Aggregated evaluation results for staff, with small counts suppressed, and their SVG charts.

Rules (issue 16): a question (or an event, or a month) with fewer than ``THRESHOLD``
responses shows no figures at all. Where figures are shown, every count in a breakdown
that is under the threshold (zero included) is shown as "<5", and because the total is
shown too, further cells are hidden ("suppressed") until no hidden count can be worked
out from the total and the bounds a reader knows (a "<5" is 0 to 4, a suppressed count is
5 or more). A share is a breakdown of two (correct, not correct): it is shown only when
both are shown. No mean is published beside a distribution: it would be one more sum
from which a hidden count could be solved.

Charts are drawn on the server as inline SVG from the *shown* values only, so a chart
never reveals a bar its table hides; each chart sits beside the table it was drawn from.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.db.models import Count, Q
from django.utils import timezone

from config import charts
from trainings.evaluations.models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse

THRESHOLD = 5
PRIMARY = "<5"
COMPLEMENTARY = "suppressed"
REACTIONS = (1, 2, 3, 4, 5)
REACTION_LABELS = {1: "1 (poor)", 2: "2", 3: "3", 4: "4", 5: "5 (excellent)"}


def _bounds(cells, hidden, primary, total):
    """For each hidden cell, the (low, high) its value can take given the total and the others' bounds."""
    shown_sum = sum(value for index, value in enumerate(cells) if index not in hidden)
    rest = total - shown_sum
    low = {i: 0 if i in primary else THRESHOLD for i in hidden}
    high = {i: min(THRESHOLD - 1, rest) if i in primary else rest for i in hidden}
    result = {}
    for i in hidden:
        others_low = sum(low[j] for j in hidden if j != i)
        others_high = sum(high[j] for j in hidden if j != i)
        result[i] = (max(low[i], rest - others_high), min(high[i], rest - others_low))
    return result


def suppress_breakdown(cells: list[int]) -> list[str]:
    """The cells of a breakdown whose total is shown, as text: the count, "<5" or "suppressed"."""
    total = sum(cells)
    primary = {i for i, value in enumerate(cells) if value < THRESHOLD}
    hidden = set(primary)
    while hidden:
        pinned = [i for i, (low, high) in _bounds(cells, hidden, primary, total).items() if low == high]
        if not pinned:
            break
        candidates = [i for i in range(len(cells)) if i not in hidden]
        if not candidates:
            break  # everything is hidden; only the total remains, and it is shown on purpose
        hidden.add(min(candidates, key=lambda i: (cells[i], i)))
    return [
        PRIMARY if i in primary else COMPLEMENTARY if i in hidden else str(value)
        for i, value in enumerate(cells)
    ]


def share(part: int, total: int) -> int | None:
    """Whole percent of ``part`` in ``total``, or None when part or remainder must be hidden."""
    if total < THRESHOLD or part < THRESHOLD or total - part < THRESHOLD:
        return None
    return round(100 * part / total)


@dataclass
class QuestionResult:
    number: int
    text: str
    correct_choice: str
    answered: int
    before: int | None = None  # percent correct, or None when hidden
    after: int | None = None
    shown: bool = False

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class EventResults:
    responses: int
    shown: bool
    reaction: list = field(default_factory=list)  # [(label, shown text)]
    questions: list = field(default_factory=list)


def event_results(event) -> EventResults:
    """One event's results; nothing beyond "fewer than five" when it has fewer than five responses."""
    by_score = dict(
        EvaluationResponse.objects.filter(event=event)
        .values_list("reaction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    responses = sum(by_score.values())
    if responses < THRESHOLD:
        return EventResults(responses=responses, shown=False)
    cells = [by_score.get(score, 0) for score in REACTIONS]
    reaction = list(zip((REACTION_LABELS[s] for s in REACTIONS), suppress_breakdown(cells), strict=True))
    questions = []
    tallies = (
        EvaluationQuestion.objects.filter(event=event)
        .annotate(
            answered=Count("answers"),
            before_right=Count("answers", filter=Q(answers__before_correct=True)),
            after_right=Count("answers", filter=Q(answers__after_correct=True)),
        )
        .order_by("position", "pk")
    )
    for number, question in enumerate(tallies, start=1):
        result = QuestionResult(number, question.text, question.correct_choice, question.answered)
        if question.answered >= THRESHOLD:
            result.shown = True
            result.before = share(question.before_right, question.answered)
            result.after = share(question.after_right, question.answered)
        questions.append(result)
    return EventResults(responses=responses, shown=True, reaction=reaction, questions=questions)


@dataclass
class MonthResult:
    month: object  # a date, the first of the month (UTC)
    events: int
    responses: int
    shown: bool
    rated_high: int | None = None  # percent rating 4 or 5
    before: int | None = None
    after: int | None = None

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def results_over_time(events, months: int = 24, now=None) -> list[MonthResult]:
    """Month by month (UTC month of each event's start), for the given events, oldest first.

    A month pools only what its events' own pages show: an event with fewer than five
    responses is left out, and so is a question's share or the top two scores when that event's
    page hides them. Otherwise a month minus the events shown beside it would give back an
    event's hidden figure. Three queries, whatever the number of events.
    """
    since = (now or timezone.now()) - timedelta(days=31 * months)
    scoped = events.filter(starts_at__gte=since)
    by_event: dict[int, dict] = {}
    reactions = (
        EvaluationResponse.objects.filter(event__in=scoped)
        .values_list("event_id", "event__starts_at", "reaction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for event_id, starts_at, reaction, n in reactions:
        entry = by_event.setdefault(event_id, {"month": starts_at.date().replace(day=1), "cells": [0] * 5})
        entry["cells"][reaction - 1] += n
    tallies = (
        EvaluationAnswer.objects.filter(response__event__in=scoped)
        .values_list("response__event_id", "question_id")
        .annotate(
            answered=Count("pk"),
            before_right=Count("pk", filter=Q(before_correct=True)),
            after_right=Count("pk", filter=Q(after_correct=True)),
        )
        .order_by()
    )
    per_question: dict[int, list] = {}
    for event_id, _question, answered, before_right, after_right in tallies:
        per_question.setdefault(event_id, []).append((answered, before_right, after_right))
    pooled: dict = {}
    for event_id, entry in by_event.items():
        month = pooled.setdefault(entry["month"], dict.fromkeys(MONTH_SUMS, 0))
        month["events"] += 1
        responses = sum(entry["cells"])
        if responses < THRESHOLD:
            continue  # its page shows no figures, so the month adds none of them
        month["responses"] += responses
        shown = suppress_breakdown(entry["cells"])
        if shown[3].isdigit() and shown[4].isdigit():
            month["high"] += entry["cells"][3] + entry["cells"][4]
            month["high_of"] += responses
        for answered, before_right, after_right in per_question.get(event_id, []):
            if answered >= THRESHOLD and share(before_right, answered) is not None:
                month["before_right"] += before_right
                month["before_of"] += answered
            if answered >= THRESHOLD and share(after_right, answered) is not None:
                month["after_right"] += after_right
                month["after_of"] += answered
    results = []
    for month_date in sorted(pooled):
        sums = pooled[month_date]
        result = MonthResult(month_date, sums["events"], sums["responses"], sums["responses"] >= THRESHOLD)
        if result.shown:
            result.rated_high = share(sums["high"], sums["high_of"]) if sums["high_of"] else None
            result.before = share(sums["before_right"], sums["before_of"]) if sums["before_of"] else None
            result.after = share(sums["after_right"], sums["after_of"]) if sums["after_of"] else None
        results.append(result)
    return results


MONTH_SUMS = (
    "events",
    "responses",
    "high",
    "high_of",
    "before_right",
    "before_of",
    "after_right",
    "after_of",
)


# --- charts ------------------------------------------------------------------------------------------------

# The drawing itself is shared with measures' trend charts (config/charts.py); these charts keep
# their own CSS class, styled in trainings.css.
bar_chart = partial(charts.bar_chart, css_class="evaluation-chart")


def reaction_chart(results: EventResults):
    labels = [str(score) for score in REACTIONS]
    values = [int(text) if text.isdigit() else None for _, text in results.reaction]
    return bar_chart(
        "Reaction scores",
        "Number of attendees giving each score from 1 to 5; hidden counts have no bar. "
        "The table below has the figures.",
        labels,
        [("Responses", values)],
    )


def knowledge_chart(questions: list[QuestionResult]):
    shown = [q for q in questions if q.shown]
    return bar_chart(
        "Correct answers before and after, by question",
        "Percent of attendees answering each question correctly, as they recall before the training "
        "and after it; hidden shares have no bar. The table below has the figures.",
        [f"Q{q.number}" for q in shown],
        [("Before (recalled)", [q.before for q in shown]), ("After", [q.after for q in shown])],
        maximum=100,
    )


def over_time_chart(months: list[MonthResult]):
    shown = [m for m in months if m.shown]
    return bar_chart(
        "Correct answers before and after, by month",
        "Percent of knowledge answers that were correct before (recalled) and after, for events "
        "starting in each month; months with hidden figures have no bars. The table below has the figures.",
        [m.label for m in shown],
        [("Before (recalled)", [m.before for m in shown]), ("After", [m.after for m in shown])],
        maximum=100,
    )
