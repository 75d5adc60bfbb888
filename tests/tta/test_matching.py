"""The matcher ranks known data the same way every time, with plain-words reasons."""

import pytest

from members.models import TaskForce
from taxonomy.models import Term
from tests.factories import TaskForceFactory, UserFactory
from tests.tta.factories import AssessmentFactory, CycleFactory, RequestFactory, index_entry, rate
from tta.matching import match_need, match_request, needs_of
from tta.models import Match, NeedsAssessment
from tta.services.exchanges import accept_exchange, propose_exchange
from tta.services.matches import propose_matches

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(role_user):
    member = role_user("member")
    cycle = CycleFactory(name="2026")
    old = CycleFactory(name="2025", is_open=False)
    strong = {}
    for name, capacity in [
        ("Zeta Task Force", 5),
        ("Alpha Task Force", 5),
        ("Beta Task Force", 4),
        ("Weak Task Force", 3),
    ]:
        tf = TaskForceFactory(name=name)
        a = AssessmentFactory(task_force=tf, cycle=cycle, status=NeedsAssessment.Status.SUBMITTED)
        rate(a, "coordination", capacity, 1)
        strong[name] = tf
    # Strong last cycle only, or only in a draft: neither counts.
    rate(
        AssessmentFactory(task_force=TaskForceFactory(name="Old Task Force"), cycle=old, status="submitted"),
        "coordination",
        5,
        1,
    )
    rate(
        AssessmentFactory(task_force=TaskForceFactory(name="Draft Task Force"), cycle=cycle),
        "coordination",
        5,
        1,
    )
    # Own task force rates itself strong: never proposed to itself.
    rate(
        AssessmentFactory(task_force=member.task_force, cycle=cycle, status="submitted"), "coordination", 5, 1
    )

    index_entry("resource", 1, "Coordination guidebook", ["coordination"])
    index_entry("practice", 2, "Coordinating with patrol", ["coordination", "patrol"])
    index_entry("resource", 3, "A coordination checklist", ["coordination"])
    index_entry("resource", 4, "Unrelated", ["training"])
    index_entry("brief", 5, "A brief is not a resource", ["coordination"])
    index_entry("resource", 6, "Restricted page", ["coordination"], scope="editors")

    coordination = Term.objects.get(slug="coordination")
    zed = UserFactory(full_name="Zed Expert", task_force=strong["Beta Task Force"], groups=["Member"])
    amy = UserFactory(full_name="Amy Expert", task_force=strong["Zeta Task Force"], groups=["Member"])
    same = UserFactory(full_name="Same Task Force Expert", task_force=member.task_force, groups=["Member"])
    pending = UserFactory(full_name="Pending Expert", status="pending", groups=["Member"])
    for person in (zed, amy, same, pending):
        person.expertise.add(coordination)
    r = RequestFactory(
        task_force=member.task_force,
        requester=member,
        topic=coordination,
        audience=Term.objects.get(slug="patrol"),
    )
    return {"request": r, "member": member}


def test_ranking_is_pinned(world):
    ranked = [(c.kind, c.title, c.score) for c in match_request(world["request"])]
    assert ranked == [
        ("practice", "Coordinating with patrol", 3.0),
        ("resource", "A coordination checklist", 2.0),
        ("resource", "Coordination guidebook", 2.0),
        ("peer_task_force", "Alpha Task Force", 5.0),
        ("peer_task_force", "Zeta Task Force", 5.0),
        ("peer_task_force", "Beta Task Force", 4.0),
        ("peer_member", "Amy Expert (Zeta Task Force)", 3.0),
        ("peer_member", "Zed Expert (Beta Task Force)", 3.0),
    ]


def test_reasons_are_plain_words(world):
    reasons = {c.title: c.reason for c in match_request(world["request"])}
    assert reasons["Coordinating with patrol"] == "covers practice area Coordination and audience Patrol"
    assert reasons["Coordination guidebook"] == "covers practice area Coordination"
    assert (
        reasons["Alpha Task Force"]
        == "rated its capacity in practice area Coordination 5 of 5 in the 2026 cycle"
    )
    assert reasons["Amy Expert (Zeta Task Force)"] == "declared expertise in practice area Coordination"


def test_same_data_same_ranking_and_storing_is_idempotent(world, role_user):
    assert match_request(world["request"]) == match_request(world["request"])
    staff = role_user("tta_staff")
    assert propose_matches(staff, world["request"].pk) == 8
    assert propose_matches(staff, world["request"].pk) == 0
    assert Match.objects.filter(request=world["request"]).count() == 8


def test_matching_runs_in_constant_queries(world, django_assert_num_queries):
    # Four for resources, practices and peers; one for upcoming training events (tta.training_events).
    with django_assert_num_queries(5):
        match_request(world["request"])


def test_needs_are_high_priority_low_capacity(world):
    member = world["member"]
    cycle = NeedsAssessment.objects.filter(task_force=member.task_force).first().cycle
    a = AssessmentFactory(task_force=TaskForceFactory(name="Needy"), cycle=cycle)
    rate(a, "training", 1, 5)
    rate(a, "coordination", 2, 4)
    rate(a, "information-sharing", 3, 5)
    rate(a, "financial-investigation", 1, 3)
    assert [r.term.slug for r in needs_of(a)] == ["training", "coordination"]
    titles = [c.title for c in match_need(a, Term.objects.get(slug="coordination"))]
    assert titles[:3] == ["Coordinating with patrol", "A coordination checklist", "Coordination guidebook"]
    assert "Alpha Task Force" in titles and TaskForce.objects.filter(name="Needy").exists()


def test_peer_exchange_needs_both_coordinators(world, role_user):
    staff = role_user("tta_staff")
    propose_matches(staff, world["request"].pk)
    match = Match.objects.get(request=world["request"], title="Alpha Task Force")
    exchange = propose_exchange(staff, match.pk)
    seeking_coord = role_user("coordinator")
    host_coord = UserFactory(task_force=match.peer_task_force, is_coordinator=True, groups=["Member"])
    accept_exchange(seeking_coord, exchange.pk)
    exchange.refresh_from_db()
    assert exchange.state == "proposed"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        accept_exchange(world["member"], exchange.pk)
    accept_exchange(host_coord, exchange.pk)
    exchange.refresh_from_db()
    assert exchange.state == "agreed"
