"""Changing evaluations: staff setting an event's questions, an attendee submitting their response.

Every refusal is a ``config.errors.ServiceError`` whose message the page shows. One response
per attendee per event: the view checks first for a kind message, and the unique key
decides when two submissions (a double click, two tabs) arrive together.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Conflict, NotPermitted, ServiceError
from trainings import access
from trainings.evaluations.models import (
    MAX_CHOICES,
    MAX_QUESTIONS,
    MIN_CHOICES,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
)
from trainings.models import Event, Registration, RegistrationStatus

MAX_QUESTION_TEXT = 300
MAX_CHOICE_TEXT = 200


def registration_for(event: Event, user) -> Registration | None:
    """The user's registered (not waitlisted, not cancelled) place at the event, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(event=event, member=user, status=RegistrationStatus.REGISTERED).first()


def has_responded(event: Event, user) -> bool:
    return EvaluationResponse.objects.filter(event=event, member=user).exists()


def parse_questions(text: str) -> list[dict]:
    """Staff's plain-text questions: one block per question, blocks separated by a blank line.

    The first line is the question; each further line is a choice starting with ``*`` (the
    correct one, exactly one) or ``-``. Returns [{"text", "choices", "correct"}].
    """
    if len(text) > 20000:
        raise ServiceError("The questions are too long (20,000 characters at most).", field="questions")
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if len(blocks) > MAX_QUESTIONS:
        raise ServiceError(f"At most {MAX_QUESTIONS} questions per event.", field="questions")
    parsed = []
    for number, block in enumerate(blocks, start=1):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        question = lines[0]
        choices: list[str] = []
        correct: list[int] = []
        for line in lines[1:]:
            if line[0] not in "*-":
                raise ServiceError(
                    f"Question {number}: each choice starts with * (the correct one) or - (a wrong one).",
                    field="questions",
                )
            if line[0] == "*":
                correct.append(len(choices))
            choices.append(line[1:].strip())
        if len(question) > MAX_QUESTION_TEXT or any(len(c) > MAX_CHOICE_TEXT for c in choices):
            raise ServiceError(
                f"Question {number}: a question has at most {MAX_QUESTION_TEXT} characters "
                f"and a choice {MAX_CHOICE_TEXT}.",
                field="questions",
            )
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES or not all(choices):
            raise ServiceError(
                f"Question {number}: give {MIN_CHOICES} to {MAX_CHOICES} non-empty choices.",
                field="questions",
            )
        if len(set(choices)) != len(choices):
            raise ServiceError(f"Question {number}: two choices are the same.", field="questions")
        if len(correct) != 1:
            raise ServiceError(
                f"Question {number}: mark exactly one choice correct with *.", field="questions"
            )
        parsed.append({"text": question, "choices": choices, "correct": correct[0]})
    return parsed


def questions_as_text(event: Event) -> str:
    blocks = []
    for question in event.evaluation_questions.all():
        lines = [question.text] + [
            f"{'*' if index == question.correct else '-'} {choice}"
            for index, choice in enumerate(question.choices)
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def set_questions(event: Event, questions: list[dict], *, by) -> list[EvaluationQuestion]:
    """Replace the event's questions; refused once anyone has responded (their answers refer to them)."""
    if not access.can_see_evaluation_results(by, event):
        raise NotPermitted("You cannot set the evaluation questions of this event.")
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        if EvaluationResponse.objects.filter(event=event).exists():
            raise Conflict(
                "Attendees have already answered these questions, so they can no longer be changed.",
                field="questions",
            )
        EvaluationQuestion.objects.filter(event=event).delete()
        return EvaluationQuestion.objects.bulk_create(
            EvaluationQuestion(event=event, position=index, **question)
            for index, question in enumerate(questions)
        )


def submit(event: Event, member, reaction, answers: dict, now=None) -> EvaluationResponse:
    """Record the member's evaluation. ``answers`` maps question pk to (before, after) choice indexes.

    Refused for anyone who did not attend the ended event, for a second response, for a
    reaction outside 1-5, and for answers that do not match the event's questions exactly.
    """
    now = now or timezone.now()
    registration = registration_for(event, member)
    if not access.can_evaluate(member, event, registration, now):
        raise NotPermitted("Only attendees of this event can evaluate it, once it has ended.")
    if isinstance(reaction, bool) or not isinstance(reaction, int) or not 1 <= reaction <= 5:
        raise ServiceError("Choose a rating from 1 to 5.", field="reaction")
    questions = {q.pk: q for q in event.evaluation_questions.all()}
    if set(answers) != set(questions):
        raise ServiceError("Answer every question of this evaluation, and only those.")
    rows = []
    for pk, (before, after) in answers.items():
        question = questions[pk]
        if not all(isinstance(i, int) and 0 <= i < len(question.choices) for i in (before, after)):
            raise ServiceError("One of the answers is not one of the question's choices.")
        rows.append(
            EvaluationAnswer(
                question=question,
                before=before,
                after=after,
                before_correct=before == question.correct,
                after_correct=after == question.correct,
            )
        )
    try:
        with transaction.atomic():
            response = EvaluationResponse.objects.create(
                event=event, member=member, reaction=reaction, submitted_at=now
            )
            for row in rows:
                row.response = response
            EvaluationAnswer.objects.bulk_create(rows)
    except IntegrityError:
        raise Conflict("You have already evaluated this event. Thank you!")
    return response
