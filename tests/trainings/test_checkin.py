"""Check-in with the code shown at the event: staff see it, registered attendees use it.

Written as the attacker first: someone not registered, on the waitlist, anonymous, a
guessed or expired code, hostile text, and the same code sent twice.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import AuditEvent
from tests.trainings.factories import EventFactory, public_event, registered
from trainings.models import Registration, RegistrationStatus
from trainings.records import checkin
from trainings.records.models import ALPHABET, CheckInCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(db):
    """A public event that started ten minutes ago and runs for another hour."""
    now = timezone.now()
    return public_event(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1))


def _code(event):
    return checkin.code_for(event).code


def _post(client, event, code):
    return client.post(f"/trainings/{event.pk}/check-in/", {"code": code}, follow=True)


# --- Attackers -----------------------------------------------------------------------------


def test_someone_not_registered_cannot_check_in_even_with_the_right_code(running, role_user, client_for):
    code = _code(running)
    outsider = role_user("member")
    body = _post(client_for(outsider), running, code).content.decode()
    assert "Only registered attendees of this event can check in." in body
    assert not Registration.objects.filter(member=outsider).exists()


def test_the_waitlist_cannot_check_in(running, role_user, client_for):
    code = _code(running)
    waiting = registered(running, role_user("member"), status=RegistrationStatus.WAITLISTED, position=1)
    body = _post(client_for(waiting.member), running, code).content.decode()
    assert "on the waitlist" in body
    assert Registration.objects.get(pk=waiting.pk).attended is None


def test_anonymous_and_pending_people_are_sent_away_and_get_is_refused(running, role_user, client_for):
    code = _code(running)
    anonymous = client_for(None).post(f"/trainings/{running.pk}/check-in/", {"code": code})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    pending = client_for(role_user("pending")).post(f"/trainings/{running.pk}/check-in/", {"code": code})
    assert pending["Location"] == "/members/pending/"
    member = registered(running, role_user("member")).member
    assert client_for(member).get(f"/trainings/{running.pk}/check-in/").status_code == 405
    assert not Registration.objects.filter(attended=True).exists()


def test_only_the_events_staff_see_the_code(running, role_user, client_for):
    members_only = EventFactory(starts_at=running.starts_at, ends_at=running.ends_at)
    attendee = registered(running, role_user("member")).member
    assert client_for(attendee).get(f"/trainings/{running.pk}/check-in-code/").status_code == 403
    assert client_for(None).get(f"/trainings/{running.pk}/check-in-code/").status_code == 302
    # An editor manages public events only: a members-only event is not even there for them.
    assert (
        client_for(role_user("editor")).get(f"/trainings/{members_only.pk}/check-in-code/").status_code == 404
    )
    assert client_for(role_user("tta_staff")).get("/trainings/999999/check-in-code/").status_code == 404
    assert not CheckInCode.objects.filter(event=members_only).exists()
    # Nor is the code on the event page, even for the registered attendee.
    code = _code(running)
    assert code not in client_for(attendee).get(f"/trainings/{running.pk}/").content.decode()


def test_a_wrong_or_guessed_code_records_nothing(running, role_user, client_for):
    real = _code(running)
    row = registered(running, role_user("member"))
    client = client_for(row.member)
    wrong = next(c for c in ("AAAAAA", "BBBBBB") if c != real)
    for guess in (wrong, real[:5], real + "X", "", "0O1IL0"):
        body = _post(client, running, guess).content.decode()
        assert "not this event&#x27;s check-in code" in body or "not this event's check-in code" in body
    assert Registration.objects.get(pk=row.pk).attended is None


def test_a_code_is_only_for_its_own_event(running, role_user, client_for):
    other = public_event(starts_at=running.starts_at, ends_at=running.ends_at)
    other_code = _code(other)
    _code(running)
    row = registered(running, role_user("member"))
    if other_code != CheckInCode.objects.get(event=running).code:
        _post(client_for(row.member), running, other_code)
        assert Registration.objects.get(pk=row.pk).attended is None


def test_no_code_works_before_staff_open_the_screen(running, role_user, client_for):
    row = registered(running, role_user("member"))
    _post(client_for(row.member), running, "ABCDEF")
    assert Registration.objects.get(pk=row.pk).attended is None
    assert not CheckInCode.objects.exists()  # an attendee's attempt never makes one


def test_guessing_is_rate_limited_even_when_the_last_guess_is_right(running, role_user, client_for):
    real = _code(running)
    row = registered(running, role_user("member"))
    client = client_for(row.member)
    wrong = "AAAAAA" if real != "AAAAAA" else "BBBBBB"
    for _ in range(checkin.ATTEMPTS[0]):
        _post(client, running, wrong)
    body = _post(client, running, real).content.decode()
    assert "tried several check-in codes" in body
    assert Registration.objects.get(pk=row.pk).attended is None


def test_the_code_expires_at_the_end_and_opens_30_minutes_before(role_user, client_for):
    now = timezone.now()
    early = public_event(starts_at=now + timedelta(minutes=45), ends_at=now + timedelta(hours=2))
    ended = public_event(starts_at=now - timedelta(hours=2), ends_at=now - timedelta(minutes=1))
    member = role_user("member")
    client = client_for(member)
    for event, message in ((early, "Check-in opens 30 minutes"), (ended, "Check-in has closed")):
        row = registered(event, member)
        assert message in _post(client, event, _code(event)).content.decode()
        assert Registration.objects.get(pk=row.pk).attended is None
    # The window's edges, exactly.
    row = Registration.objects.get(event=early, member=member)
    opens = early.starts_at - timedelta(minutes=30)
    assert checkin.check_in(early, member, _code(early), now=opens) is True
    assert Registration.objects.get(pk=row.pk).attended is True
    assert not checkin.is_open(early, now=early.ends_at)


def test_hostile_and_huge_codes_are_refused_and_never_echoed_as_markup(running, role_user, client_for):
    _code(running)
    row = registered(running, role_user("member"))
    client = client_for(row.member)
    for hostile in ("<script>alert(1)</script>", "' OR 1=1 --", "A" * 100_000, "\x00\u202e"):
        response = _post(client, running, hostile)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert Registration.objects.get(pk=row.pk).attended is None


# --- The attendee ---------------------------------------------------------------------------


def test_the_attendee_checks_in_once_however_the_code_is_typed_and_a_double_post_is_harmless(
    running, role_user, client_for
):
    code = _code(running)
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    row = registered(running, role_user("member"))
    client = client_for(row.member)
    page = client.get(f"/trainings/{running.pk}/").content.decode()
    assert 'name="code"' in page and "Check in" in page
    typed = f" {code[:3].lower()}-{code[3:].lower()} "
    assert "You are checked in." in _post(client, running, typed).content.decode()
    first = Registration.objects.get(pk=row.pk)
    assert first.attended is True and first.attendance_marked_by == row.member
    assert "You were already checked in." in _post(client, running, code).content.decode()
    assert Registration.objects.get(pk=row.pk).attendance_marked_at == first.attendance_marked_at
    (logged,) = AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE)  # once, not per POST
    assert logged.actor == row.member and logged.detail == {"what": "checked in", "event": running.pk}
    # Staff see it on the roster and the check-in screen.
    staff = client_for(role_user("tta_staff"))
    assert (
        f'value="{row.pk}" id="present-{row.pk}" checked'
        in staff.get(f"/trainings/{running.pk}/roster/").content.decode()
    )
    assert (
        "1 of 1 registered attendee marked"
        in staff.get(f"/trainings/{running.pk}/check-in-code/").content.decode()
    )


def test_the_form_is_shown_only_to_registered_attendees_while_open(role_user, client_for):
    now = timezone.now()
    later = public_event(starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4))
    member = role_user("member")
    registered(later, member)
    assert 'name="code"' not in client_for(member).get(f"/trainings/{later.pk}/").content.decode()


def test_staff_see_the_same_code_each_time_and_the_window(running, role_user, client_for):
    client = client_for(role_user("editor"))
    first = client.get(f"/trainings/{running.pk}/check-in-code/").content.decode()
    code = CheckInCode.objects.get(event=running).code
    assert code in first and "Check-in is <strong>open</strong>" in first
    assert code in client.get(f"/trainings/{running.pk}/check-in-code/").content.decode()
    assert CheckInCode.objects.count() == 1


def test_the_check_in_screen_runs_in_constant_queries(
    running, role_user, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        registered(running, role_user("member"))
    client = client_for(role_user("tta_staff"))
    client.get(f"/trainings/{running.pk}/check-in-code/")
    # (session), user, groups, event, code, attended count, preference
    with django_assert_max_num_queries(8):
        assert client.get(f"/trainings/{running.pk}/check-in-code/").status_code == 200
