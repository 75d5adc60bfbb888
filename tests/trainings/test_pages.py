"""Trainings pages, attacker first (anonymous, pending, other task force, guessed URLs); then members, staff.

A members-only event must be absent for anyone who is not a member: not listed, not in the
month view, not in the public feed, and its page a 404. The join link shows only to a
registered attendee and to the event's staff.
"""

import csv
import io
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from taxonomy.models import Facet, Term
from tests.trainings.factories import EventFactory, public_event, registered
from trainings.models import Event, MemberPreference, Registration, RegistrationStatus, Visibility

pytestmark = pytest.mark.django_db

SECRET_LINK = "secret-room-42"


@pytest.fixture
def events(db):
    return {
        "public": public_event(title="Open webinar on labor indicators"),
        "members": EventFactory(title="Closed peer exchange for investigators"),
        "draft": public_event(title="Unpublished draft session", is_published=False),
    }


def _month_url(event):
    local = timezone.localtime(event.starts_at)
    return f"/trainings/month/{local.year}/{local.month}/"


@pytest.mark.parametrize("role", ["anonymous", "pending"])
def test_members_only_events_are_absent_for_anonymous_and_pending_people(role, role_user, client_for, events):
    client = client_for(None if role == "anonymous" else role_user(role))
    for url in ("/trainings/", _month_url(events["members"]), "/trainings/feed.ics"):
        body = client.get(url).content.decode()
        assert events["public"].title in body, url
        assert events["members"].title not in body, url
        assert events["draft"].title not in body, url
        assert SECRET_LINK not in body, url
    for path in ("/", "/event.ics"):
        assert client.get(f"/trainings/{events['members'].pk}{path}").status_code == 404
        assert client.get(f"/trainings/{events['draft'].pk}{path}").status_code == 404
    assert client.get("/trainings/999999/").status_code == 404


def test_anonymous_sees_a_public_event_without_its_join_link_and_is_asked_to_sign_in(client, events):
    response = client.get(f"/trainings/{events['public'].pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert SECRET_LINK not in body
    assert "Sign in</a> to register" in body
    ics = client.get(f"/trainings/{events['public'].pk}/event.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert SECRET_LINK not in ics.content.decode()


def test_anonymous_and_pending_cannot_register_or_cancel(client_for, role_user, events):
    for user in (None, role_user("pending")):
        client = client_for(user)
        for action in ("register", "cancel"):
            response = client.post(f"/trainings/{events['public'].pk}/{action}/")
            assert response.status_code == 302
            assert response["Location"].startswith(("/accounts/login/", "/members/pending/"))
    assert not Registration.objects.exists()


def test_register_and_cancel_are_post_only(client_for, role_user, events):
    client = client_for(role_user("member"))
    assert client.get(f"/trainings/{events['public'].pk}/register/").status_code == 405
    assert client.get(f"/trainings/{events['public'].pk}/cancel/").status_code == 405


def test_a_member_of_another_task_force_sees_members_only_events_but_not_their_join_link(
    client_for, role_user, events
):
    client = client_for(role_user("other_task_force_member"))
    body = client.get(f"/trainings/{events['members'].pk}/").content.decode()
    assert events["members"].title in body
    assert SECRET_LINK not in body
    assert events["members"].title in client.get("/trainings/").content.decode()


def test_a_member_registers_sees_the_join_link_and_downloads_the_ics_with_it(
    client_for, role_user, events, django_capture_on_commit_callbacks
):
    member = role_user("member")
    client = client_for(member)
    event = events["members"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/trainings/{event.pk}/register/", {"answer-0": "Wheelchair access"}, follow=True
        )
    body = response.content.decode()
    assert "You are registered" in body
    assert SECRET_LINK in body
    assert Registration.objects.get(member=member).answers == {"Accessibility needs": "Wheelchair access"}
    assert len(mail.outbox) == 1
    ics = client.get(f"/trainings/{event.pk}/event.ics").content.decode()
    assert SECRET_LINK in ics and "SUMMARY:Closed peer exchange for investigators" in ics
    # Registering again says so plainly.
    again = client.post(f"/trainings/{event.pk}/register/", follow=True).content.decode()
    assert "already registered" in again
    cancelled = client.post(f"/trainings/{event.pk}/cancel/", follow=True).content.decode()
    assert "Your registration is cancelled" in cancelled
    assert SECRET_LINK not in cancelled


def test_a_waitlisted_member_does_not_see_the_join_link(client_for, role_user):
    event = EventFactory(capacity=1)
    registered(event, role_user("member"))
    client = client_for(role_user("member"))
    body = client.post(f"/trainings/{event.pk}/register/", follow=True).content.decode()
    assert "number 1 on the waitlist" in body
    assert SECRET_LINK not in body


def test_registering_for_a_started_event_shows_a_clear_message(client_for, role_user):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=10))
    body = (
        client_for(role_user("member")).post(f"/trainings/{event.pk}/register/", follow=True).content.decode()
    )
    assert "already started" in body
    assert not Registration.objects.exists()


# --- Filters, past events, month view ---------------------------------------------------------


def test_the_list_filters_by_topic_audience_and_format(client_for, role_user):
    topic = Term.objects.filter(facet=Facet.PRACTICE_AREA).first()
    audience = Term.objects.filter(facet=Facet.AUDIENCE).first()
    tagged = public_event(title="Tagged hybrid session", format="hybrid")
    tagged.topics.add(topic)
    tagged.audiences.add(audience)
    public_event(title="Untagged virtual session")
    client = client_for(role_user("member"))
    for query in (f"topic={topic.slug}", f"audience={audience.slug}", "format=hybrid"):
        body = client.get(f"/trainings/?{query}").content.decode()
        assert "Tagged hybrid session" in body and "Untagged virtual session" not in body, query
    assert "Untagged" not in client.get("/trainings/?topic=no-such-topic").content.decode()


def test_past_events_keep_their_materials_and_leave_the_upcoming_list(client_for, role_user):
    start = timezone.now() - timedelta(days=3)
    past = public_event(
        title="Case review from last month",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        materials_html='<p><a href="https://example.org/recording">Recording</a></p>',
    )
    client = client_for(None)
    assert past.title not in client.get("/trainings/").content.decode()
    assert past.title in client.get("/trainings/past/").content.decode()
    assert "Recording" in client.get(f"/trainings/{past.pk}/").content.decode()


def test_the_month_view_opens_on_this_month_and_refuses_nonsense(client):
    today = timezone.localtime(timezone.now())
    response = client.get("/trainings/month/")
    assert response.status_code == 200
    assert f"{today:%B} {today.year}" in response.content.decode()
    assert client.get("/trainings/month/2026/13/").status_code == 404


# --- Query counts ----------------------------------------------------------------------------

# Sessions are read from the database without Redis, from Redis with it (config.settings).
# The session's row is a query when sessions live in the database (no Redis: config.sessions).
SESSION = 1 if settings.SESSION_ENGINE == "config.sessions" else 0


def _many(count):
    topic = Term.objects.filter(facet=Facet.PRACTICE_AREA).first()
    audience = Term.objects.filter(facet=Facet.AUDIENCE).first()
    start = timezone.now() + timedelta(days=2)
    for i in range(count):
        event = public_event(
            starts_at=start + timedelta(hours=i), ends_at=start + timedelta(hours=i, minutes=30)
        )
        event.topics.add(topic)
        event.audiences.add(audience)
    return start


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_runs_in_constant_queries(count, client_for, role_user, django_assert_num_queries):
    _many(count)
    client = client_for(role_user("member"))
    client.get("/trainings/")  # warm the session and caches
    # (session), user, groups, preference, count, events, topics, audiences, two filter term lists
    with django_assert_num_queries(SESSION + 9):
        assert client.get("/trainings/").status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_the_month_view_runs_in_constant_queries(count, client_for, role_user, django_assert_num_queries):
    start = _many(count)
    local = timezone.localtime(start)
    client = client_for(role_user("member"))
    client.get(f"/trainings/month/{local.year}/{local.month}/")
    # (session), user, groups, preference, events, two filter term lists
    with django_assert_num_queries(SESSION + 6):
        assert client.get(f"/trainings/month/{local.year}/{local.month}/").status_code == 200


def test_the_event_page_runs_in_constant_queries(client_for, role_user, django_assert_num_queries):
    event = public_event()
    event.topics.add(*Term.objects.filter(facet=Facet.PRACTICE_AREA)[:3])
    member = role_user("member")
    registered(event, member)
    client = client_for(member)
    client.get(f"/trainings/{event.pk}/")
    # (session), user, groups, event, topics, audiences, my registration, preference
    with django_assert_num_queries(SESSION + 7):
        assert client.get(f"/trainings/{event.pk}/").status_code == 200


# --- Time zones ------------------------------------------------------------------------------


def test_times_show_in_the_viewers_zone_and_the_events_own_across_the_november_change(client_for, role_user):
    # Sunday November 1, 2026, 2:00 a.m.: New York falls back to EST; Phoenix keeps MST all year.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    phoenix = ZoneInfo("America/Phoenix")
    before = public_event(
        title="Before the change",
        time_zone="America/Phoenix",
        starts_at=datetime(2026, 10, 30, 10, 0, tzinfo=phoenix),
        ends_at=datetime(2026, 10, 30, 11, 0, tzinfo=phoenix),
    )
    after = public_event(
        title="After the change",
        time_zone="America/Phoenix",
        starts_at=datetime(2026, 11, 3, 10, 0, tzinfo=phoenix),
        ends_at=datetime(2026, 11, 3, 11, 0, tzinfo=phoenix),
    )
    member = role_user("member")
    MemberPreference.objects.create(user=member, time_zone="America/New_York")
    client = client_for(member)
    first = client.get(f"/trainings/{before.pk}/").content.decode()
    # 10:00 MST is 1:00 p.m. EDT before the change and 12:00 p.m. EST after it.
    assert "Friday, October 30, 2026, 1:00 PM EDT" in first
    assert "Friday, October 30, 2026, 10:00 AM MST" in first
    second = client.get(f"/trainings/{after.pk}/").content.decode()
    assert "Tuesday, November 3, 2026, 12:00 PM EST" in second
    assert "Tuesday, November 3, 2026, 10:00 AM MST" in second
    # The same member in Phoenix sees both at 10:00.
    MemberPreference.objects.filter(user=member).update(time_zone="America/Phoenix")
    assert (
        "Friday, October 30, 2026, 10:00 AM MST to" in client.get(f"/trainings/{before.pk}/").content.decode()
    )


def test_staff_enter_local_times_in_the_events_zone_across_the_change(client_for, role_user):
    staff = role_user("tta_staff")
    client = client_for(staff)
    response = client.post(
        "/trainings/new/",
        {
            "kind": "webinar",
            "title": "Fall-back week webinar",
            "format": "virtual",
            "time_zone": "America/New_York",
            "starts_at": "2026-11-02T09:00",
            "ends_at": "2026-11-02T10:30",
            "capacity": "40",
            "visibility": "members",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(title="Fall-back week webinar")
    # 9:00 EST (after the change) is 14:00 UTC; the same wall time a week earlier would be 13:00 UTC.
    assert event.starts_at.astimezone(UTC).hour == 14


# --- Hostile text ----------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_text_in_every_field_is_shown_as_text(client_for, role_user):
    staff = role_user("tta_staff")
    member = role_user("member", full_name=HOSTILE, agency='=HYPERLINK("http://evil.example")')
    event = EventFactory(
        title=HOSTILE,
        description=HOSTILE + "\n\n[click](javascript:alert(1))",
        location=HOSTILE,
        questions=[HOSTILE],
    )
    from forum.rendering import render_markdown

    Event.objects.filter(pk=event.pk).update(description_html=render_markdown(event.description))
    client = client_for(member)
    client.post(f"/trainings/{event.pk}/register/", {"answer-0": HOSTILE})
    pages = [
        client.get(f"/trainings/{event.pk}/"),
        client.get("/trainings/"),
        client_for(staff).get(f"/trainings/{event.pk}/roster/"),
        client_for(staff).get(f"/trainings/{event.pk}/edit/"),
    ]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert 'href="javascript:' not in body
    # The CSV export neutralises a cell a spreadsheet would run as a formula.
    export = client_for(staff).get(f"/trainings/{event.pk}/roster.csv").content.decode()
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example")'


# --- Staff -----------------------------------------------------------------------------------


def test_editors_manage_public_events_only_and_tta_staff_manage_all(client_for, role_user, events):
    editor = client_for(role_user("editor"))
    assert editor.get(f"/trainings/{events['public'].pk}/edit/").status_code == 200
    assert editor.get(f"/trainings/{events['public'].pk}/roster/").status_code == 200
    assert editor.get(f"/trainings/{events['members'].pk}/edit/").status_code == 404
    assert editor.get(f"/trainings/{events['members'].pk}/roster.csv").status_code == 404
    # An editor cannot make a members-only event either.
    form = editor.get("/trainings/new/").content.decode()
    assert 'value="members"' not in form
    staff = client_for(role_user("tta_staff"))
    assert staff.get(f"/trainings/{events['members'].pk}/roster/").status_code == 200
    assert staff.get(f"/trainings/{events['draft'].pk}/").status_code == 200


def test_a_member_cannot_reach_staff_pages(client_for, role_user, events):
    client = client_for(role_user("member"))
    assert client.get("/trainings/new/").status_code == 403
    for path in ("edit/", "roster/", "roster.csv"):
        assert client.get(f"/trainings/{events['public'].pk}/{path}").status_code == 403


def test_staff_cannot_lower_capacity_below_the_registered_count(client_for, role_user):
    event = EventFactory(capacity=2)
    registered(event, role_user("member"))
    registered(event, role_user("member"))
    client = client_for(role_user("tta_staff"))
    from trainings.forms import EventForm

    data = {k: v for k, v in EventForm.initial_for(event).items() if v is not None}
    data.update(
        starts_at=data["starts_at"].strftime("%Y-%m-%dT%H:%M"),
        ends_at=data["ends_at"].strftime("%Y-%m-%dT%H:%M"),
        capacity="1",
        is_published="on",
        topics=[],
        audiences=[],
    )
    body = client.post(f"/trainings/{event.pk}/edit/", data).content.decode()
    assert "2 people are already registered" in body
    assert Event.objects.get(pk=event.pk).capacity == 2


def test_the_roster_and_csv_list_registered_then_waitlisted(client_for, role_user):
    event = public_event(capacity=1)
    first, second = role_user("member", full_name="Ada First"), role_user("member", full_name="Bo Second")
    registered(event, first)
    registered(event, second, status=RegistrationStatus.WAITLISTED, position=1)
    client = client_for(role_user("tta_staff"))
    body = client.get(f"/trainings/{event.pk}/roster/").content.decode()
    assert body.index("Ada First") < body.index("Bo Second")
    rows = list(csv.reader(io.StringIO(client.get(f"/trainings/{event.pk}/roster.csv").content.decode())))
    assert rows[0][:5] == ["name", "email", "agency", "task force", "status"]
    assert [r[0] for r in rows[1:]] == ["Ada First", "Bo Second"]


# --- Feeds -----------------------------------------------------------------------------------


def test_the_public_feed_carries_public_events_only_and_no_join_link(client, events):
    body = client.get("/trainings/feed.ics").content.decode()
    assert "Open webinar on labor indicators" in body
    assert "Closed peer exchange" not in body and "Unpublished" not in body
    assert SECRET_LINK not in body


def test_the_personal_feed_needs_its_token_and_a_reset_token_is_a_404(client_for, role_user, events):
    member = role_user("member")
    registered(events["members"], member)
    client = client_for(member)
    page = client.get("/trainings/mine/").content.decode()
    token = MemberPreference.objects.get(user=member).calendar_token
    assert f"/trainings/feed/{token}.ics" in page
    anonymous = client_for(None)
    feed = anonymous.get(f"/trainings/feed/{token}.ics").content.decode()
    assert "Closed peer exchange for investigators" in feed
    assert SECRET_LINK in feed  # the member's own registered event
    assert anonymous.get("/trainings/feed/guessed-token.ics").status_code == 404
    client = client_for(member)
    client.post("/trainings/mine/reset-feed/")
    assert client_for(None).get(f"/trainings/feed/{token}.ics").status_code == 404
    new_token = MemberPreference.objects.get(user=member).calendar_token
    assert new_token != token
    assert client_for(None).get(f"/trainings/feed/{new_token}.ics").status_code == 200


def test_a_deactivated_members_feed_is_a_404(client, role_user):
    member = role_user("member")
    token = MemberPreference.objects.create(user=member).calendar_token
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(f"/trainings/feed/{token}.ics").status_code == 404


def test_a_member_sets_their_time_zone(client_for, role_user):
    member = role_user("member")
    client = client_for(member)
    client.post("/trainings/mine/", {"time_zone": "America/Phoenix"})
    assert MemberPreference.objects.get(user=member).time_zone == "America/Phoenix"
    body = client.post("/trainings/mine/", {"time_zone": "Mars/Olympus"}).content.decode()
    assert "Select a valid choice" in body
    assert MemberPreference.objects.get(user=member).time_zone == "America/Phoenix"


def test_visibility_values_are_what_the_rules_expect():
    assert {v for v, _ in Visibility.choices} == {"public", "members"}


def test_staff_find_the_drafts_they_manage_on_the_list_and_nobody_else_sees_them(
    client_for, role_user, events
):
    members_draft = EventFactory(title="Members-only draft", is_published=False)
    editor = client_for(role_user("editor")).get("/trainings/").content.decode()
    assert "Unpublished draft session" in editor and members_draft.title not in editor
    staff = client_for(role_user("tta_staff")).get("/trainings/").content.decode()
    assert "Unpublished draft session" in staff and members_draft.title in staff
    member = client_for(role_user("member")).get("/trainings/").content.decode()
    assert "Unpublished draft session" not in member and members_draft.title not in member
