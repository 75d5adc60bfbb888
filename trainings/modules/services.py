"""Grading a module's quiz and recording its completion, once per member.

``submit_quiz`` checks every answer against the module's own questions: an answer to a question
that is not in this quiz (another module's, a guessed id), a missing answer or an option that
does not exist refuses the whole attempt, and nothing is recorded. A pass writes one
``ModuleCompletion``; the unique constraint, not a prior read, makes a second pass or a double
POST (even two at the same moment) keep the first.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from config.errors import NotPermitted, ServiceError
from trainings import access
from trainings.modules.models import Module, ModuleCompletion

NOT_IN_QUIZ = (
    "An answer was for a question that is not in this quiz. Nothing was recorded; please answer again."
)


@dataclass(frozen=True)
class QuizResult:
    score: int  # percent correct, rounded down
    passed: bool
    wrong: frozenset[int] = field(default_factory=frozenset)  # ids of wrongly answered questions
    completion: ModuleCompletion | None = None
    newly_completed: bool = False


def score_for(correct: int, total: int) -> int:
    return correct * 100 // total if total else 0


def submit_quiz(module: Module, member, answers: dict[int, int]) -> QuizResult:
    """Grade ``answers`` ({question id: option number, 1-based}) and record a pass."""
    if not access.can_take_module_quiz(member, module):
        raise NotPermitted("Only members can complete a published module.")
    questions = list(module.questions.all())
    if not questions:
        raise ServiceError("This module has no quiz yet.")
    by_id = {question.pk: question for question in questions}
    if set(answers) - set(by_id):
        raise ServiceError(NOT_IN_QUIZ)
    for question in questions:
        chosen = answers.get(question.pk)
        if chosen is None:
            raise ServiceError("Answer every question.")
        if not 1 <= chosen <= len(question.option_list):
            raise ServiceError(f"An answer to “{question.prompt}” is not one of its options.")
    wrong = frozenset(q.pk for q in questions if answers[q.pk] != q.correct_option)
    correct = len(questions) - len(wrong)
    score = score_for(correct, len(questions))
    # Compared without rounding: 2 of 3 right (66.6%) does not pass a 67% mark.
    passed = correct * 100 >= module.pass_mark * len(questions)
    if not passed:
        return QuizResult(score=score, passed=False, wrong=wrong)
    completion, created = record_completion(module, member, score)
    return QuizResult(score=score, passed=True, wrong=wrong, completion=completion, newly_completed=created)


def record_completion(module: Module, member, score: int) -> tuple[ModuleCompletion, bool]:
    """The member's completion of ``module``, written if there is none; (completion, created)."""
    existing = ModuleCompletion.objects.filter(module=module, member=member).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            completion = ModuleCompletion.objects.create(
                module=module, member=member, score=score, hours=module.hours
            )
    except IntegrityError:
        # Another request by the same member passed at the same moment: theirs stands.
        return ModuleCompletion.objects.get(module=module, member=member), False
    return completion, True


def completion_for(module: Module, member) -> ModuleCompletion | None:
    if not getattr(member, "pk", None):
        return None
    return ModuleCompletion.objects.filter(module=module, member=member).first()
