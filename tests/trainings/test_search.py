"""Training events in site search (trainings.search_provider), tried as the attacker first: anonymous
and pending people never find a members-only or unpublished event, nobody ever finds a join link,
and the index follows publishing, visibility, topics and deletion as they change."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from search.index import search
from search.models import IndexEntry
from taxonomy.models import Term
from tests.trainings.factories import EventFactory, public_event, registered
from trainings import events as event_services
from trainings.models import Visibility

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def event_keys(query, user, **extra):
    return {r.key for r in search(query, user=user, kinds=["event"], **extra).results}


def everything_found(query, user):
    page = search(query, user=user)
    return " ".join(f"{r.title} {r.url} {r.snippet}" for r in page.results)


@pytest.fixture
def public():
    return public_event(title="Labor trafficking in agriculture", description="Farm-worker **outreach**.")


@pytest.fixture
def members_only():
    return EventFactory(title="Undercover operations debrief", description="Case lessons for investigators.")


# The attacker first


def test_anonymous_finds_public_events_but_never_members_only_ones(public, members_only):
    assert event_keys("agriculture", ANONYMOUS) == {str(public.pk)}
    assert event_keys("undercover", ANONYMOUS) == set()
    assert event_keys("debrief investigators", ANONYMOUS) == set()
    assert "Undercover" not in everything_found("undercover operations", ANONYMOUS)


def test_pending_applicant_is_treated_as_anonymous(role_user, public, members_only):
    pending = role_user("pending")
    assert event_keys("undercover", pending) == set()
    assert event_keys("agriculture", pending) == {str(public.pk)}


@pytest.mark.parametrize("role", ["member", "other_task_force_member", "tta_staff", "editor"])
def test_members_find_both(role, role_user, public, members_only):
    user = role_user(role)
    assert event_keys("undercover", user) == {str(members_only.pk)}
    assert event_keys("agriculture", user) == {str(public.pk)}


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.MEMBERS])
def test_unpublished_events_are_never_found_even_by_staff(visibility, role_user):
    draft = EventFactory(title="Draft clinic on restitution", visibility=visibility, is_published=False)
    for user in (ANONYMOUS, role_user("member"), role_user("tta_staff"), role_user("superuser")):
        assert event_keys("restitution", user) == set()
    assert not IndexEntry.objects.filter(kind="event", key=str(draft.pk)).exists()


@pytest.mark.parametrize("query", ["secret-room-42", "meet.example.org", "secret room", "https"])
def test_nobody_finds_a_join_link(query, role_user, public, members_only):
    for user in (ANONYMOUS, role_user("member"), role_user("tta_staff")):
        found = everything_found(query, user)
        assert "secret-room" not in found and "meet.example.org" not in found
    assert not IndexEntry.objects.filter(text__contains="secret-room").exists()
    assert not IndexEntry.objects.filter(url__contains="meet.example").exists()


def test_a_join_link_pasted_into_the_description_is_cut_out(role_user):
    link = "https://meet.example.org/pasted-room-99"
    event = public_event(
        title="Pasted link webinar", description=f"Join at {link} on the day.", join_url=link
    )
    entry = IndexEntry.objects.get(kind="event", key=str(event.pk))
    assert "pasted-room-99" not in entry.text and "Join at" in entry.text
    assert "pasted-room" not in everything_found("pasted", role_user("member"))


def test_hostile_text_is_shown_as_text(role_user):
    hostile = '<script>alert("x")</script> Hostile webinar \'; DROP TABLE search_indexentry; --'
    event = public_event(title=hostile[:200], description=hostile)
    (result,) = search("hostile webinar", user=ANONYMOUS, kinds=["event"]).results
    assert result.key == str(event.pk)
    assert "<script>" not in result.snippet and "<script>" not in result.title_html
    assert IndexEntry.objects.filter(kind="event").count() == 1  # the table is still there


# The index follows the event


def test_publishing_and_unpublishing_follow_at_once(role_user):
    staff = role_user("tta_staff")
    event = EventFactory(
        title="Trauma-informed interviewing", visibility=Visibility.PUBLIC, is_published=False
    )
    assert event_keys("trauma", ANONYMOUS) == set()
    event.is_published = True
    event.save()
    assert event_keys("trauma", ANONYMOUS) == {str(event.pk)}
    event.is_published = False
    event.save()
    assert event_keys("trauma", ANONYMOUS) == set()
    assert event_keys("trauma", staff) == set()


def test_making_an_event_members_only_hides_it_from_anonymous_at_once(role_user, public):
    staff = role_user("tta_staff")
    assert event_keys("agriculture", ANONYMOUS) == {str(public.pk)}
    data = {f: getattr(public, f) for f in event_services.EDITABLE_FIELDS}
    data.update(visibility=Visibility.MEMBERS, capacity=public.capacity)
    event_services.update_event(public, data, by=staff)
    assert event_keys("agriculture", ANONYMOUS) == set()
    assert event_keys("agriculture", role_user("member")) == {str(public.pk)}


def test_created_in_the_site_with_topics_and_found_by_topic(role_user):
    staff = role_user("tta_staff")
    topic = Term.objects.get(slug="coordination")
    starts = timezone.now().replace(microsecond=0) + timedelta(days=9)
    data = {
        "kind": "webinar",
        "title": "Running an MDT meeting",
        "description": "Agendas that work.",
        "materials": "",
        "format": "virtual",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "time_zone": "America/Chicago",
        "location": "",
        "join_url": "https://meet.example.org/mdt-room",
        "registration_deadline": None,
        "questions": [],
        "visibility": Visibility.PUBLIC,
        "is_published": True,
        "capacity": 30,
    }
    event = event_services.create_event(data, topics=[topic], by=staff)
    assert event_keys("MDT meeting", ANONYMOUS, topics=["coordination"]) == {str(event.pk)}
    event.topics.clear()
    assert event_keys("MDT meeting", ANONYMOUS, topics=["coordination"]) == set()
    assert "mdt-room" not in IndexEntry.objects.get(kind="event", key=str(event.pk)).text


def test_deleting_removes_it(public):
    pk = public.pk
    public.delete()
    assert not IndexEntry.objects.filter(kind="event", key=str(pk)).exists()


def test_a_registration_does_not_touch_the_index(role_user, public):
    before = IndexEntry.objects.get(kind="event", key=str(public.pk)).updated_at
    registered(public, role_user("member"))
    assert IndexEntry.objects.get(kind="event", key=str(public.pk)).updated_at == before


def test_a_full_reindex_keeps_the_same_rules(public, members_only):
    draft = EventFactory(
        title="Unpublished agriculture draft", visibility=Visibility.PUBLIC, is_published=False
    )
    IndexEntry.objects.filter(kind="event").delete()
    call_command("rebuild_search_index", verbosity=0)
    scopes = dict(IndexEntry.objects.filter(kind="event").values_list("key", "scope"))
    assert scopes == {str(public.pk): "public", str(members_only.pk): "members"}
    assert str(draft.pk) not in scopes


def test_search_page_as_anonymous_in_bounded_queries(
    client, public, members_only, django_assert_max_num_queries
):
    for n in range(15):
        public_event(title=f"Agriculture outreach clinic {n}")
    client.get("/search/?q=agriculture")
    with django_assert_max_num_queries(12):
        response = client.get("/search/?q=agriculture")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="/trainings/{public.pk}/"' in body  # the title is highlighted: <mark>agriculture</mark>
    assert "Training events" in body
    assert "Undercover" not in body and "secret-room" not in body
    assert client.get("/search/?q=undercover").content.decode().count("Undercover operations") == 0
