"""The waitlist promotion in the browser: member A takes the only seat, member B (on a phone) joins
the waitlist; A cancels; B is promoted, sees it on the event page and on My trainings, with the join
link they were not shown before, and gets the promotion email with the .ics. No page scrolls
sideways at 390 px.

With SCREENSHOTS=/tmp/trainings-shots, full-page screenshots go there (never into git).
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.journeys import fits, shot, signed_in
from tests.trainings.factories import EventFactory
from trainings.models import Event, Registration, RegistrationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

JOIN = "https://meet.example.org/secret-room-42"


def test_the_first_on_the_waitlist_is_promoted_when_a_seat_is_given_up(
    browser, live_server, role_user, migration_data
):
    member_a = role_user("member", full_name="Alma Seated")
    member_b = role_user("member", full_name="Bruno Waiting")
    start = timezone.now() + timedelta(days=6)
    event = EventFactory(
        title="Forced labor indicators in construction", capacity=1, starts_at=start, join_url=JOIN
    )
    url = f"/trainings/{event.pk}/"

    desk_context, desk = signed_in(browser, live_server, member_a, viewport={"width": 1280, "height": 900})
    phone_context, phone = signed_in(
        browser,
        live_server,
        member_b,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        # A takes the only seat.
        desk.goto(url)
        desk.get_by_role("button", name="Register").click()
        expect(desk.get_by_text("You are registered.", exact=True)).to_be_visible()

        # B finds it full, joins the waitlist, and is not shown the join link.
        phone.goto(url)
        expect(phone.get_by_role("button", name="Join the waitlist")).to_be_visible()
        phone.get_by_role("button", name="Join the waitlist").click()
        expect(phone.get_by_role("status")).to_contain_text("you are number 1 on the waitlist")
        expect(phone.locator(".training-status")).to_have_text(
            "You are number 1 on the waitlist. We will email you if a seat opens up."
        )
        expect(phone.get_by_text("secret-room-42")).to_have_count(0)
        assert fits(phone)
        shot(phone, "waitlist-phone-before")
        mail.outbox.clear()

        # A gives up the seat.
        desk.goto(url)
        desk.get_by_role("button", name="Cancel my registration").click()
        expect(desk.get_by_role("status")).to_contain_text("Your registration is cancelled")
        expect(desk.get_by_text("secret-room-42")).to_have_count(0)
        shot(desk, "waitlist-desktop-after-cancel")

        # B is promoted: the event page says so and now shows the join link.
        phone.goto(url)
        expect(phone.get_by_text("You are registered.", exact=True)).to_be_visible()
        expect(phone.get_by_role("link", name=JOIN)).to_be_visible()
        expect(phone.locator(".training-status")).to_have_text("You are registered.")
        assert fits(phone)
        shot(phone, "waitlist-phone-promoted")

        phone.goto("/trainings/mine/")
        item = phone.get_by_role("listitem").filter(has_text=event.title)
        expect(item).to_contain_text("registered")
        expect(item).not_to_contain_text("waitlist")
        assert fits(phone)

        # The promotion email, to B only, with the calendar file.
        promoted = [m for m in mail.outbox if m.to == [member_b.email]]
        assert len(promoted) == 1
        assert "seat opened up" in promoted[0].body
        assert promoted[0].attachments[0][0] == "event.ics"
        assert not [m for m in mail.outbox if m.to == [member_a.email] and "seat opened up" in m.body]

        # The database agrees: one seat, taken by B; A cancelled.
        assert Event.objects.get(pk=event.pk).registered_count == 1
        statuses = dict(Registration.objects.filter(event=event).values_list("member_id", "status"))
        assert statuses == {
            member_a.pk: RegistrationStatus.CANCELLED,
            member_b.pk: RegistrationStatus.REGISTERED,
        }
    finally:
        desk_context.close()
        phone_context.close()
