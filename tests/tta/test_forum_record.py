"""Peer members found by their forum record: accepted answers in topics tagged with the need's area.

Only categories every member can read count, so a match never reveals
activity in a restricted category such as Prosecutors.
"""

import pytest
from django.contrib.auth.models import Group

from forum.access import PROSECUTORS
from forum.models import CategoryPermission, Post, Topic
from taxonomy.models import Term
from tests.factories import TaskForceFactory, UserFactory
from tests.forum.factories import CategoryFactory, prosecutors_category
from tests.tta.factories import AssessmentFactory, CycleFactory, RequestFactory, accepted_answer, rate
from tta.access import forum_categories_open_to_members
from tta.matching import match_need, match_request, peer_member_candidates

pytestmark = pytest.mark.django_db


def person(name, task_force, *groups):
    return UserFactory(full_name=name, task_force=task_force, groups=["Member", *groups])


@pytest.fixture
def forum_world(role_user):
    requester = role_user("member")
    elsewhere = TaskForceFactory(name="Elsewhere Task Force")
    coordination = Term.objects.get(slug="coordination")
    open_category = CategoryFactory(name="Coordination talk")
    prosecutors = prosecutors_category()
    # Open itself, but under the Prosecutors category: never more open than its parent.
    under_prosecutors = CategoryFactory(name="Charging decisions", parent=prosecutors)
    asker = person("Quinn Asker", elsewhere, PROSECUTORS)

    expert_answerer = person("Amy Expert", elsewhere)
    expert_answerer.expertise.add(coordination)
    busy = person("Bo Answerer", elsewhere)
    once = person("Cy Once", elsewhere)
    expert_only = person("Dee Expert", elsewhere)
    expert_only.expertise.add(coordination)
    prosecutor = person("Pat Prosecutor", elsewhere, PROSECUTORS)
    off_topic = person("Olly Offtopic", elsewhere)
    colleague = person("Sam Samecolleague", requester.task_force)
    hidden = person("Hal Hidden", elsewhere)

    for _ in range(2):
        accepted_answer(open_category, ["coordination"], asker=asker, answerer=expert_answerer)
    for _ in range(4):
        accepted_answer(open_category, ["coordination", "training"], asker=asker, answerer=busy)
    accepted_answer(open_category, ["coordination"], asker=asker, answerer=once)
    for category in (prosecutors, under_prosecutors):
        accepted_answer(category, ["coordination"], asker=asker, answerer=prosecutor)
    accepted_answer(open_category, ["training"], asker=asker, answerer=off_topic)
    accepted_answer(open_category, ["coordination"], asker=asker, answerer=colleague)
    post = accepted_answer(open_category, ["coordination"], asker=asker, answerer=hidden)
    # A moderator hid the answer after it was accepted: it is no longer a record.
    Post.objects.filter(pk=post.pk).update(is_hidden=True)

    request = RequestFactory(task_force=requester.task_force, requester=requester, topic=coordination)
    return {"request": request, "coordination": coordination, "prosecutors": prosecutors}


def test_forum_record_ranking_is_pinned(forum_world):
    ranked = [
        (c.title, c.score, c.reason) for c in match_request(forum_world["request"]) if c.kind == "peer_member"
    ]
    assert ranked == [
        (
            "Amy Expert (Elsewhere Task Force)",
            5.0,
            "declared expertise in practice area Coordination; "
            "2 accepted answers on Coordination in the forum",
        ),
        ("Bo Answerer (Elsewhere Task Force)", 3.0, "4 accepted answers on Coordination in the forum"),
        ("Dee Expert (Elsewhere Task Force)", 3.0, "declared expertise in practice area Coordination"),
        ("Cy Once (Elsewhere Task Force)", 1.0, "1 accepted answer on Coordination in the forum"),
    ]


def test_restricted_categories_hidden_answers_and_own_task_force_never_count(forum_world):
    titles = " ".join(c.title for c in match_request(forum_world["request"]))
    for name in ("Pat Prosecutor", "Hal Hidden", "Sam Samecolleague", "Olly Offtopic", "Quinn Asker"):
        assert name not in titles


def test_a_category_opened_to_the_member_group_counts(forum_world):
    # Staff grant the Member group reading rights on the Prosecutors category: now every member reads it.
    CategoryPermission.objects.create(
        category=forum_world["prosecutors"], group=Group.objects.get(name="Member"), can_start=False
    )
    assert forum_world["prosecutors"] in forum_categories_open_to_members()
    reasons = {c.title: c.reason for c in peer_member_candidates(forum_world["coordination"])}
    assert reasons["Pat Prosecutor (Elsewhere Task Force)"] == (
        "2 accepted answers on Coordination in the forum"
    )


def test_the_cached_open_categories_follow_a_permission_change_at_once(forum_world):
    names = lambda: {c.title for c in peer_member_candidates(forum_world["coordination"])}  # noqa: E731
    # The first match caches which categories are open; opening Prosecutors must not wait for it.
    assert "Pat Prosecutor (Elsewhere Task Force)" not in names()
    grant = CategoryPermission.objects.create(
        category=forum_world["prosecutors"], group=Group.objects.get(name="Member"), can_start=False
    )
    assert "Pat Prosecutor (Elsewhere Task Force)" in names()
    # Closing it again (the row deleted) takes the answers away on the next match too.
    grant.delete()
    assert "Pat Prosecutor (Elsewhere Task Force)" not in names()
    # A new restricted category's answers never count, even when the list was cached before it existed.
    secret = CategoryFactory(name="Closed room")
    CategoryPermission.objects.create(category=secret, group=Group.objects.get(name=PROSECUTORS))
    closed_tf = TaskForceFactory(name="Closed TF")
    asker, answerer = (person(name, closed_tf, PROSECUTORS) for name in ("Uma Closedroom", "Vic Closedroom"))
    for _ in range(3):
        accepted_answer(secret, ["coordination"], asker=asker, answerer=answerer)
    assert not any(name.startswith("Vic Closedroom") for name in names())


def test_a_change_no_signal_announced_is_seen_once_the_cached_list_expires(forum_world, monkeypatch):
    """Another development process's change cannot bump this process's local-memory cache; the
    cached list then expires after OPEN_CATEGORIES_SECONDS. Simulated with an UPDATE that sends
    no signal and a clock moved past the expiry."""
    import time

    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from tta import access

    if not isinstance(caches["default"], LocMemCache):
        pytest.skip("about the local-memory cache: with Redis the signal-bumped version is shared")
    names = lambda: {c.title for c in peer_member_candidates(forum_world["coordination"])}  # noqa: E731
    assert "Pat Prosecutor (Elsewhere Task Force)" not in names()
    CategoryPermission.objects.filter(category=forum_world["prosecutors"]).update(
        group=Group.objects.get(name="Member")
    )
    assert "Pat Prosecutor (Elsewhere Task Force)" not in names()  # still the cached list
    later = time.time() + access.OPEN_CATEGORIES_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert "Pat Prosecutor (Elsewhere Task Force)" in names()


def test_deleted_topic_is_no_record(forum_world):
    Topic.objects.filter(accepted_post__author__full_name="Cy Once").update(is_deleted=True)
    titles = [c.title for c in match_request(forum_world["request"])]
    assert "Cy Once (Elsewhere Task Force)" not in titles


def test_needs_match_forum_record_too(forum_world):
    needy = AssessmentFactory(task_force=TaskForceFactory(name="Needy Task Force"), cycle=CycleFactory())
    rate(needy, "coordination", 1, 5)
    members = [c.title for c in match_need(needy, forum_world["coordination"]) if c.kind == "peer_member"]
    assert members[:2] == ["Amy Expert (Elsewhere Task Force)", "Bo Answerer (Elsewhere Task Force)"]


def test_top_ten_is_exact_when_answerers_and_experts_overlap(role_user):
    """The matcher fetches ten answerers and ten experts; their merge must equal ranking everyone."""
    requester = role_user("member")
    elsewhere = TaskForceFactory(name="Elsewhere Task Force")
    coordination = Term.objects.get(slug="coordination")
    category = CategoryFactory(name="Open")
    asker = person("Asker", elsewhere)
    # Twelve experts named A..L; the first five by name also answered once (score 4).
    experts = [person(f"Expert {chr(65 + n)}", elsewhere) for n in range(12)]
    for expert in experts:
        expert.expertise.add(coordination)
    for expert in experts[:5]:
        accepted_answer(category, ["coordination"], asker=asker, answerer=expert)
    # Eleven forum-only answerers with three answers each (score 3, as much as an expert).
    answerers = [person(f"Answerer {n:02d}", elsewhere) for n in range(11)]
    for answerer in answerers:
        for _ in range(3):
            accepted_answer(category, ["coordination"], asker=asker, answerer=answerer)
    ranked = [
        (c.title.split(" (")[0], c.score)
        for c in peer_member_candidates(coordination, requester.task_force_id)
    ]
    assert ranked == [
        *[(f"Expert {chr(65 + n)}", 4.0) for n in range(5)],
        *[(f"Answerer {n:02d}", 3.0) for n in range(5)],
    ]
