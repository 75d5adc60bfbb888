"""The forum as Discourse users expect it, in a real browser: the unread count in the main header
drops as a topic is read; an accepted answer's author hears of it; a member writes to another by
name, with JavaScript and without; a new member learns their post waits for a moderator, who sees
the number waiting; tags are picked with the keyboard; and the forum home fits a phone.

With SCREENSHOTS=/tmp/forum-ux-shots, screenshots of the pages changed go there (never into git).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forum import services
from forum.models import POSTS_PER_PAGE, Conversation, Notification, Topic
from tests.browser import journeys
from tests.browser.journeys import fits, shot
from tests.forum.factories import CategoryFactory, a_tag, reply, start_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# The exact time on hover: "Dec 7, 2026, 3:04 p.m.".
EXACT_TIME = re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [ap]\.m\.$")


def signed_in(browser, live_server, user, **options):
    return journeys.signed_in(browser, live_server, user, **(options or DESKTOP))


def header_count(page):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name="unread forum notifications")


def test_reading_a_topic_clears_its_count_in_the_header(browser, live_server, role_user, migration_data):
    asker = role_user("member", full_name="Tara Guerrero")
    peer = role_user("other_task_force_member", full_name="Marcus Ortega")
    category = CategoryFactory(name="Investigations", slug="investigations")
    topic = start_topic(asker, category, title="Joint interviews with advocates")
    for n in range(POSTS_PER_PAGE + 2):
        reply(topic, peer, f"Update number {n} from Columbus.")
    unread = POSTS_PER_PAGE + 2

    context, page = signed_in(browser, live_server, asker)
    page.goto("/members/")
    # Every page's main header carries the count, not only the forum's menu.
    expect(header_count(page)).to_have_text(f"{unread} unread forum notifications")
    page.goto(f"/forum/t/{topic.pk}/")
    # Page one shows posts 1 to 20: the 19 replies among them are read; 3 are left, on page two.
    expect(header_count(page)).to_have_text("3 unread forum notifications")
    shot(page, "topic-1280")
    page.get_by_role("navigation", name="Topic pages").get_by_role("link", name="2", exact=True).click()
    expect(header_count(page)).to_have_count(0)
    page.goto("/forum/latest/")
    expect(header_count(page)).to_have_count(0)
    assert not Notification.objects.filter(user=asker, read_at__isnull=True).exists()
    context.close()


def test_the_author_of_an_accepted_answer_is_notified(browser, live_server, role_user, migration_data):
    asker = role_user("member", full_name="Tara Guerrero")
    answerer = role_user("other_task_force_member", full_name="Marcus Ortega")
    category = CategoryFactory(name="Investigations", slug="investigations")
    topic = start_topic(asker, category, title="Who books the interpreter?")
    answer = reply(topic, answerer, "The advocate books the interpreter.")

    context, page = signed_in(browser, live_server, asker)
    page.goto(f"/forum/t/{topic.pk}/")
    page.locator("#post-2").get_by_role("button", name="Accept as the answer").click()
    expect(page.get_by_text("Answer accepted.")).to_be_visible()
    context.close()

    context, page = signed_in(browser, live_server, answerer)
    page.goto("/")
    header_count(page).click()
    item = page.locator(".forum-notifications li").filter(has_text="accepted your answer")
    expect(item).to_contain_text("Tara Guerrero accepted your answer")
    expect(item).to_contain_text("Who books the interpreter?")
    expect(item.locator("time")).to_have_attribute("title", EXACT_TIME)
    shot(page, "notifications-1280")
    item.get_by_role("link", name="Who books the interpreter?").click()
    expect(page.locator("#post-2")).to_contain_text("The advocate books the interpreter.")
    page.goto("/forum/notifications/")
    expect(header_count(page)).to_have_count(0)
    assert Notification.objects.get(user=answerer, post=answer).read_at is not None
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_member_writes_to_another_by_name(browser, live_server, role_user, migration_data, javascript):
    sender = role_user("member", full_name="Alex Author")
    recipient = role_user("other_task_force_member", full_name="Sam Second")
    role_user("pending", full_name="Sam Pending")

    context, page = signed_in(browser, live_server, sender, java_script_enabled=javascript, **DESKTOP)
    page.goto("/members/")
    page.get_by_role("link", name="Sam Second").click()
    # The profile's Message button fills the recipient in.
    page.get_by_role("link", name="Message", exact=True).click()
    expect(page.get_by_role("checkbox", name="Sam Second")).to_be_checked()
    page.get_by_role("checkbox", name="Sam Second").uncheck()

    page.get_by_label("Subject").fill("Shelter beds in your county")
    page.get_by_label("Your message").fill("How did you get emergency beds funded?")
    finder = page.get_by_label("Find a member by name")
    if javascript:
        finder.press_sequentially("sam", delay=50)
        suggestions = page.get_by_role("listbox")
        expect(suggestions.get_by_role("option")).to_have_count(1)
        expect(suggestions).to_contain_text("Sam Second")
        expect(suggestions).not_to_contain_text("Sam Pending")
        shot(page, "new-message-suggestions-1280")
        finder.press("ArrowDown")
        expect(finder).to_have_attribute(
            "aria-activedescendant", suggestions.get_by_role("option").get_attribute("id")
        )
        finder.press("Enter")
        chosen = page.get_by_role("list", name="People this message goes to")
        expect(chosen.get_by_role("checkbox", name="Sam Second", exact=False)).to_be_checked()
    else:
        finder.fill("sam")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_text("1 member found for “sam”")).to_be_visible()
        expect(page.get_by_text("Sam Pending")).to_have_count(0)
        # What was written survives the search step.
        expect(page.get_by_label("Subject")).to_have_value("Shelter beds in your county")
        shot(page, "new-message-search-step-1280")
        page.get_by_role("checkbox", name="Sam Second").check()
    assert recipient.email not in page.content()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shelter beds in your county")
    conversation = Conversation.objects.get()
    assert set(conversation.participants.values_list("user_id", flat=True)) == {sender.pk, recipient.pk}
    context.close()


def test_a_new_members_first_post_waits_and_the_moderator_sees_the_count(
    browser, live_server, role_user, migration_data
):
    newcomer = role_user("member", full_name="Nia Newcomer")
    newcomer.decided_at = timezone.now()
    newcomer.save(update_fields=["decided_at"])
    moderator = role_user("moderator", full_name="Mo Moderator")
    category = CategoryFactory(name="Investigations", slug="investigations")
    tag = a_tag()

    context, page = signed_in(browser, live_server, newcomer)
    page.goto(f"/forum/new/?category={category.slug}")
    page.get_by_label("Title").fill("Who do you call first after a tip?")
    page.get_by_role("combobox", name="Tags").fill(tag.name)
    page.get_by_role("combobox", name="Tags").press("ArrowDown")
    page.get_by_role("combobox", name="Tags").press("Enter")
    page.get_by_label("Your post").fill("We are a new task force and want the first hours right.")
    page.get_by_role("button", name="Post topic").click()
    status = page.get_by_role("status").filter(has_text="waits for a moderator")
    expect(status).to_be_visible()
    expect(page.get_by_text("Your topic is posted.")).to_have_count(0)
    assert Topic.objects.get().awaiting_approval
    context.close()

    context, page = signed_in(browser, live_server, moderator)
    page.goto("/forum/")
    approvals = page.get_by_role("navigation", name="Forum").get_by_role("link", name="Approvals 1 waiting")
    expect(approvals).to_be_visible()
    approvals.click()
    expect(page.get_by_text("We are a new task force")).to_be_visible()
    context.close()


def test_tags_are_picked_with_the_keyboard(browser, live_server, role_user, migration_data):
    member = role_user("member", full_name="Dana Whitfield")
    category = CategoryFactory(name="Investigations", slug="investigations")
    context, page = signed_in(browser, live_server, member)
    page.goto(f"/forum/new/?category={category.slug}")
    picker = page.get_by_role("combobox", name="Tags")
    expect(picker).to_have_attribute("role", "combobox")
    picker.focus()
    picker.press_sequentially("labor", delay=30)
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_be_visible()
    for text in options.all_inner_texts():
        assert "labor" in text.lower()
    # Not offered: CMS block and resource types.
    picker.fill("")
    picker.press_sequentially("tip", delay=30)
    expect(page.get_by_role("listbox").get_by_text("Smart tip")).to_have_count(0)
    picker.fill("")
    picker.press_sequentially("labor", delay=30)
    expect(options.first).to_be_visible()
    first = options.first.inner_text()
    picker.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    picker.press("Enter")
    chosen = page.get_by_role("list", name="Chosen tags")
    expect(chosen).to_contain_text(first)
    expect(page.get_by_role("status").filter(has_text=f"{first} added.")).to_have_count(1)
    shot(page, "new-topic-tags-1280")
    # A chosen tag is removed with its own button.
    chosen.get_by_role("button", name=f"Remove {first}").click()
    expect(chosen.get_by_role("listitem")).to_have_count(0)
    context.close()


def test_the_forum_home_shows_latest_topics_and_fits_a_phone(browser, live_server, role_user, migration_data):
    member = role_user("member", full_name="Dana Whitfield")
    peer = role_user("other_task_force_member", full_name="Marcus Ortega")
    category = CategoryFactory(
        name="Investigations and case building across jurisdictions",
        slug="investigations",
        description="Joint investigations, financial evidence, and working with federal partners.",
    )
    topic = start_topic(member, category, title="Financial evidence in labor trafficking cases")
    reply(topic, peer, "Subpoena the payroll company first.")
    services.mark_helpful(topic.posts.get(number=2), by=member)

    context, page = signed_in(browser, live_server, member)
    page.goto("/forum/")
    latest = page.get_by_role("region", name="Latest topics")
    expect(latest.get_by_role("link", name=topic.title)).to_be_visible()
    expect(latest.locator("time")).to_contain_text("just now")
    # Beside the categories on a wide screen.
    categories_box = page.get_by_role("region", name="Categories").bounding_box()
    latest_box = latest.bounding_box()
    assert latest_box["x"] > categories_box["x"] + categories_box["width"] - 1
    shot(page, "forum-home-1280")
    page.goto("/forum/latest/")
    shot(page, "latest-1280")
    page.goto("/forum/search/?q=payroll")
    shot(page, "search-1280")

    # The same member on a phone-sized window (a second sign-in would reuse the one-time code).
    page.set_viewport_size(PHONE["viewport"])
    for url, name in (
        ("/forum/", "forum-home-390"),
        ("/forum/latest/", "latest-390"),
        (f"/forum/t/{topic.pk}/", "topic-390"),
        ("/forum/new/", "new-topic-390"),
        (f"/forum/messages/new/?to={peer.pk}", "new-message-390"),
        ("/forum/notifications/", "notifications-390"),
        ("/forum/search/?q=payroll", "search-390"),
        (f"/members/{peer.pk}/", "profile-390"),
    ):
        page.goto(url)
        shot(page, name)
        assert fits(page), (url, page.evaluate("document.documentElement.scrollWidth"))
    # Stacked on a phone: the latest topics come under the categories.
    page.goto("/forum/")
    categories_box = page.get_by_role("region", name="Categories").bounding_box()
    assert page.get_by_role("region", name="Latest topics").bounding_box()["y"] > categories_box["y"]
    context.close()


def test_list_columns_line_up_and_the_reply_box_is_full_width(
    browser, live_server, role_user, migration_data
):
    member = role_user("member", full_name="Dana Whitfield")
    peer = role_user("other_task_force_member", full_name="Bartholomew Featherstonehaugh-Llewellyn")
    category = CategoryFactory(name="Investigations", slug="investigations")
    short = start_topic(member, category, title="Hotels")
    start_topic(peer, category, title="A much longer question about multi-jurisdiction financial subpoenas")
    reply(short, peer, "Short reply.")

    context, page = signed_in(browser, live_server, member)
    page.goto("/forum/latest/")
    rows = page.locator(".forum-topic-row")
    expect(rows).to_have_count(2)
    for label in ("Replies", "Helpful", "Last post"):
        lefts = {round(rows.nth(i).get_by_text(label, exact=True).bounding_box()["x"]) for i in range(2)}
        assert len(lefts) == 1, (label, lefts)
    # Each author has initials in a circle, hidden from screen readers (the name is beside it).
    expect(rows.first.locator(".forum-avatar").first).to_have_attribute("aria-hidden", "true")
    page.goto(f"/forum/t/{short.pk}/")
    box = page.get_by_label("Your post").bounding_box()
    column = page.locator("main").bounding_box()
    assert box["width"] > column["width"] * 0.9
    context.close()
