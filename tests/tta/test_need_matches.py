"""Matches for an assessment's needs are stored and reviewed by staff (find, accept, reject, add),
like a request's; the task force then sees the accepted ones, with links, under each need."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.errors import ServiceError
from taxonomy.models import Term
from tests.factories import TaskForceFactory
from tests.tta.factories import AssessmentFactory, CycleFactory, index_entry, rate
from tta.models import Match, PeerExchange
from tta.services.matches import add_need_match, propose_need_matches

pytestmark = pytest.mark.django_db


@pytest.fixture
def needy(role_user):
    """The member's task force needs help with coordination (priority 5, capacity 1);
    two resources and one strong peer task force could help."""
    member = role_user("member")
    cycle = CycleFactory(name="2026")
    assessment = AssessmentFactory(task_force=member.task_force, cycle=cycle, status="submitted")
    rate(assessment, "coordination", 1, 5)
    rate(assessment, "training", 4, 2)  # rated, but not a need
    strong = AssessmentFactory(
        task_force=TaskForceFactory(name="Strong Task Force"), cycle=cycle, status="submitted"
    )
    rate(strong, "coordination", 5, 1)
    index_entry("resource", 1, "Coordination guidebook", ["coordination"])
    index_entry("practice", 2, "Running a case review", ["coordination"])
    return assessment


def coordination():
    return Term.objects.get(slug="coordination")


def test_proposals_are_stored_per_need_and_storing_twice_adds_nothing(needy, role_user):
    staff = role_user("tta_staff")
    assert propose_need_matches(staff, needy.pk, coordination().pk) == 3
    assert propose_need_matches(staff, needy.pk, coordination().pk) == 0
    stored = list(Match.objects.filter(assessment=needy).values_list("need__slug", "title", "state"))
    assert sorted(stored) == [
        ("coordination", "Coordination guidebook", "proposed"),
        ("coordination", "Running a case review", "proposed"),
        ("coordination", "Strong Task Force", "proposed"),
    ]


@pytest.mark.parametrize("need", ["999999", "1 OR 1=1", "", "<b>"])
def test_an_area_the_assessment_did_not_rate_is_refused(needy, role_user, need):
    with pytest.raises(ServiceError, match="areas this assessment rated"):
        propose_need_matches(role_user("tta_staff"), needy.pk, need)
    unrated = Term.objects.get(slug="information-sharing")
    with pytest.raises(ServiceError, match="areas this assessment rated"):
        add_need_match(role_user("tta_staff"), needy.pk, unrated.pk, title="A guide")


def test_a_retired_area_keeps_its_matches_but_is_no_longer_matched(needy, role_user, client_for):
    staff = role_user("tta_staff")
    propose_need_matches(staff, needy.pk, coordination().pk)
    Term.objects.filter(slug__in=["coordination", "training"]).update(retired=True)
    with pytest.raises(ServiceError, match="Coordination has been retired"):
        propose_need_matches(staff, needy.pk, coordination().pk)
    with pytest.raises(ServiceError, match="retired"):
        add_need_match(staff, needy.pk, coordination().pk, title="A guide")
    assert Match.objects.filter(assessment=needy).count() == 3  # nothing stored was dropped

    client = client_for(staff)
    url = f"/tta/staff/assessments/{needy.pk}/"
    page = client.get(url).content.decode()
    # The stored matches still show under the old need, with no button to find or add more,
    # and the retired "Training" is not offered under "Match another area".
    assert "Coordination guidebook" in page and "has been retired from the taxonomy" in page
    assert "matches/find/" not in page and "Match another area" not in page
    refused = client.post(url + "matches/find/", {"need": coordination().pk})
    assert refused.status_code == 400 and "Coordination has been retired" in refused.content.decode()


def test_only_staff_find_or_add_need_matches(needy, role_user):
    from django.core.exceptions import PermissionDenied

    for role in ("member", "coordinator", "moderator"):
        with pytest.raises(PermissionDenied):
            propose_need_matches(role_user(role), needy.pk, coordination().pk)
        with pytest.raises(PermissionDenied):
            add_need_match(role_user(role), needy.pk, coordination().pk, title="Mine")


def test_staff_review_page_end_to_end_and_the_task_force_sees_accepted_help(needy, role_user, client_for):
    staff, member = role_user("tta_staff"), role_user("member")
    client = client_for(staff)
    url = f"/tta/staff/assessments/{needy.pk}/"
    page = client.get(url).content.decode()
    assert "Coordination" in page and "No matches yet" in page
    # Training was rated but is not a need: offered under "Match another area".
    assert "Match another area" in page and "Training (priority 2, capacity 4)" in page
    assert client.post(url + "matches/find/", {"need": coordination().pk}).status_code == 302
    guide = Match.objects.get(assessment=needy, title="Coordination guidebook")
    review = Match.objects.get(assessment=needy, title="Running a case review")
    peer = Match.objects.get(assessment=needy, title="Strong Task Force")
    client.post(f"{url}matches/{guide.pk}/accept/")
    client.post(f"{url}matches/{review.pk}/reject/")
    client.post(f"{url}matches/{peer.pk}/accept/")
    client.post(f"{url}matches/{peer.pk}/exchange/")
    exchange = PeerExchange.objects.get()
    review_page = client.get(url).content.decode()
    assert "Peer exchange proposed: waiting for both coordinators." in review_page
    assert f"matches/{peer.pk}/exchange/" not in review_page  # no second proposal offered
    assert (exchange.seeking_id, exchange.host.name, exchange.topic.slug) == (
        member.task_force_id,
        "Strong Task Force",
        "coordination",
    )
    added = client.post(
        url + "matches/add/",
        {
            "need": coordination().pk,
            "title": "State MDT protocol",
            "url": "https://example.org/mdt",
            "reason": "<i>Ohio's</i> model",
        },
    )
    assert added.status_code == 302

    html = client_for(member).get(f"/tta/assessments/{needy.pk}/").content.decode()
    section = html.split("Help TTA staff matched to your needs", 1)[1]
    assert '<a href="/resources/1/">Coordination guidebook</a>' in section
    assert '<a href="https://example.org/mdt">State MDT protocol</a>' in section
    assert "&lt;i&gt;Ohio&#x27;s&lt;/i&gt; model" in section and "Strong Task Force" in section
    assert "Running a case review" not in section  # rejected
    assert "Review matches" not in html  # the staff link is for staff only


def test_bad_add_keeps_what_staff_typed(needy, role_user, client_for):
    client = client_for(role_user("tta_staff"))
    url = f"/tta/staff/assessments/{needy.pk}/"
    bad_link = client.post(
        url + "matches/add/",
        {"need": coordination().pk, "title": "Keep me", "url": "javascript:alert(1)"},
    )
    text = bad_link.content.decode()
    assert bad_link.status_code == 400 and "https://" in text and 'value="Keep me"' in text
    assert 'value="javascript:alert(1)"' in text and "<details open>" in text
    no_title = client.post(url + "matches/add/", {"need": coordination().pk, "title": "", "reason": "why"})
    assert no_title.status_code == 400 and "Give the match a title" in no_title.content.decode()
    assert 'value="why"' in no_title.content.decode()
    client.post(url + "matches/add/", {"need": coordination().pk, "title": "Once"})
    twice = client.post(url + "matches/add/", {"need": coordination().pk, "title": "Once"})
    assert twice.status_code == 400 and "already on the Coordination need" in twice.content.decode()
    assert Match.objects.filter(assessment=needy, title="Once").count() == 1
    # Each action has its own URL: the page itself takes no POST.
    assert client.post(url, {"action": "add_match", "title": "Again"}).status_code == 405


def test_a_match_of_another_assessment_cannot_be_decided_here(needy, role_user, client_for):
    staff = role_user("tta_staff")
    other = AssessmentFactory(
        task_force=TaskForceFactory(name="Other"), cycle=needy.cycle, status="submitted"
    )
    rate(other, "coordination", 1, 5)
    propose_need_matches(staff, other.pk, coordination().pk)
    foreign = Match.objects.filter(assessment=other).first()
    url = f"/tta/staff/assessments/{needy.pk}/"
    for action in ("accept", "reject", "exchange"):
        response = client_for(staff).post(f"{url}matches/{foreign.pk}/{action}/")
        assert response.status_code == 404, action
    assert Match.objects.get(pk=foreign.pk).state == "proposed"


@pytest.mark.parametrize(
    "role,status",
    [("anonymous", 302), ("pending", 302), ("member", 403), ("coordinator", 403), ("tta_staff", 200)],
)
def test_review_page_is_for_staff_only(needy, role_user, client_for, role, status):
    response = client_for(role_user(role)).get(f"/tta/staff/assessments/{needy.pk}/")
    assert response.status_code == status
    if role == "tta_staff":
        assert client_for(role_user(role)).get("/tta/staff/assessments/999999/").status_code == 404


def test_review_and_assessment_pages_run_constant_queries(
    needy, role_user, client_for, django_assert_num_queries
):
    staff, member = role_user("tta_staff"), role_user("member")
    urls = ((staff, f"/tta/staff/assessments/{needy.pk}/"), (member, f"/tta/assessments/{needy.pk}/"))
    for who, url in urls:
        client_for(who).get(url)
    counts = {}
    for n in (1, 6):
        for i in range(n):
            match = add_need_match(staff, needy.pk, coordination().pk, title=f"Help {n}-{i}")
            add_need_match(staff, needy.pk, Term.objects.get(slug="training").pk, title=f"T {n}-{i}")
            assert match.state == "accepted"
        for who, url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client_for(who).get(url).status_code == 200
            counts.setdefault(url, []).append(len(ctx))
    for url, (few, many) in counts.items():
        assert few == many, url
    with django_assert_num_queries(counts[urls[0][1]][1]):
        client_for(staff).get(urls[0][1])
