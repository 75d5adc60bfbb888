"""The staff dashboard's figures, computed on small known data: every number a staff member reads."""

import datetime

import pytest
from django.utils import timezone

from taxonomy.models import Term
from tests.factories import TaskForceFactory
from tests.tta.factories import AssessmentFactory, CycleFactory, RequestFactory, rate
from tta import analysis
from tta.models import ServiceTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated_cycle():
    """Three submitted assessments (regions 5, 5 and 9) and one draft that must not count."""
    cycle = CycleFactory(name="2026")
    ratings = {
        ("Ohio A", 5): {"coordination": (1, 5), "training": (4, 2)},
        ("Ohio B", 5): {"coordination": (2, 4), "training": (3, 3)},
        ("Arizona", 9): {"coordination": (3, 5)},
    }
    for (name, region), areas in ratings.items():
        assessment = AssessmentFactory(
            task_force=TaskForceFactory(name=name, region=region), cycle=cycle, status="submitted"
        )
        for slug, (capacity, priority) in areas.items():
            rate(assessment, slug, capacity, priority)
    draft = AssessmentFactory(task_force=TaskForceFactory(name="Draft", region=1), cycle=cycle)
    rate(draft, "training", 1, 5)
    return cycle


def names(slug):
    return Term.objects.get(slug=slug).name


def test_needs_by_area_counts_high_priority_and_means(rated_cycle):
    table = analysis.needs_by_area(rated_cycle)
    rows = {row[0]: [row[1], row[3], row[4], row[5]] for row in table.rows}
    # Coordination: priorities 5, 4, 5 (all high), capacities 1, 2, 3.
    assert rows[names("coordination")] == [3, 4.67, 2.0, 3]
    # Training: priorities 2 and 3 (none high); the draft's 5 is not counted.
    assert rows[names("training")] == [0, 2.5, 3.5, 2]
    assert table.rows[0][0] == names("coordination")  # most high-priority ratings first


def test_needs_by_region_and_gaps(rated_cycle):
    region = {row[0]: row[1:] for row in analysis.needs_by_region(rated_cycle).rows}
    assert list(region.values()) == [[2, 2], [1, 1]]  # region 5: two high ratings, two assessments
    assert len(region) == 2  # region 1 only has a draft
    gaps = analysis.gaps(rated_cycle).rows
    assert gaps[0][:2] == [names("coordination"), 2.67] and gaps[1][:2] == [names("training"), -1.0]


def test_requests_by_status_ages_and_overdue(role_user):
    member = role_user("member")
    now = timezone.now()
    ServiceTarget.objects.create(status="received", days=3)
    for days in (1, 5, 9):
        RequestFactory(
            task_force=member.task_force,
            requester=member,
            created_at=now - datetime.timedelta(days=days),
            status_changed_at=now - datetime.timedelta(days=days),
        )
    RequestFactory(task_force=member.task_force, requester=member, status="delivered")
    rows = {row[0]: row[1:] for row in analysis.requests_by_status(now).rows}
    # Three received: ages 1, 5 and 9 days (mean 5.0, oldest 9), two past the 3-day target.
    assert rows["Received"] == [3, 5.0, 9, 2]
    assert rows["Delivered"][0] == 1 and rows["Closed"] == [0, 0, 0, 0]
    delivered = analysis.delivered_by_topic().rows
    assert [row[1] for row in delivered] == [1]
