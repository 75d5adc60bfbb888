"""Links between TTA and trainings (issue 16): fulfilling a request by an event, the matcher's event
proposals with their reason in plain words, and the dashboard's trainings delivered and attendees
by task force and region. Tried first as an attacker: every role, a guessed or hostile event id,
an unpublished event, a finished request, a double click."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test.utils import override_settings
from django.utils import timezone

from members.models import FederalRegion
from taxonomy.models import Term
from tests.factories import ROLES, TaskForceFactory, UserFactory
from tests.trainings.factories import EventFactory, public_event, registered
from tests.tta.factories import RequestFactory
from trainings.models import Registration
from tta import analysis, matching
from tta.models import Match, RequestEvent, RequestStatus, TTARequest
from tta.services.fulfilment import fulfil_by_event
from tta.services.matches import propose_matches

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>\'; DROP TABLE tta_ttarequest; --'


@pytest.fixture
def coordination():
    return Term.objects.get(slug="coordination")


@pytest.fixture
def tta_request(role_users, db):
    return RequestFactory(task_force=role_users["_task_force"], requester=role_users["member"])


def _event(topic, **extra):
    event = EventFactory(**extra)
    event.topics.add(topic)
    return event


def _fulfil_url(tta_request):
    return f"/tta/staff/requests/{tta_request.pk}/fulfil/"


# Who may fulfil: TTA staff only


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("tta_staff", "superuser")])
def test_nobody_but_staff_fulfils_a_request(role, role_users, db, client_for, tta_request, coordination):
    event = _event(coordination)
    response = client_for(role_users.get(role)).post(_fulfil_url(tta_request), {"event": event.pk})
    assert response.status_code in (302, 403)
    if response.status_code == 302:  # anonymous and pending are sent away, not to the request
        assert response["Location"].startswith(("/accounts/login/", "/members/pending/"))
    tta_request.refresh_from_db()
    assert tta_request.fulfilled_by_event is None
    assert not RequestEvent.objects.filter(kind=RequestEvent.Kind.FULFILLED).exists()


def test_a_session_without_the_second_factor_cannot_fulfil(role_users, db, client, tta_request, coordination):
    event = _event(coordination)
    client.force_login(role_users["tta_staff"], second_factor=False)
    client.post(_fulfil_url(tta_request), {"event": event.pk})
    tta_request.refresh_from_db()
    assert tta_request.fulfilled_by_event is None


def test_a_get_is_refused(role_users, db, client_for, tta_request):
    assert client_for(role_users["tta_staff"]).get(_fulfil_url(tta_request)).status_code == 405


def test_csrf_is_checked(role_users, db, tta_request, coordination):
    from django.test import Client

    event = _event(coordination)
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(role_users["tta_staff"])
    assert forged.post(_fulfil_url(tta_request), {"event": event.pk}).status_code == 403
    tta_request.refresh_from_db()
    assert tta_request.fulfilled_by_event is None


# Fulfilling


def test_staff_fulfil_by_an_upcoming_event_schedules_the_request(
    role_users, db, client_for, tta_request, coordination, django_capture_on_commit_callbacks
):
    TTARequest.objects.filter(pk=tta_request.pk).update(status=RequestStatus.MATCHED)
    event = _event(coordination, title="MDT case review webinar")
    staff = client_for(role_users["tta_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(_fulfil_url(tta_request), {"event": event.pk})
    assert response.status_code == 302
    tta_request.refresh_from_db()
    assert tta_request.fulfilled_by_event == event.pk
    assert tta_request.fulfilled_by_title == "MDT case review webinar"
    assert tta_request.fulfilled_by_url == f"/trainings/{event.pk}/"
    assert tta_request.status == RequestStatus.SCHEDULED
    # The requester is told, and sees the event on their own page, without the join link.
    assert len(mail.outbox) == 1 and "Scheduled" in mail.outbox[0].subject
    page = client_for(role_users["member"]).get(f"/tta/requests/{tta_request.pk}/")
    body = page.content.decode()
    assert "MDT case review webinar" in body and f"/trainings/{event.pk}/" in body
    assert event.join_url not in body
    assert "Fulfilled by MDT case review webinar" in body


def test_an_ended_event_delivers_the_request(role_users, tta_request, coordination):
    TTARequest.objects.filter(pk=tta_request.pk).update(status=RequestStatus.SCHEDULED)
    past = timezone.now() - timedelta(days=3)
    event = _event(coordination, starts_at=past, ends_at=past + timedelta(hours=2))
    request, moved = fulfil_by_event(role_users["tta_staff"], tta_request.pk, event.pk)
    assert moved and request.status == RequestStatus.DELIVERED


def test_a_move_the_table_forbids_links_without_changing_status(role_users, tta_request, coordination):
    # Received cannot jump to Scheduled: the link is kept, the status left to staff.
    event = _event(coordination)
    request, moved = fulfil_by_event(role_users["tta_staff"], tta_request.pk, event.pk)
    assert not moved
    assert request.status == RequestStatus.RECEIVED and request.fulfilled_by_event == event.pk
    assert mail.outbox == []


def test_double_click_records_once(
    role_users, db, client_for, tta_request, coordination, django_capture_on_commit_callbacks
):
    TTARequest.objects.filter(pk=tta_request.pk).update(status=RequestStatus.MATCHED)
    event = _event(coordination)
    staff = client_for(role_users["tta_staff"])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert staff.post(_fulfil_url(tta_request), {"event": event.pk}).status_code == 302
    assert RequestEvent.objects.filter(request=tta_request, kind=RequestEvent.Kind.FULFILLED).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "value", ["", "abc", "-1", "999999", "1.5", HOSTILE, "1 OR 1=1", "9" * 400, "\x00", "١٢"]
)
def test_bad_or_hostile_event_ids_are_refused(value, role_users, db, client_for, tta_request):
    response = client_for(role_users["tta_staff"]).post(_fulfil_url(tta_request), {"event": value})
    assert response.status_code == 400
    assert "Choose a published training event." in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    tta_request.refresh_from_db()
    assert tta_request.fulfilled_by_event is None


def test_unpublished_event_is_refused_as_if_unknown(role_users, db, client_for, tta_request, coordination):
    draft = _event(coordination, is_published=False)
    response = client_for(role_users["tta_staff"]).post(_fulfil_url(tta_request), {"event": draft.pk})
    assert response.status_code == 400
    tta_request.refresh_from_db()
    assert tta_request.fulfilled_by_event is None


def test_a_finished_request_is_not_fulfilled(role_users, db, client_for, tta_request, coordination):
    TTARequest.objects.filter(pk=tta_request.pk).update(status=RequestStatus.DECLINED)
    response = client_for(role_users["tta_staff"]).post(
        _fulfil_url(tta_request), {"event": _event(coordination).pk}
    )
    assert response.status_code == 400
    assert "not fulfilled again" in response.content.decode()


def test_an_unknown_request_is_a_404(role_users, db, client_for, coordination):
    response = client_for(role_users["tta_staff"]).post(
        "/tta/staff/requests/999999/fulfil/", {"event": _event(coordination).pk}
    )
    assert response.status_code == 404


def test_hostile_event_title_is_escaped_on_the_staff_page(
    role_users, db, client_for, tta_request, coordination
):
    event = _event(coordination, title=HOSTILE[:200])
    fulfil_by_event(role_users["tta_staff"], tta_request.pk, event.pk)
    body = client_for(role_users["tta_staff"]).get(f"/tta/staff/requests/{tta_request.pk}/").content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_staff_page_offers_events_on_the_topic_in_bounded_queries(
    role_users, db, client_for, tta_request, coordination, django_assert_max_num_queries
):
    for n in range(12):
        _event(coordination, title=f"Coordination clinic {n}")
    other_topic = Term.objects.exclude(pk=coordination.pk).first()
    off_topic = EventFactory(title="Off-topic session")
    off_topic.topics.add(other_topic)
    staff = client_for(role_users["tta_staff"])
    staff.get(f"/tta/staff/requests/{tta_request.pk}/")  # warm the session and caches
    with django_assert_max_num_queries(25):
        body = staff.get(f"/tta/staff/requests/{tta_request.pk}/").content.decode()
    assert body.count("Coordination clinic") == 12
    assert "Off-topic session" not in body


# The matcher's proposals


def test_matcher_proposes_upcoming_events_with_a_plain_reason(role_users, tta_request, coordination):
    start = timezone.now() + timedelta(days=10)
    event = _event(coordination, title="Coordinating an MDT", capacity=40, starts_at=start)
    registered(event, role_users["member"])
    # Not proposed: ended, unpublished, past its deadline, on another topic.
    past = timezone.now() - timedelta(days=2)
    _event(coordination, title="Held already", starts_at=past, ends_at=past + timedelta(hours=1))
    _event(coordination, title="A draft", is_published=False)
    _event(coordination, title="Deadline passed", registration_deadline=timezone.now() - timedelta(hours=1))
    EventFactory(title="Another topic")
    found = [c for c in matching.match_request(tta_request) if c.kind == Match.Kind.EVENT]
    assert [c.title for c in found] == ["Coordinating an MDT"]
    local = timezone.localtime(start, event.zone)
    assert found[0].reason == f"Upcoming webinar on coordination, {local.day} {local:%b}, 39 seats left"
    assert found[0].url == f"/trainings/{event.pk}/" and found[0].target_key == f"event:{event.pk}"
    assert "secret-room" not in found[0].url


def test_a_full_event_is_proposed_with_its_waitlist(role_users, tta_request, coordination):
    event = _event(coordination, capacity=1, kind="in_person_training")
    registered(event, role_users["member"])
    (found,) = [c for c in matching.match_request(tta_request) if c.kind == Match.Kind.EVENT]
    assert found.reason.startswith("Upcoming in-person training on coordination, ")
    assert found.reason.endswith("full, with a waitlist")


def test_members_only_events_are_proposed_too(role_users, tta_request, coordination):
    # The requester is a member: a members-only event is theirs to attend.
    _event(coordination, title="Members-only clinic")
    public = public_event(title="Public clinic")
    public.topics.add(coordination)
    titles = {c.title for c in matching.match_request(tta_request) if c.kind == Match.Kind.EVENT}
    assert titles == {"Members-only clinic", "Public clinic"}


def test_proposed_events_are_stored_and_accepted_on_fulfilment(role_users, tta_request, coordination):
    event = _event(coordination)
    staff = role_users["tta_staff"]
    propose_matches(staff, tta_request.pk)
    match = Match.objects.get(request=tta_request, kind=Match.Kind.EVENT)
    assert match.state == Match.State.PROPOSED
    fulfil_by_event(staff, tta_request.pk, event.pk)
    match.refresh_from_db()
    assert match.state == Match.State.ACCEPTED and match.decided_by == staff
    # Running the matcher again adds no second proposal of the same event.
    assert propose_matches(staff, tta_request.pk) == 0


@override_settings(TTA_TRAINING_EVENTS=None)
def test_tta_works_without_trainings_named(role_users, tta_request, coordination):
    _event(coordination)
    assert [c for c in matching.match_request(tta_request) if c.kind == Match.Kind.EVENT] == []
    assert analysis.trainings_by_region().rows == []


# The dashboard's figures


def _attended(event, member, attended=True):
    row = registered(event, member)
    Registration.objects.filter(pk=row.pk).update(attended=attended)


@pytest.fixture
def delivered(coordination):
    """Two ended events: one attended by 2 people of Ohio (region 5) and 1 of Arizona (region 9),
    the other by 1 of Ohio; plus an upcoming event and an absentee, which count for nothing."""
    ohio = TaskForceFactory(name="Ohio Coalition", region=FederalRegion.R5)
    arizona = TaskForceFactory(name="Arizona Response", region=FederalRegion.R9)
    o1, o2 = UserFactory(task_force=ohio, full_name="Olive Secret"), UserFactory(task_force=ohio)
    az = UserFactory(task_force=arizona, full_name="Arturo Secret")
    past = timezone.now() - timedelta(days=5)
    first = EventFactory(starts_at=past, ends_at=past + timedelta(hours=2))
    second = EventFactory(starts_at=past + timedelta(days=1), ends_at=past + timedelta(days=1, hours=1))
    for member in (o1, o2, az):
        _attended(first, member)
    _attended(second, o1)
    _attended(second, az, attended=False)
    _attended(EventFactory(), o2)  # upcoming: not delivered yet
    return ohio, arizona


def test_trainings_delivered_and_attendees_by_task_force_and_region(delivered):
    by_tf = analysis.trainings_by_task_force()
    assert by_tf.rows == [
        ["Ohio Coalition", 2, 2, "Region 5 (Chicago)"],
        ["Arizona Response", 1, 1, "Region 9 (San Francisco)"],
    ]
    by_region = analysis.trainings_by_region()
    assert by_region.rows == [["Region 5 (Chicago)", 2, 2], ["Region 9 (San Francisco)", 1, 1]]


def test_dashboard_shows_both_tables_without_names(
    delivered, role_users, db, client_for, django_assert_max_num_queries
):
    staff = client_for(role_users["tta_staff"])
    staff.get("/tta/staff/")
    with django_assert_max_num_queries(40):
        body = staff.get("/tta/staff/").content.decode()
    assert "Trainings delivered and attendees by task force" in body
    assert "Trainings delivered and attendees by federal region" in body
    assert "Ohio Coalition" in body
    assert "Secret" not in body  # no attendee's name anywhere
    csv = staff.get("/tta/staff/export/trainings-by-task-force.csv")
    assert csv.status_code == 200 and "Ohio Coalition,2,2" in csv.content.decode()
    assert "Secret" not in csv.content.decode()


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("tta_staff", "superuser")])
@pytest.mark.parametrize("slug", ["trainings-by-task-force", "trainings-by-region"])
def test_only_staff_export_the_training_figures(role, slug, role_users, db, client_for):
    response = client_for(role_users.get(role)).get(f"/tta/staff/export/{slug}.csv")
    assert response.status_code in (302, 403)


def test_public_version_suppresses_small_counts(delivered):
    public = analysis.public_version(analysis.trainings_by_task_force())
    assert public.rows == [
        ["Ohio Coalition", "<5", "<5", "Region 5 (Chicago)"],
        ["Arizona Response", "<5", "<5", "Region 9 (San Francisco)"],
    ]
