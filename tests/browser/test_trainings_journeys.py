"""Trainings in the browser, on a 390 px phone: a member finds an event by filtering, registers
with an answer to its question, sees the confirmation and the join link, gets the email with the
.ics, downloads the .ics, and no page scrolls sideways."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from taxonomy.models import Facet, Term
from tests.browser.journeys import fits, sign_in, totp_secret
from tests.trainings.factories import EventFactory
from trainings.models import Registration, RegistrationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_member_finds_an_event_registers_and_adds_it_to_a_calendar_on_a_phone(
    phone, role_user, migration_data
):
    member = role_user("member")
    topic = Term.objects.filter(facet=Facet.PRACTICE_AREA).first()
    start = timezone.now() + timedelta(days=4)
    wanted = EventFactory(
        title="Labor trafficking indicators for patrol officers in rural counties",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    wanted.topics.add(topic)
    EventFactory(title="Unrelated budget webinar", starts_at=start, ends_at=start + timedelta(hours=1))

    sign_in(phone, member.email, secret=totp_secret(member))
    phone.wait_for_url(lambda url: "/accounts/" not in url)
    phone.goto("/trainings/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Upcoming trainings and events")
    assert fits(phone)

    # Filter by topic: only the wanted event stays.
    phone.get_by_label("Topic").select_option(topic.slug)
    phone.get_by_role("button", name="Filter").click()
    expect(phone.get_by_text("Unrelated budget webinar")).to_have_count(0)
    phone.get_by_role("link", name=wanted.title).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(wanted.title)
    expect(phone.get_by_text("secret-room-42")).to_have_count(0)
    assert fits(phone)

    # Register with an answer to the event's own question.
    phone.get_by_label("Accessibility needs").fill("Live captions")
    phone.get_by_role("button", name="Register").click()
    expect(phone.get_by_role("status")).to_contain_text("You are registered")
    expect(phone.get_by_text("You are registered.", exact=True)).to_be_visible()
    expect(phone.get_by_role("link", name="https://meet.example.org/secret-room-42")).to_be_visible()
    assert fits(phone)
    row = Registration.objects.get(event=wanted, member=member)
    assert row.status == RegistrationStatus.REGISTERED and row.answers == {
        "Accessibility needs": "Live captions"
    }

    # The confirmation email carries the .ics.
    (message,) = [m for m in mail.outbox if m.to == [member.email]]
    assert message.attachments[0][0] == "event.ics"

    # Download the event into a calendar.
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Add to calendar (.ics)").click()
    content = Path(download.value.path()).read_text()
    assert "BEGIN:VEVENT" in content and "secret-room-42" in content

    # My trainings lists it, and the month view fits the phone too.
    phone.goto("/trainings/mine/")
    expect(phone.get_by_role("link", name=wanted.title)).to_be_visible()
    assert fits(phone)
    local = timezone.localtime(start)
    phone.goto(f"/trainings/month/{local.year}/{local.month}/")
    expect(phone.get_by_role("link", name=wanted.title)).to_be_visible()
    assert fits(phone)
