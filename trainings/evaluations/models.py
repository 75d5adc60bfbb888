"""Evaluation questions, responses and answers, and the marker of each invitation email.

Registered with the trainings app (``trainings.models`` imports this module), so the
tables are ``trainings_evaluation*`` and the migrations are the app's own. A response
belongs to its member only so that one attendee answers once; no page, export or dataset
ever shows it with a name (research gets a keyed pseudonym instead).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_QUESTIONS = 10
MIN_CHOICES, MAX_CHOICES = 2, 6


class EvaluationQuestion(models.Model):
    """A multiple-choice knowledge question with one correct choice, set by staff for one event."""

    event = models.ForeignKey(
        "trainings.Event", on_delete=models.CASCADE, related_name="evaluation_questions"
    )
    text = models.CharField(max_length=300)
    choices = models.JSONField(default=list)  # 2 to 6 short strings
    correct = models.PositiveSmallIntegerField(help_text="Index of the correct choice, from 0.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "position", "pk"]

    def __str__(self):
        return self.text

    @property
    def correct_choice(self) -> str:
        return self.choices[self.correct]


class EvaluationResponse(models.Model):
    event = models.ForeignKey(
        "trainings.Event", on_delete=models.CASCADE, related_name="evaluation_responses"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_evaluations"
    )
    reaction = models.PositiveSmallIntegerField(help_text="1 (poor) to 5 (excellent).")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            # The second of two submissions at once fails here, whatever the views checked first.
            models.UniqueConstraint(fields=["event", "member"], name="trainings_one_evaluation_each"),
            models.CheckConstraint(
                condition=Q(reaction__gte=1, reaction__lte=5), name="trainings_evaluation_reaction_1_to_5"
            ),
        ]

    def __str__(self):
        return f"Evaluation {self.pk} of event {self.event_id}"


class EvaluationAnswer(models.Model):
    """One knowledge question answered twice: as the attendee recalls knowing it before, and after."""

    response = models.ForeignKey(EvaluationResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(EvaluationQuestion, on_delete=models.CASCADE, related_name="answers")
    before = models.PositiveSmallIntegerField()
    after = models.PositiveSmallIntegerField()
    # Marked when submitted, so a later edit of the question cannot change an old score.
    before_correct = models.BooleanField()
    after_correct = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="trainings_one_answer_per_question")
        ]

    def __str__(self):
        return f"Answer to {self.question_id} in {self.response_id}"


class EvaluationInvite(models.Model):
    """Written before the invitation is sent; the unique key makes a second scheduler's attempt fail."""

    registration = models.OneToOneField(
        "trainings.Registration", on_delete=models.CASCADE, related_name="evaluation_invite"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Evaluation invitation for registration {self.registration_id}"
