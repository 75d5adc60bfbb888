"""Staff add matches the matcher did not find: a resource or practice link, a peer task force or a
peer member (found by name, with a choice when several match). Bad input gets a message saying what
is wrong, and the form comes back with everything staff typed; only TTA staff may add."""

import pytest
from django.core.exceptions import PermissionDenied

from config.errors import Conflict, ServiceError
from tests.factories import TaskForceFactory, UserFactory
from tests.tta.factories import AssessmentFactory, CycleFactory, RequestFactory, rate
from tta.models import Match
from tta.services.matches import add_match, propose_matches

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(role_user):
    member = role_user("member")
    elsewhere = TaskForceFactory(name="Elsewhere Task Force")
    return {
        "member": member,
        "staff": role_user("tta_staff"),
        "request": RequestFactory(task_force=member.task_force, requester=member),
        "elsewhere": elsewhere,
        "peer": UserFactory(full_name="Pia Peer", task_force=elsewhere, groups=["Member"]),
    }


def staff_page(client_for, world):
    return client_for(world["staff"]), f"/tta/staff/requests/{world['request'].pk}/"


def test_staff_add_a_peer_member_by_name_and_the_requester_sees_it(world, client_for):
    client, url = staff_page(client_for, world)
    form = client.get(url).content.decode()
    assert "Peer member's name" in form and "Member number" not in form
    assert "the number at the end of their profile address" not in form
    response = client.post(
        url + "matches/add/",
        {
            "kind": "peer_member",
            "peer_member_name": "  pia ",
            "reason": "Ran one",
        },
    )
    assert response.status_code == 302
    match = Match.objects.get(request=world["request"])
    assert (match.kind, match.peer_member, match.state, match.added_by_staff) == (
        "peer_member",
        world["peer"],
        "accepted",
        True,
    )
    assert (match.title, match.url, match.target_key) == (
        "Pia Peer (Elsewhere Task Force)",
        f"/members/{world['peer'].pk}/",
        f"member:{world['peer'].pk}",
    )
    page = client_for(world["member"]).get(f"/tta/requests/{world['request'].pk}/").content.decode()
    assert f'<a href="/members/{world["peer"].pk}/">Pia Peer (Elsewhere Task Force)</a>' in page


def test_staff_add_a_practice_and_a_peer_task_force(world, client_for):
    client, url = staff_page(client_for, world)
    form = client.get(url).content.decode()
    assert f'<option value="{world["elsewhere"].pk}">Elsewhere Task Force</option>' in form
    assert f'<option value="{world["request"].task_force_id}"' not in form  # not the one asking
    client.post(url + "matches/add/", {"kind": "practice", "title": "MDT protocol", "url": "/p/mdt/"})
    client.post(url + "matches/add/", {"kind": "peer_task_force", "peer_task_force": world["elsewhere"].pk})
    added = {
        m.kind: (m.title, m.peer_task_force_id, m.url) for m in Match.objects.filter(request=world["request"])
    }
    assert added == {
        "practice": ("MDT protocol", None, "/p/mdt/"),
        # A peer task force links to the member directory, filtered to its members.
        "peer_task_force": (
            "Elsewhere Task Force",
            world["elsewhere"].pk,
            f"/members/?task_force={world['elsewhere'].pk}",
        ),
    }
    requester_page = client_for(world["member"]).get(f"/tta/requests/{world['request'].pk}/").content.decode()
    assert (
        f'<a href="/members/?task_force={world["elsewhere"].pk}">Elsewhere Task Force</a>' in requester_page
    )


@pytest.mark.parametrize(
    "typed,message",
    [
        (
            {"peer_member_name": "Nobody Here"},
            "No approved member outside the task force asking for help is called “Nobody Here”.",
        ),
        ({"peer_member_name": ""}, "Type the peer member&#x27;s name."),
        # An id staff never typed (a forged or stale choice) is refused the same way.
        ({"peer_member": "999999"}, "That member could not be found: search for them by name."),
        ({"peer_member": "1 OR 1=1"}, "That member could not be found: search for them by name."),
    ],
)
def test_a_name_nobody_has_is_explained_and_nothing_typed_is_lost(world, client_for, typed, message):
    client, url = staff_page(client_for, world)
    posted = {
        "kind": "peer_member",
        "title": "<script>alert(1)</script>",
        "reason": 'Knows "case review" & more',
        **typed,
    }
    response = client.post(url + "matches/add/", posted)
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert '<option value="peer_member" selected>' in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html and "<script>alert(1)" not in html
    assert 'value="Knows &quot;case review&quot; &amp; more"' in html
    if "peer_member_name" in typed:
        assert 'name="peer_member_name" maxlength="150"' in html
        assert f'value="{typed["peer_member_name"]}"' in html
    assert not Match.objects.filter(request=world["request"]).exists()


def test_a_name_several_members_share_offers_them_to_choose_by_name(world, client_for):
    client, url = staff_page(client_for, world)
    north = TaskForceFactory(name="Northern Task Force")
    dana_a = UserFactory(full_name="Dana Whitfield", task_force=world["elsewhere"], groups=["Member"])
    dana_b = UserFactory(full_name="Dana Okoye", task_force=north, groups=["Member"])
    # Not offered: not approved, or in the task force asking for help.
    UserFactory(full_name="Dana Pending", status="pending", task_force=north, groups=["Member"])
    UserFactory(full_name="Dana Colleague", task_force=world["member"].task_force, groups=["Member"])
    asked = client.post(
        url + "matches/add/",
        {"kind": "peer_member", "peer_member_name": "dana", "reason": "Knows MDTs"},
    )
    html = asked.content.decode()
    assert asked.status_code == 400
    assert "2 members match “dana”: choose one and add the match again." in html
    assert "Which member do you mean?" in html
    assert (
        f'<input type="radio" name="peer_member" value="{dana_b.pk}"> Dana Okoye (Northern Task Force)'
        in html
    )
    assert f'value="{dana_a.pk}"> Dana Whitfield (Elsewhere Task Force)' in html
    assert "Dana Pending" not in html and "Dana Colleague" not in html
    assert 'value="Knows MDTs"' in html and 'value="dana"' in html
    assert not Match.objects.exists()
    chosen = client.post(
        url + "matches/add/",
        {
            "kind": "peer_member",
            "peer_member_name": "dana",
            "peer_member": dana_b.pk,
            "reason": "Knows MDTs",
        },
    )
    assert chosen.status_code == 302
    match = Match.objects.get(request=world["request"])
    assert (match.peer_member, match.title) == (dana_b, "Dana Okoye (Northern Task Force)")


def test_a_full_name_picks_that_member_even_when_a_longer_name_contains_it(world):
    UserFactory(full_name="Pia Peerson", task_force=world["elsewhere"], groups=["Member"])
    match = add_match(world["staff"], world["request"].pk, kind="peer_member", peer_member_name="Pia Peer")
    assert match.peer_member == world["peer"]


def test_only_approved_members_of_another_task_force_can_be_matched(world, client_for):
    client, url = staff_page(client_for, world)
    pending = UserFactory(full_name="Penny Pending", status="pending", task_force=world["elsewhere"])
    no_group = UserFactory(full_name="Nora Nogroup", task_force=world["elsewhere"])
    inactive = UserFactory(
        full_name="Ian Inactive", is_active=False, task_force=world["elsewhere"], groups=["Member"]
    )
    colleague = UserFactory(
        full_name="Cole Colleague", task_force=world["member"].task_force, groups=["Member"]
    )
    for person, message in (
        (pending, "Penny Pending is not an approved member"),
        (no_group, "Nora Nogroup is not an approved member"),
        (inactive, "Ian Inactive is not an approved member"),
        (colleague, "Cole Colleague is in the task force asking for help"),
    ):
        # By name they are simply not found; a forged choice of their id is refused with the reason.
        by_name = client.post(
            url + "matches/add/", {"kind": "peer_member", "peer_member_name": person.full_name}
        )
        assert by_name.status_code == 400
        assert f"is called “{person.full_name}”" in by_name.content.decode(), person
        forged = client.post(url + "matches/add/", {"kind": "peer_member", "peer_member": person.pk})
        assert forged.status_code == 400 and message in forged.content.decode(), person
    assert not Match.objects.filter(request=world["request"]).exists()


def test_a_duplicate_or_unknown_peer_is_explained(world, client_for):
    client, url = staff_page(client_for, world)
    first = {"kind": "peer_member", "peer_member": world["peer"].pk}
    assert client.post(url + "matches/add/", first).status_code == 302
    twice = client.post(url + "matches/add/", {**first, "reason": "again"})
    html = twice.content.decode()
    assert twice.status_code == 400
    assert "Pia Peer (Elsewhere Task Force) is already on this request (accepted)" in html
    assert 'value="again"' in html
    assert Match.objects.filter(request=world["request"]).count() == 1
    for value in ("424242", "x", str(world["request"].task_force_id)):
        response = client.post(url + "matches/add/", {"kind": "peer_task_force", "peer_task_force": value})
        assert response.status_code == 400 and "task force" in response.content.decode()
    bad_kind = client.post(url + "matches/add/", {"kind": "<b>boss</b>", "title": "T"})
    assert bad_kind.status_code == 400
    assert "Choose a resource, a practice, a peer task force or a peer member." in bad_kind.content.decode()
    no_title = client.post(url + "matches/add/", {"kind": "resource", "url": "/r/1/"})
    assert no_title.status_code == 400 and "Give the match a title" in no_title.content.decode()
    assert 'value="/r/1/"' in no_title.content.decode()
    assert Match.objects.filter(request=world["request"]).count() == 1


def test_a_peer_the_matcher_proposed_cannot_be_added_again(world):
    Match.objects.create(
        request=world["request"],
        kind="peer_member",
        target_key=f"member:{world['peer'].pk}",
        title="Pia Peer (Elsewhere Task Force)",
        peer_member=world["peer"],
        reason="declared expertise",
    )
    with pytest.raises(Conflict, match=r"already on this request \(proposed\): accept or reject it"):
        add_match(world["staff"], world["request"].pk, kind="peer_member", peer_member=world["peer"])


@pytest.mark.parametrize("role", ["member", "coordinator", "moderator", "other_task_force_member", "pending"])
def test_only_tta_staff_add_matches(world, role_user, client_for, role):
    user = role_user(role)
    with pytest.raises(PermissionDenied):
        add_match(user, world["request"].pk, kind="peer_member", peer_member=world["peer"].pk)
    response = client_for(user).post(
        f"/tta/staff/requests/{world['request'].pk}/matches/add/",
        {"kind": "peer_member", "peer_member": world["peer"].pk},
    )
    assert response.status_code in (302, 403)
    assert not Match.objects.filter(request=world["request"]).exists()


def test_anonymous_cannot_add(world, client_for):
    response = client_for(None).post(
        f"/tta/staff/requests/{world['request'].pk}/matches/add/", {"title": "Sneaky"}
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Match.objects.exists()


def test_staff_add_a_peer_member_to_a_need(world, client_for):
    assessment = AssessmentFactory(
        task_force=world["member"].task_force, cycle=CycleFactory(), status="submitted"
    )
    rating = rate(assessment, "coordination", 1, 5)
    client = client_for(world["staff"])
    url = f"/tta/staff/assessments/{assessment.pk}/"
    bad = client.post(
        url + "matches/add/", {"need": rating.term_id, "kind": "peer_member", "peer_member_name": "Zed"}
    )
    html = bad.content.decode()
    assert bad.status_code == 400 and "is called “Zed”" in html
    assert 'value="Zed"' in html and "<details open>" in html
    UserFactory(full_name="Pia Peerless", task_force=world["elsewhere"], groups=["Member"])
    several = client.post(
        url + "matches/add/", {"need": rating.term_id, "kind": "peer_member", "peer_member_name": "pia"}
    )
    assert several.status_code == 400 and "Which member do you mean?" in several.content.decode()
    good = client.post(
        url + "matches/add/",
        {
            "need": rating.term_id,
            "kind": "peer_member",
            "peer_member": world["peer"].pk,
        },
    )
    assert good.status_code == 302
    match = Match.objects.get(assessment=assessment)
    assert (match.need_id, match.peer_member, match.state) == (rating.term_id, world["peer"], "accepted")


def test_a_request_whose_topic_was_retired_since_is_matched_by_hand_only(world, client_for):
    from taxonomy.models import Term

    Term.objects.filter(pk=world["request"].topic_id).update(retired=True)
    with pytest.raises(ServiceError, match="has been retired from the taxonomy; add help by hand"):
        propose_matches(world["staff"], world["request"].pk)
    client, url = staff_page(client_for, world)
    refused = client.post(url + "matches/find/")
    assert refused.status_code == 400 and "add help by hand" in refused.content.decode()
    added = client.post(url + "matches/add/", {"title": "State MDT protocol", "url": "https://example.org"})
    assert added.status_code == 302
    assert list(Match.objects.filter(request=world["request"]).values_list("title", "state")) == [
        ("State MDT protocol", "accepted")
    ]


def test_a_matcher_run_is_on_the_staff_timeline_only(world, client_for):
    from tta.models import RequestEvent

    propose_matches(world["staff"], world["request"].pk)
    propose_matches(world["staff"], world["request"].pk)
    runs = RequestEvent.objects.filter(request=world["request"], detail__startswith="Matcher run")
    assert [(e.detail.split(":")[0], e.internal) for e in runs] == [("Matcher run", True)] * 2
    assert runs.order_by("pk").last().detail == "Matcher run: 0 new proposals"  # nothing new the second time
    client, url = staff_page(client_for, world)
    assert "Matcher run" in client.get(url).content.decode()
    requester_view = client_for(world["member"]).get(f"/tta/requests/{world['request'].pk}/")
    assert "Matcher run" not in requester_view.content.decode()
