"""Demo evaluations: one finished event with enough responses to show figures, one with too few.

Called from ``trainings.demo.seed`` after its events exist. Idempotent: the finished webinar
is found by title, and nothing is added to an event that already has responses. The
answers are chosen so the results page shows real figures (reaction counts and the
before/after shares, with the small cells suppressed) and the other event shows the
"fewer than five" message.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forum.rendering import render_markdown
from members.demo import email_for
from members.models import User
from taxonomy.models import Term
from trainings.evaluations.models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from trainings.models import Event, EventFormat, EventKind, Registration, RegistrationStatus, Visibility

FINISHED_WEBINAR = "Labor trafficking indicators: recorded webinar"
FEW_RESPONSES_EVENT = "Case review for prosecutors (recording available)"  # from trainings.demo.EVENTS
EVENTS = [FINISHED_WEBINAR]

ATTENDEES = [
    "member", "coordinator", "prosecutor", "advocate", "moderator", "editor",
    "reviewer", "researcher", "tta", "admin", "superuser",
]  # fmt: skip
# One per attendee above: (reaction, [(before, after) per question]); 0 is the correct choice.
ANSWERS = [
    (5, [(0, 0), (1, 0)]), (5, [(0, 0), (1, 0)]), (4, [(1, 0), (0, 0)]), (4, [(1, 0), (2, 0)]),
    (5, [(0, 0), (1, 1)]), (4, [(1, 1), (1, 0)]), (5, [(0, 0), (0, 0)]), (4, [(1, 1), (2, 2)]),
    (3, [(0, 1), (1, 1)]), (5, [(1, 1), (0, 0)]), (4, [(1, 1), (1, 1)]),
]  # fmt: skip
QUESTIONS = [
    {
        "text": "Which is the strongest indicator of labor trafficking at a work site?",
        "choices": [
            "The employer holds the workers' identity documents",
            "Workers are paid in cash",
            "Workers share housing",
        ],
        "correct": 0,
    },
    {
        "text": "Who should lead the first interview with a possible victim?",
        "choices": ["A trained, trauma-informed interviewer", "The first officer on scene", "The employer"],
        "correct": 0,
    },
]


def seed(stdout):
    now = timezone.now()
    webinar = Event.objects.filter(title=FINISHED_WEBINAR).first()
    if webinar is None:
        staff = User.objects.filter(email=email_for("tta")).first()
        starts = (now - timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
        description = "A recorded webinar on the indicators patrol officers can see at a work site."
        webinar = Event.objects.create(
            title=FINISHED_WEBINAR, kind=EventKind.WEBINAR, format=EventFormat.VIRTUAL,
            visibility=Visibility.PUBLIC, is_published=True, starts_at=starts,
            ends_at=starts + timedelta(hours=1, minutes=30), time_zone="America/New_York", capacity=100,
            join_url="https://meet.example.org/tfc-demo", description=description,
            description_html=render_markdown(description), created_by=staff,
        )  # fmt: skip
        webinar.topics.set(Term.objects.filter(slug="labor-trafficking-investigation"))
        webinar.audiences.set(Term.objects.filter(slug="patrol"))
    made = _fill(webinar, ATTENDEES, ANSWERS)
    few = Event.objects.filter(title=FEW_RESPONSES_EVENT, ends_at__lt=now).first()
    if few is not None:
        made += _fill(few, ATTENDEES[:3], ANSWERS[:3])
    stdout.write(f"Trainings: {made} demo evaluation(s) added.")


def _fill(event, locals_, answers) -> int:
    """Attend and evaluate ``event`` as the given demo people, unless it already has responses."""
    if event.evaluation_responses.exists():
        return 0
    with transaction.atomic():
        if not event.evaluation_questions.exists():
            EvaluationQuestion.objects.bulk_create(
                EvaluationQuestion(event=event, position=i, **q) for i, q in enumerate(QUESTIONS)
            )
        questions = list(event.evaluation_questions.all())
        made = 0
        for local, (reaction, pairs) in zip(locals_, answers, strict=True):
            user = User.objects.filter(email=email_for(local)).first()
            if user is None:
                continue
            # Past events refuse registration through the service: the demo writes the rows it would have.
            registration, created = Registration.objects.get_or_create(
                event=event, member=user, status=RegistrationStatus.REGISTERED,
                defaults={"attended": True, "attendance_marked_at": event.ends_at,
                          "created_at": event.starts_at},
            )  # fmt: skip
            if created:
                Event.objects.filter(pk=event.pk).update(registered_count=event.registrations.filter(
                    status=RegistrationStatus.REGISTERED).count())  # fmt: skip
            elif not registration.attended:
                continue
            response = EvaluationResponse.objects.create(
                event=event, member=user, reaction=reaction, submitted_at=event.ends_at + timedelta(hours=2)
            )
            EvaluationAnswer.objects.bulk_create(
                EvaluationAnswer(
                    response=response,
                    question=q,
                    before=b,
                    after=a,
                    before_correct=b == q.correct,
                    after_correct=a == q.correct,
                )
                for q, (b, a) in zip(questions, pairs, strict=False)
            )
            made += 1
    return made
