"""Needs assessments: saving partway, submitting once, revisions, and every bad input the issue names."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from config.errors import ServiceError
from taxonomy.models import Term
from tests.tta.factories import AssessmentFactory, CycleFactory, all_rated_terms, full_ratings
from tta.models import AreaRating, AssessmentRevision, NeedsAssessment
from tta.services.assessments import (
    AlreadySubmitted,
    CycleClosed,
    missing_areas,
    save_draft,
    submit_assessment,
)
from tta.services.cycles import close_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    return CycleFactory(name="2026")


@pytest.fixture
def coordinator(role_user):
    return role_user("coordinator")


def test_coordinator_saves_partway_then_submits(coordinator, cycle):
    terms = all_rated_terms()
    first = {terms[0].pk: (2, 5)}
    assessment = save_draft(coordinator, coordinator.task_force, cycle, ratings=first, context="Partway")
    assert assessment.status == NeedsAssessment.Status.DRAFT
    assert AreaRating.objects.get(assessment=assessment, term=terms[0]).priority == 5
    with pytest.raises(ServiceError, match="missing"):
        submit_assessment(coordinator, assessment)

    again = save_draft(
        coordinator,
        coordinator.task_force,
        cycle,
        ratings=full_ratings(),
        preferred_delivery=["virtual", "on_site"],
    )
    assert again.pk == assessment.pk
    submitted = submit_assessment(coordinator, again)
    assert submitted.status == NeedsAssessment.Status.SUBMITTED
    assert submitted.submitted_by == coordinator
    assert AssessmentRevision.objects.filter(assessment=assessment).count() == 3
    assert AssessmentRevision.objects.filter(assessment=assessment).last().snapshot["status"] == "submitted"


def test_changes_after_submission_are_kept_as_revisions(coordinator, cycle):
    terms = all_rated_terms()
    assessment = save_draft(coordinator, coordinator.task_force, cycle, ratings=full_ratings(3, 3))
    submit_assessment(coordinator, assessment)
    save_draft(coordinator, coordinator.task_force, cycle, ratings={terms[0].pk: (1, 5)})
    assert NeedsAssessment.objects.filter(task_force=coordinator.task_force, cycle=cycle).count() == 1
    revisions = list(AssessmentRevision.objects.filter(assessment=assessment).order_by("number"))
    assert revisions[-2].snapshot["ratings"][terms[0].slug] == [3, 3]
    assert revisions[-1].snapshot["ratings"][terms[0].slug] == [1, 5]


def test_a_submitted_assessment_cannot_be_blanked_back_to_incomplete(coordinator, cycle):
    terms = all_rated_terms()
    assessment = save_draft(coordinator, coordinator.task_force, cycle, ratings=full_ratings(3, 3))
    submit_assessment(coordinator, assessment)
    for blank in ((None, 3), (3, None), ("", "")):
        with pytest.raises(ServiceError, match="every area keeps one"):
            save_draft(
                coordinator, coordinator.task_force, cycle, ratings={terms[0].pk: blank}, context="Changed"
            )
    assessment.refresh_from_db()
    assert missing_areas(assessment) == [] and assessment.context != "Changed"
    assert AreaRating.objects.get(assessment=assessment, term=terms[0]).capacity == 3


@pytest.mark.parametrize(
    "capacity,priority", [(0, 3), (6, 3), (3, 0), (3, 6), ("five", 3), (-1, 2), (10**20, 1)]
)
def test_ratings_out_of_range_are_refused(coordinator, cycle, capacity, priority):
    term = all_rated_terms()[0]
    with pytest.raises(ServiceError, match="1 to 5"):
        save_draft(coordinator, coordinator.task_force, cycle, ratings={term.pk: (capacity, priority)})
    assert not AreaRating.objects.exists()


def test_database_refuses_a_rating_out_of_range(coordinator, cycle):
    assessment = AssessmentFactory(task_force=coordinator.task_force, cycle=cycle)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaRating.objects.create(assessment=assessment, term=all_rated_terms()[0], capacity=7, priority=1)


def test_second_submission_for_the_same_cycle_is_refused(coordinator, cycle):
    assessment = save_draft(coordinator, coordinator.task_force, cycle, ratings=full_ratings())
    submit_assessment(coordinator, assessment)
    with pytest.raises(AlreadySubmitted):
        submit_assessment(coordinator, assessment)
    # A stray second draft for the same cycle cannot be submitted either, even past the service check.
    stray = AssessmentFactory(task_force=coordinator.task_force, cycle=cycle)
    with pytest.raises(AlreadySubmitted):
        submit_assessment(coordinator, stray)
    stray.status = NeedsAssessment.Status.SUBMITTED
    with pytest.raises(IntegrityError), transaction.atomic():
        stray.save()


@pytest.mark.parametrize("role", ["member", "other_task_force_member", "tta_staff", "pending"])
def test_only_the_coordinator_saves_and_submits(role_user, coordinator, cycle, role):
    assessment = save_draft(coordinator, coordinator.task_force, cycle, ratings=full_ratings())
    someone = role_user(role)
    with pytest.raises(PermissionDenied):
        submit_assessment(someone, assessment)
    with pytest.raises(PermissionDenied):
        save_draft(someone, coordinator.task_force, cycle, ratings={})
    assessment.refresh_from_db()
    assert assessment.status == NeedsAssessment.Status.DRAFT


def test_coordinator_of_another_task_force_cannot_submit(role_user, coordinator, cycle):
    assessment = save_draft(coordinator, coordinator.task_force, cycle, ratings=full_ratings())
    other = role_user("other_task_force_member")
    other.is_coordinator = True
    other.save(update_fields=["is_coordinator"])
    with pytest.raises(PermissionDenied):
        submit_assessment(other, assessment)


def test_submission_to_a_closed_cycle_is_refused(coordinator, cycle, role_user):
    assessment = save_draft(coordinator, coordinator.task_force, cycle, ratings=full_ratings())
    close_cycle(role_user("tta_staff"), cycle)
    with pytest.raises(CycleClosed):
        submit_assessment(coordinator, assessment)
    cycle.refresh_from_db()
    with pytest.raises(CycleClosed):
        save_draft(coordinator, coordinator.task_force, cycle, ratings=full_ratings())


def test_retired_area_hostile_delivery_and_huge_context_are_refused(coordinator, cycle):
    term = all_rated_terms()[0]
    Term.objects.filter(pk=term.pk).update(retired=True)
    with pytest.raises(ServiceError, match="no longer"):
        save_draft(coordinator, coordinator.task_force, cycle, ratings={term.pk: (3, 3)})
    with pytest.raises(ServiceError, match="delivery"):
        save_draft(
            coordinator, coordinator.task_force, cycle, ratings={}, preferred_delivery=["'; DROP TABLE x"]
        )
    with pytest.raises(ServiceError, match="5,000"):
        save_draft(coordinator, coordinator.task_force, cycle, ratings={}, context="x" * 5001)
    audience = Term.objects.get(slug="patrol")
    with pytest.raises(ServiceError, match="audiences"):
        save_draft(coordinator, coordinator.task_force, cycle, ratings={}, audience_ids=[audience.pk, 999999])
