"""A task force's needs assessment: its coordinator saves it as a draft, then submits it once per cycle.

Every save records a revision with a snapshot of the answers, so staff can see how
the needs changed after submission.
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from config.errors import Conflict, ServiceError
from members.models import TaskForce
from taxonomy.models import Facet, Term
from tta import access
from tta.models import RATED_FACETS, AreaRating, AssessmentRevision, Cycle, Delivery, NeedsAssessment
from tta.querysets import current_assessment
from tta.services.checks import clean_text, require


class CycleClosed(ServiceError):
    """The assessment's cycle has closed: nothing more is saved or submitted in it."""


class AlreadySubmitted(Conflict):
    """The assessment for this cycle was already submitted (a second click, or another person)."""


ALREADY_SUBMITTED = "This task force has already submitted its assessment for this cycle."


def _rating_value(value, field):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ServiceError("Choose a number from 1 to 5.", field=field) from None
    if not 1 <= number <= 5:
        raise ServiceError("Choose a number from 1 to 5.", field=field)
    return number


def snapshot(assessment: NeedsAssessment) -> dict:
    """The assessment's answers as plain data, as a revision keeps them."""
    ratings = AreaRating.objects.filter(assessment=assessment).select_related("term").order_by("term__slug")
    return {
        "status": assessment.status,
        "preferred_delivery": list(assessment.preferred_delivery),
        "audiences": sorted(assessment.audiences.values_list("slug", flat=True)),
        "context": assessment.context,
        "ratings": {r.term.slug: [r.capacity, r.priority] for r in ratings},
    }


def _record_revision(assessment, user):
    number = (assessment.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    AssessmentRevision.objects.create(
        assessment=assessment,
        number=number,
        status=assessment.status,
        snapshot=snapshot(assessment),
        saved_by=user,
    )


def _clean_ratings(ratings: dict[int, tuple]) -> dict[int, tuple]:
    rated_terms = {
        t.pk: t for t in Term.objects.current().filter(facet__in=RATED_FACETS, pk__in=list(ratings))
    }
    cleaned = {}
    for term_id, (capacity, priority) in ratings.items():
        if term_id not in rated_terms:
            raise ServiceError("One of the areas is not (or no longer) in the taxonomy.", field="ratings")
        name = rated_terms[term_id].name
        cleaned[term_id] = (
            _rating_value(capacity, f"capacity of {name}"),
            _rating_value(priority, f"priority of {name}"),
        )
    return cleaned


def _save_ratings(assessment, cleaned):
    existing = {r.term_id: r for r in AreaRating.objects.filter(assessment=assessment)}
    to_create, to_update = [], []
    for term_id, (capacity, priority) in cleaned.items():
        row = existing.get(term_id)
        if row is None:
            to_create.append(
                AreaRating(assessment=assessment, term_id=term_id, capacity=capacity, priority=priority)
            )
        elif (row.capacity, row.priority) != (capacity, priority):
            row.capacity, row.priority = capacity, priority
            to_update.append(row)
    AreaRating.objects.bulk_create(to_create)
    AreaRating.objects.bulk_update(to_update, ["capacity", "priority"])


def save_draft(
    user,
    task_force: TaskForce,
    cycle: Cycle,
    *,
    ratings: dict[int, tuple],
    preferred_delivery=(),
    audience_ids=(),
    context: str = "",
) -> NeedsAssessment:
    """Save the assessment as far as it goes.

    ``ratings`` maps a Term id to (capacity, priority); blanks are allowed until submission.
    """
    require(
        access.can_edit_assessment(user, task_force.pk),
        "Only the task force's coordinator edits its assessment.",
    )
    if not cycle.is_open:
        raise CycleClosed("This cycle is closed; assessments can no longer be changed.")
    cleaned = _clean_ratings(ratings)
    delivery = list(dict.fromkeys(preferred_delivery))
    if any(value not in Delivery.values for value in delivery):
        raise ServiceError("Choose from the listed ways of delivery.", field="preferred_delivery")
    audience_ids = set(audience_ids)
    audiences = list(Term.objects.current().filter(facet=Facet.AUDIENCE, pk__in=audience_ids))
    if len(audiences) != len(audience_ids):
        raise ServiceError("One of the audiences is not (or no longer) in the taxonomy.", field="audiences")
    context = clean_text(context, "context")

    with transaction.atomic():
        # The task force row serialises two saves of the same assessment.
        TaskForce.objects.select_for_update().filter(pk=task_force.pk).first()
        assessment = current_assessment(task_force.pk, cycle.pk) or NeedsAssessment.objects.create(
            task_force=task_force, cycle=cycle, updated_by=user
        )
        if assessment.is_submitted and any(None in pair for pair in cleaned.values()):
            # Submitted means complete: a later change is a revision, never a blank.
            raise ServiceError(
                "This assessment is submitted: change a rating, but every area keeps one.", field="ratings"
            )
        assessment.preferred_delivery = delivery
        assessment.context = context
        assessment.updated_at = timezone.now()
        assessment.updated_by = user
        assessment.save(update_fields=["preferred_delivery", "context", "updated_at", "updated_by"])
        assessment.audiences.set(audiences)
        _save_ratings(assessment, cleaned)
        _record_revision(assessment, user)
    return assessment


def missing_areas(assessment: NeedsAssessment) -> list[Term]:
    """Current practice areas and phases not yet given both a capacity and a priority."""
    rated = set(
        AreaRating.objects.filter(
            assessment=assessment, capacity__isnull=False, priority__isnull=False
        ).values_list("term_id", flat=True)
    )
    return [t for t in Term.objects.current().filter(facet__in=RATED_FACETS) if t.pk not in rated]


def submit_assessment(user, assessment: NeedsAssessment) -> NeedsAssessment:
    require(
        access.can_submit_assessment(user, assessment.task_force_id),
        "Only the task force's coordinator can submit its assessment.",
    )
    with transaction.atomic():
        TaskForce.objects.select_for_update().filter(pk=assessment.task_force_id).first()
        assessment = NeedsAssessment.objects.select_related("cycle").get(pk=assessment.pk)
        if not assessment.cycle.is_open:
            raise CycleClosed("This cycle is closed; assessments can no longer be submitted.")
        already = NeedsAssessment.objects.filter(
            task_force_id=assessment.task_force_id,
            cycle_id=assessment.cycle_id,
            status=NeedsAssessment.Status.SUBMITTED,
        ).exists()
        if already:
            raise AlreadySubmitted(ALREADY_SUBMITTED)
        missing = missing_areas(assessment)
        if missing:
            names = ", ".join(t.name for t in missing[:5])
            raise ServiceError(f"Rate capacity and priority for every area first; missing: {names}.")
        assessment.status = NeedsAssessment.Status.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.submitted_by = user
        try:
            with transaction.atomic():
                assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
        except IntegrityError:
            raise AlreadySubmitted(ALREADY_SUBMITTED) from None
        _record_revision(assessment, user)
    return assessment
