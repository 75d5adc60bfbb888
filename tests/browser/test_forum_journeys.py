"""The forum in a real browser: ask, answer, accept (desktop); the privacy guard on a phone; and a daily
digest, written to the file outbox, that carries only what its recipient may still read."""

import re
from email import message_from_bytes

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from forum.access import PROSECUTORS
from forum.models import Draft, PrivacyConfirmation, Topic
from forum.notifications import services as notifications
from scheduler.registry import jobs
from tests.browser.journeys import sign_in_as, signed_in
from tests.forum.factories import CategoryFactory, a_tag, prosecutors_category, reply, start_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_member_asks_a_peer_answers_and_the_asker_accepts(
    page, browser, live_server, role_user, migration_data
):
    asker = role_user("member", full_name="Tara Guerrero")
    answerer = role_user("other_task_force_member", full_name="Marcus Ortega")
    category = CategoryFactory(name="Investigations", slug="investigations")
    tag = a_tag()

    sign_in_as(page, asker)
    page.goto("/forum/")
    page.get_by_role("link", name="New topic").click()
    page.get_by_label("Category").select_option(label=category.name)
    page.get_by_label("Question").check()
    page.get_by_label("Title").fill("How do you schedule joint interviews with advocates?")
    # The tag picker (forum/pickers.js): type part of the name, choose with the keyboard.
    page.get_by_role("combobox", name="Tags").fill(tag.name)
    page.get_by_role("combobox", name="Tags").press("ArrowDown")
    page.get_by_role("combobox", name="Tags").press("Enter")
    expect(page.get_by_role("list", name="Chosen tags")).to_contain_text(tag.name)
    page.get_by_label("Your post").fill("We are starting **joint interviews**. What worked for you?")
    page.get_by_role("button", name="Post topic").click()
    expect(page.get_by_text("Your topic is posted.")).to_be_visible()
    topic = Topic.objects.get(title="How do you schedule joint interviews with advocates?")

    answer_context, peer_page = signed_in(browser, live_server, answerer)
    peer_page.goto("/forum/unanswered/")
    peer_page.get_by_role("link", name=topic.title).click()
    peer_page.get_by_label("Your post").fill("We book the advocate first, then the detective.")
    # drafts.js (an external file, under the strict CSP) saves the reply within a few seconds.
    expect(peer_page.get_by_text(re.compile(r"Draft saved at \d\d:\d\d\."))).to_be_visible(timeout=30_000)
    assert Draft.objects.get(user=answerer, topic=topic).body.startswith("We book the advocate first")
    peer_page.get_by_role("button", name="Post reply").click()
    expect(peer_page.locator("#post-2")).to_contain_text("We book the advocate first")
    assert not Draft.objects.filter(user=answerer).exists()
    answer_context.close()

    page.goto(f"/forum/t/{topic.pk}/")
    page.locator("#post-2").get_by_role("button", name="Accept as the answer").click()
    expect(page.get_by_text("Answer accepted.")).to_be_visible()
    accepted = page.get_by_role("region", name="Accepted answer")
    expect(accepted).to_contain_text("We book the advocate first")
    expect(accepted).to_contain_text("From Marcus Ortega")
    topic.refresh_from_db()
    assert topic.accepted_post.author == answerer
    page.goto("/forum/unanswered/")
    expect(page.get_by_role("link", name=topic.title)).to_have_count(0)


def test_the_privacy_guard_prompts_on_a_phone_number_and_the_member_confirms(
    phone, role_user, migration_data
):
    member = role_user("member", full_name="Dana Whitfield")
    category = CategoryFactory(name="Victim services", slug="victim-services")
    sign_in_as(phone, member)
    phone.goto(f"/forum/new/?category={category.slug}")
    phone.get_by_label("Discussion").check()
    phone.get_by_label("Title").fill("Shelter intake after hours")
    text = "Our after-hours intake line is 614-555-0199; who else runs one?"
    phone.get_by_label("Your post").fill(text)
    phone.get_by_role("button", name="Post topic").click()

    alert = phone.get_by_role("alert").filter(has_text="this may identify someone")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("614-555-0199")
    # Nothing the member wrote is lost, and nothing was posted yet.
    expect(phone.get_by_label("Your post")).to_have_value(text)
    assert not Topic.objects.exists()
    # The form fits the phone's width: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_label("I have checked: this does not identify a victim, a witness or a case").check()
    phone.get_by_role("button", name="Post topic").click()
    expect(phone.get_by_text("Your topic is posted.")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Shelter intake after hours")
    confirmation = PrivacyConfirmation.objects.get()
    assert confirmation.user == member and "phone number" in " ".join(confirmation.kinds)


def _emails(outbox):
    return [message_from_bytes(path.read_bytes()) for path in sorted(outbox.glob("*.log"))]


def _text_of(message):
    parts = message.walk() if message.is_multipart() else [message]
    return "\n".join(
        part.get_payload(decode=True).decode()
        for part in parts
        if part.get_content_type() in ("text/plain", "text/html")
    )


def test_a_digest_carries_only_what_the_recipient_may_still_read(
    page, role_user, file_outbox, migration_data
):
    recipient = role_user("member", full_name="Alicia Chen")
    recipient.groups.add(Group.objects.get(name=PROSECUTORS))
    colleague = role_user("member", full_name="Ruth Baker")
    colleague.groups.add(Group.objects.get(name=PROSECUTORS))
    peer = role_user("other_task_force_member", full_name="Marcus Ortega")
    open_category = CategoryFactory(name="Investigations", slug="investigations")
    prosecutors = prosecutors_category()
    secret = start_topic(recipient, prosecutors, title="Charging decisions in county X")
    shared = start_topic(recipient, open_category, title="MOU templates for new partners")
    reply(secret, colleague, "Plea terms we offered in the Smith matter.")
    reply(shared, peer, "Our MOU template is on the resources page.")
    # Tasks run at once in tests; the fan-out has made both notifications.
    assert notifications.Notification.objects.filter(user=recipient).count() == 2

    # She leaves the prosecutors' unit before the daily digest runs.
    recipient.groups.remove(Group.objects.get(name=PROSECUTORS))
    jobs.get("forum.daily_digest").run()
    jobs.get("forum.daily_digest").run()

    [email] = _emails(file_outbox)
    assert email["To"] == recipient.email
    content = _text_of(email)
    assert "MOU templates for new partners" in content and "Our MOU template" in content
    assert "Charging decisions" not in content and "Plea terms" not in content
    assert "/forum/email/unsubscribe/" in content

    # The digest's link opens the post for her in the browser.
    link = re.search(r"https?://\S+?(/forum/t/\d+/p/\d+/)", content).group(1)
    sign_in_as(page, recipient)
    page.goto(link)
    expect(page.locator("#post-2")).to_contain_text("Our MOU template is on the resources page.")
    page.goto(f"/forum/t/{secret.pk}/")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Charging decisions")
