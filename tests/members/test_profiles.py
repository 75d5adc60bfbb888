"""The member directory and profiles: who sees them, what they show, and how many queries they cost."""

import pytest
from django.urls import reverse

from taxonomy.models import Term
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(role_user):
    return role_user("member")


def test_profile_shows_role_agency_task_force_and_expertise(client, member, role_user):
    peer = role_user("coordinator", full_name="Marcus Ortega", agency="Columbus Division of Police")
    peer.expertise.add(*Term.objects.filter(slug__in=["coordination", "information-sharing"]))
    client.force_login(member)
    body = client.get(f"/members/{peer.pk}/").content.decode()
    assert "Marcus Ortega" in body
    assert "Task force coordinator" in body
    assert "Columbus Division of Police" in body
    assert "Central Ohio Human Trafficking Task Force" in body
    assert "Coordination" in body and "Information sharing" in body


def test_profiles_of_pending_rejected_and_deactivated_people_are_not_shown(client, member, role_user):
    client.force_login(member)
    for person in [
        role_user("pending"),
        UserFactory(status="rejected", is_active=False),
        role_user("member", is_active=False),
    ]:
        assert client.get(f"/members/{person.pk}/").status_code == 404


def test_directory_lists_only_approved_active_people(client, member, role_user):
    role_user("pending", full_name="Pat Pending")
    role_user("member", full_name="Gone Away", is_active=False)
    client.force_login(member)
    body = client.get("/members/").content.decode()
    assert member.full_name in body
    assert "Pat Pending" not in body
    assert "Gone Away" not in body


def test_directory_filters_by_task_force_and_ignores_nonsense(client, member, role_user, other_task_force):
    far = role_user("other_task_force_member", full_name="Alicia Chen")
    client.force_login(member)
    body = client.get(f"/members/?task_force={other_task_force.pk}").content.decode()
    assert "Alicia Chen" in body and member.full_name not in body
    for junk in ["abc", "' OR 1=1 --", "9" * 40, "<script>"]:
        response = client.get("/members/", {"task_force": junk, "page": junk})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode()
    assert far.full_name in client.get("/members/").content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_directory_query_count_does_not_grow_with_members(
    client, member, count, task_force, django_assert_max_num_queries
):
    terms = list(Term.objects.filter(facet="practice_area")[:3])
    for _ in range(count):
        person = UserFactory(task_force=task_force, groups=["Member"])
        person.expertise.add(*terms)
    client.force_login(member)
    client.get("/members/")  # warm the session and MFA lookups
    # session, user, groups, second factor, count, page, expertise, task forces, site, settings
    # (with Redis the site lookup may come from the cache: one fewer)
    with django_assert_max_num_queries(10):
        response = client.get("/members/")
    assert response.status_code == 200


def test_profile_query_count(client, member, django_assert_max_num_queries):
    member.expertise.add(*Term.objects.filter(facet="practice_area")[:5])
    client.force_login(member)
    client.get(f"/members/{member.pk}/")
    # One more than the profile's own: the forum's record (forum.expertise.services.profile_section).
    with django_assert_max_num_queries(9):
        assert client.get(f"/members/{member.pk}/").status_code == 200


def test_member_edits_their_expertise(client, member):
    client.force_login(member)
    coordination = Term.objects.get(slug="coordination")
    response = client.post(
        reverse("members:edit_profile"),
        {
            "full_name": member.full_name,
            "agency": member.agency,
            "work_phone": "614-555-0100",
            "bio": "Ten years on vice; now lead on labor cases.",
            "expertise": [coordination.pk],
        },
    )
    assert response.status_code == 302
    assert list(member.expertise.all()) == [coordination]


def test_retired_terms_cannot_be_chosen(client, member):
    retired = Term.objects.get(slug="coordination")
    retired.retired = True
    retired.save()
    client.force_login(member)
    response = client.post(
        reverse("members:edit_profile"),
        {"full_name": member.full_name, "agency": member.agency, "expertise": [retired.pk]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not member.expertise.exists()


def test_hostile_profile_text_is_refused_or_escaped(client, member, role_user):
    client.force_login(member)
    response = client.post(
        reverse("members:edit_profile"),
        {"full_name": "<img src=x onerror=alert(1)>", "agency": member.agency},
    )
    assert "cannot contain &lt; or &gt;" in response.content.decode()
    client.post(
        reverse("members:edit_profile"),
        {"full_name": member.full_name, "agency": member.agency, "bio": "<script>alert('bio')</script>"},
    )
    viewer = role_user("coordinator")
    client.force_login(viewer)
    body = client.get(f"/members/{member.pk}/").content.decode()
    assert "<script>alert('bio')</script>" not in body
    assert "&lt;script&gt;alert(&#x27;bio&#x27;)&lt;/script&gt;" in body


def test_nobody_edits_someone_elses_profile(client, member, role_user):
    other = role_user("coordinator")
    client.force_login(other)
    client.post(reverse("members:edit_profile"), {"full_name": "Hijacked", "agency": "X"})
    member.refresh_from_db()
    assert member.full_name != "Hijacked"


def test_directory_names_an_unlisted_task_force_and_leaves_out_a_missing_one(client, member):
    UserFactory(
        full_name="Riley Unlisted",
        agency="Tri-County Sheriff",
        task_force=None,
        other_task_force_name="Tri-County Response Team",
        groups=["Member"],
    )
    UserFactory(full_name="Sam Nowhere", agency="State Office", task_force=None, groups=["Member"])
    client.force_login(member)
    body = " ".join(client.get("/members/").content.decode().split())
    assert "Tri-County Sheriff · Tri-County Response Team" in body
    assert "State Office</span>" in body and "State Office ·" not in body


def test_directory_pages_keep_the_task_force_and_expertise_filters(client, member, task_force):
    """Next page of a filtered directory stays filtered: the links keep every parameter but the page."""
    term = Term.objects.filter(facet="practice_area").first()
    for n in range(55):
        UserFactory(full_name=f"Expert {n:02d}", task_force=task_force, groups=["Member"]).expertise.add(term)
    UserFactory(full_name="Zed Unrelated", task_force=task_force, groups=["Member"])
    client.force_login(member)
    query = f"?task_force={task_force.pk}&expertise={term.slug}"
    body = client.get(f"/members/{query}").content.decode()
    assert f'href="?task_force={task_force.pk}&amp;expertise={term.slug}&amp;page=2"' in body
    second = client.get(f"/members/{query}&page=2").content.decode()
    assert "Expert 54" in second and "Zed Unrelated" not in second
