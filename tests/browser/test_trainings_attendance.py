"""Attendance and certificates in the browser: staff show the check-in code and mark the roster;
an attendee checks in on a phone with the code, and once the event has ended downloads the
certificate, finds it in their training record and anyone can verify it. No page scrolls
sideways at 390 px."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.journeys import fits, screenshots_folder, shot, signed_in
from tests.trainings.factories import public_event, registered
from trainings.models import Event, Registration
from trainings.records.models import Certificate, CheckInCode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_mark_attendance_and_the_attendee_downloads_the_certificate(
    browser, live_server, role_user, migration_data
):
    now = timezone.now()
    event = public_event(
        title="Trauma-informed interviewing for first responders",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=80),
    )
    attendee = role_user("member", full_name="Dana Whitfield")
    latecomer = role_user("member", full_name="Sam Ortiz")
    absent = role_user("member", full_name="Robin Lee")
    for member in (attendee, latecomer, absent):
        registered(event, member)
    staff = role_user("tta_staff")

    # Staff open the check-in screen from the event page and show the code in the room.
    staff_context, desk = signed_in(browser, live_server, staff, viewport={"width": 1280, "height": 900})
    desk.goto(f"/trainings/{event.pk}/")
    desk.get_by_role("link", name="Check-in code").click()
    code = CheckInCode.objects.get(event=event).code
    expect(desk.locator(".checkin-code")).to_have_text(code)
    shot(desk, "checkin-screen-desktop")

    # The attendee checks in on a phone; a typo first, then the code as read out.
    phone_context, phone = signed_in(
        browser, live_server, attendee, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone.goto(f"/trainings/{event.pk}/")
    wrong = "AAAAAA" if code != "AAAAAA" else "BBBBBB"
    phone.get_by_label("Check-in code shown at the event").fill(wrong)
    phone.get_by_role("button", name="Check in").click()
    expect(phone.get_by_text("not this event's check-in code")).to_be_visible()
    shot(phone, "event-checkin-phone")
    assert fits(phone)
    phone.get_by_label("Check-in code shown at the event").fill(f"{code[:3].lower()} {code[3:].lower()}")
    phone.get_by_role("button", name="Check in").click()
    expect(phone.get_by_role("status")).to_contain_text("You are checked in")
    expect(phone.get_by_text("You attended this event.")).to_be_visible()
    assert Registration.objects.get(event=event, member=attendee).attended is True

    # Staff refresh the count, then tick the latecomer on the roster (the attendee is already ticked).
    desk.get_by_role("link", name="Refresh").click()
    expect(desk.get_by_text("1 of 3 registered attendees marked as attended.")).to_be_visible()
    desk.get_by_role("link", name="Roster").first.click()
    expect(desk.get_by_label("Dana Whitfield attended")).to_be_checked()
    desk.get_by_label("Sam Ortiz attended").check()
    desk.get_by_role("button", name="Save attendance").click()
    expect(desk.get_by_role("status")).to_contain_text("Attendance saved: 2 attended.")
    marked = dict(Registration.objects.filter(event=event).values_list("member__full_name", "attended"))
    assert marked == {"Dana Whitfield": True, "Sam Ortiz": True, "Robin Lee": False}

    # The event ends (moved into the past here rather than waited for).
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1, minutes=30)
    )

    # The attendee downloads the certificate from the event page.
    phone.goto(f"/trainings/{event.pk}/")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download your certificate (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    certificate = Certificate.objects.get(member=attendee)
    assert certificate.code in download.value.suggested_filename
    assert (certificate.title, str(certificate.hours)) == (event.title, "1.50")

    # The training record lists it with its code; the CSV is one click away.
    phone.goto("/trainings/mine/")
    phone.get_by_role("link", name="My training record").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("My training record")
    expect(phone.get_by_text("Total: 1.5 hours")).to_be_visible()
    expect(phone.get_by_text(f"Code {certificate.display_code}")).to_be_visible()
    shot(phone, "record-phone")
    assert fits(phone)
    with phone.expect_download() as csv_download:
        phone.get_by_role("link", name="Download the record as CSV").click()
    assert event.title in Path(csv_download.value.path()).read_text()

    # Someone who did not attend gets no certificate.
    absent_context, absent_page = signed_in(browser, live_server, absent)
    response = absent_page.goto(f"/trainings/record/certificates/event:{event.pk}.pdf")
    assert response.status == 404
    expect(absent_page.get_by_role("heading", level=1)).to_have_text("No certificate")
    assert not Certificate.objects.filter(member=absent).exists()

    # Anyone can verify the printed code, typed as printed, and sees nothing but the facts.
    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    public = visitor.new_page()
    public.goto("/trainings/verify/")
    public.get_by_label("Verification code").fill(certificate.display_code)
    public.get_by_role("button", name="Check the code").click()
    expect(public.get_by_role("heading", name="Genuine certificate")).to_be_visible()
    expect(public.get_by_text("Dana Whitfield")).to_be_visible()
    assert attendee.email not in public.content()
    shot(public, "verify-phone")
    assert fits(public)
    public.get_by_label("Verification code").fill("ABCD-EFGH-JKMN")
    public.get_by_role("button", name="Check the code").click()
    expect(public.get_by_role("heading", name="Not found")).to_be_visible()

    if screenshots_folder():
        desk.goto("/trainings/record/")  # staff have no record: the empty page
        shot(desk, "record-empty-desktop")
        public.set_viewport_size({"width": 1280, "height": 900})
        public.goto(f"/trainings/verify/{certificate.code}/")
        shot(public, "verify-desktop")
        phone.goto("/trainings/record/")
        phone.set_viewport_size({"width": 1280, "height": 900})
        shot(phone, "record-desktop")
        desk.set_viewport_size({"width": 390, "height": 844})
        desk.goto(f"/trainings/{event.pk}/check-in-code/")
        shot(desk, "checkin-screen-phone")
        assert fits(desk)
    for context in (staff_context, phone_context, absent_context, visitor):
        context.close()
