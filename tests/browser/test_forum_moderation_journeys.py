"""Forum moderation in the browser: a member reports a post and a moderator hides it; a new member's
first post waits in the approval queue; and two members hold a private conversation on phones."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forum.models import ConversationMessage, Post, PostReport
from tests.browser.journeys import signed_in
from tests.forum.factories import CategoryFactory, reply, start_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_member_reports_a_post_and_a_moderator_hides_it(browser, live_server, role_user, migration_data):
    author = role_user("member", full_name="Alex Author")
    reporter = role_user("other_task_force_member", full_name="Rita Reporter")
    moderator = role_user("moderator", full_name="Mo Moderator")
    category = CategoryFactory(name="Investigations", slug="investigations")
    topic = start_topic(author, category, title="Working with hotel staff")
    bad = reply(topic, author, "Here is the full name of the girl we found: (name removed in test)")

    # Each person signs in once (a second sign-in in the same 30 s would replay the TOTP code).
    reporter_context, page = signed_in(browser, live_server, reporter)
    page.goto(f"/forum/t/{topic.pk}/")
    page.locator(f"#post-{bad.number}").get_by_role("link", name="Report").click()
    page.get_by_label("It identifies a victim, witness or case").check()
    page.get_by_label("Anything the moderators should know (optional)").fill("Names a minor.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you. A moderator will look at this post.")).to_be_visible()
    assert PostReport.objects.filter(post=bad, resolved_at__isnull=True).count() == 1

    context, page = signed_in(browser, live_server, moderator)
    page.goto("/forum/moderation/reports/")
    expect(page.get_by_text("Names a minor.")).to_be_visible()
    page.get_by_role("button", name="Hide the post").click()
    expect(page.get_by_text("Post hidden.")).to_be_visible()
    context.close()
    assert Post.objects.get(pk=bad.pk).is_hidden

    page = reporter_context.pages[0]
    page.goto(f"/forum/t/{topic.pk}/")
    expect(page.locator(f"#post-{bad.number}")).to_contain_text(
        "This post is hidden while a moderator reviews it."
    )
    expect(page.get_by_text("full name of the girl")).to_have_count(0)
    reporter_context.close()


def test_a_new_members_first_post_waits_for_approval(browser, live_server, role_user, migration_data):
    newcomer = role_user("member", full_name="Nia Newcomer")
    newcomer.decided_at = timezone.now()
    newcomer.save(update_fields=["decided_at"])
    peer = role_user("other_task_force_member", full_name="Pat Peer")
    moderator = role_user("moderator", full_name="Mo Moderator")
    category = CategoryFactory(name="Investigations", slug="investigations")
    topic = start_topic(peer, category, title="Hotel outreach that worked")

    context, page = signed_in(browser, live_server, newcomer)
    page.goto(f"/forum/t/{topic.pk}/reply/")
    page.get_by_label("Your post").fill("We trained front-desk staff with the local coalition.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Waiting for a moderator's approval")).to_be_visible()
    expect(page.get_by_role("status").get_by_text("Your post waits for a moderator")).to_be_visible()
    context.close()

    peer_context, page = signed_in(browser, live_server, peer)
    page.goto(f"/forum/t/{topic.pk}/")
    expect(page.get_by_text("We trained front-desk staff")).to_have_count(0)

    context, page = signed_in(browser, live_server, moderator)
    page.goto("/forum/")
    # The number waiting sits beside the Approvals link of the forum menu.
    expect(
        page.get_by_role("navigation", name="Forum").get_by_role("link", name="Approvals 1 waiting")
    ).to_be_visible()
    page.get_by_role("link", name="Approvals 1 waiting").click()
    expect(page.get_by_text("We trained front-desk staff")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved post #2")).to_be_visible()
    context.close()

    page = peer_context.pages[0]
    page.goto(f"/forum/t/{topic.pk}/")
    expect(page.get_by_text("We trained front-desk staff")).to_be_visible()
    peer_context.close()


def test_two_members_hold_a_private_conversation_on_phones(browser, live_server, role_user, migration_data):
    first = role_user("member", full_name="Alex Author")
    second = role_user("other_task_force_member", full_name="Sam Second")
    outsider = role_user("coordinator", full_name="Olive Outsider")

    context, page = signed_in(browser, live_server, first, **PHONE)
    page.goto(f"/forum/messages/new/?to={second.pk}")
    expect(page.get_by_role("checkbox", name="Sam Second")).to_be_checked()
    page.get_by_label("Subject").fill("Shelter beds in your county")
    page.get_by_label("Your message").fill("How did you get **emergency beds** funded?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shelter beds in your county")
    expect(page.locator(".forum-body strong")).to_have_text("emergency beds")
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()

    context, page = signed_in(browser, live_server, second, **PHONE)
    page.goto("/forum/messages/")
    expect(page.get_by_text("1 conversation with unread messages")).to_be_visible()
    page.get_by_role("link", name="Shelter beds in your county").click()
    expect(page.get_by_text("How did you get")).to_be_visible()
    page.get_by_label("Your message").fill("A state VOCA grant; call me on 614-555-0111.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Check before sending: this may identify someone")).to_be_visible()
    expect(page.get_by_label("Your message")).to_have_value("A state VOCA grant; call me on 614-555-0111.")
    page.get_by_label("I have checked: this does not identify a victim, a witness or a case").check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#m-2")).to_contain_text("A state VOCA grant")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()
    assert ConversationMessage.objects.count() == 2

    context, page = signed_in(browser, live_server, outsider, **PHONE)
    response = page.goto(f"/forum/messages/{ConversationMessage.objects.first().conversation_id}/")
    assert response.status == 404
    context.close()
