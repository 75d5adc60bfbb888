"""Every page type on a 390-pixel phone, as the role that can see it: nothing is wider than the
screen (a failure names the page and the element sticking out), and the navigation above the
content takes at most two rows, with JavaScript and without.

The data is deliberately awkward: long names, unbroken addresses and hashes, wide tables.
With SCREENSHOTS=/tmp/shots/phones, full-page screenshots of each page go there (never into git).
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forum import services
from forum.conversations import services as conversations
from members.roles import MEMBER
from taxonomy.models import Term
from tests.browser.journeys import shot, sign_in, totp_secret
from tests.cms import factories as cms
from tests.factories import PASSWORD, TaskForceFactory, UserFactory, make_role
from tests.forum.factories import CategoryFactory, reply, start_topic
from tests.members.auth_helpers import totp_code
from tests.research import conftest as research_fixtures
from tests.tta.factories import CycleFactory, all_rated_terms
from tta.models import Match, NeedsAssessment, TTARequest

research_dirs = research_fixtures.research_dirs
finished_run = research_fixtures.finished_run
upload_version = research_fixtures.upload_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LONG_NAME = "Southern District of a Very Long Named Multi-Jurisdictional Anti-Trafficking Task Force"
LONG_URL = "https://example.org/a/very/long/address/that/does/not/break/anywhere/at/all/for/a/phone"

# A mobile browser zooms out to show a page wider than the screen, and window.innerWidth grows
# with it; the document's own clientWidth stays the screen's width (390).
WIDER_THAN_SCREEN = "document.documentElement.scrollWidth - document.documentElement.clientWidth"

# The element whose right edge sticks out furthest past the viewport, not counting what sits
# inside a box that scrolls or clips it (that box is then the culprit, if it sticks out itself).
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el, from) => {
    for (let p = from; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  let widest = null, right = width + 1;
  const consider = (el, box, from) => {
    // On a tie the later one wins: a descendant is more precise than its parent.
    if (box.width === 0 || box.right + window.scrollX < right || clipped(el, from)) return;
    widest = el; right = box.right + window.scrollX;
  };
  for (const el of document.body.querySelectorAll("*")) {
    consider(el, el.getBoundingClientRect(), el.parentElement);
  }
  // Unbroken text overflows its block without widening the block's own box.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    range.selectNodeContents(node);
    consider(node.parentElement, range.getBoundingClientRect(), node.parentElement);
  }
  if (!widest) return null;
  const path = [];
  for (let el = widest; el && el !== document.body && path.length < 4; el = el.parentElement) {
    path.unshift(name(el));
  }
  const text = (widest.innerText || widest.getAttribute("aria-label") || "").trim().slice(0, 60);
  return `${path.join(" > ")} ("${text}") reaches ${Math.round(right)} px`;
}"""

# Rows of visible links, buttons and menu toggles above the page's heading: one row is a band
# of controls whose vertical middles fall inside the first one's height.
NAV_ROWS = """() => {
  const heading = document.querySelector("main h1") || document.querySelector("main");
  const before = (el) => heading.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING;
  const boxes = [...document.body.querySelectorAll("a, button, summary, select, input")]
    .filter((el) => before(el) && !heading.contains(el) && el.checkVisibility())
    .map((el) => ({box: el.getBoundingClientRect(), text: (el.innerText || el.value || "").trim()}))
    .filter(({box}) => box.width > 0 && box.height > 0 && box.right > 0)
    .sort((a, b) => a.box.top - b.box.top);
  const rows = [];
  for (const {box, text} of boxes) {
    const middle = (box.top + box.bottom) / 2, row = rows[rows.length - 1];
    if (row && middle <= row.bottom) row.texts.push(text);
    else rows.push({bottom: box.bottom, texts: [text]});
  }
  return rows.map((row) => row.texts.join(" | "));
}"""


def phone_context(browser, live_server, user=None, javascript=True):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if user is not None:
        sign_in(page, user.email, secret=totp_secret(user))
        page.wait_for_url(lambda url: "/accounts/" not in url)
    return context, page


def too_wide(page, urls, prefix):
    """Open each URL; return one line per page wider than the phone, naming what sticks out."""
    failures = []
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        shot(page, prefix + "-" + (url.strip("/").replace("/", "-").replace("?", "-") or "home"))
        overflow = page.evaluate(WIDER_THAN_SCREEN)
        if overflow > 0:
            failures.append(f"{url}: {overflow} px too wide; widest: {page.evaluate(WIDEST)}")
    return failures


def nav_rows(page):
    return page.evaluate(NAV_ROWS)


def test_public_pages_fit_a_phone(browser, live_server, migration_data):
    indexes = cms.index_pages()
    resource = cms.resource(
        indexes["resources"],
        title="Supporting survivors through multi-jurisdictional prosecutions in rural counties",
        link_url=LONG_URL,
        topics=["coordination"],
    )
    brief = cms.brief(indexes["briefs"], title="Suspected incidents 2008 to 2010", topics=["coordination"])
    practice = cms.practice(indexes["practices"], topics=["coordination"])
    contact = cms.contact_page()

    context, page = phone_context(browser, live_server)
    failures = too_wide(
        page,
        [
            "/",
            "/topics/",
            "/topics/coordination/",
            indexes["resources"].url,
            resource.url,
            indexes["briefs"].url,
            brief.url,
            practice.url,
            "/report/",
            contact.url,
            "/search/?q=prosecutions",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
        ],
        "public",
    )
    context.close()
    assert not failures, "\n".join(failures)


def test_member_pages_fit_a_phone(browser, live_server, task_force, migration_data):
    today = timezone.localdate()
    CycleFactory(
        name="FY phones", opens=today - datetime.timedelta(days=3), closes=today + datetime.timedelta(days=30)
    )
    member = make_role(
        "coordinator",
        task_force=task_force,
        full_name="Dana Whitfield-Okonkwo",
        email="dana.whitfield-okonkwo@central-ohio-human-trafficking-task-force.example.org",
    )
    peer = make_role(
        "member",
        task_force=TaskForceFactory(name=LONG_NAME, state="TX", region=6),
        full_name="Bartholomew Featherstonehaugh-Llewellyn",
    )
    peer.expertise.add(Term.objects.get(slug="coordination"))
    category = CategoryFactory(
        name="Investigations and case building across jurisdictions",
        slug="investigations",
        description="Joint investigations, financial evidence, and working with federal partners.",
    )
    topic = start_topic(
        member,
        category,
        title="Financial evidence in labor trafficking cases across multiple counties",
        body=f"Has anyone used the records at {LONG_URL} for this?",
    )
    services.mark_helpful(reply(topic, peer, f"Subpoena the payroll company first: {LONG_URL}"), by=member)
    conversation = conversations.start_conversation(
        by=peer,
        recipients=[member],
        title="Shelter beds in your county and the neighbouring ones",
        body=f"See {LONG_URL}",
    )
    request = TTARequest.objects.create(
        task_force=task_force,
        requester=member,
        requester_name=member.full_name,
        topic=Term.objects.get(slug="coordination"),
        description=f"We need help with {LONG_URL}",
    )

    context, page = phone_context(browser, live_server, member)
    failures = too_wide(
        page,
        [
            "/forum/",
            "/forum/latest/",
            f"/forum/c/{category.slug}/",
            f"/forum/t/{topic.pk}/",
            "/forum/new/",
            "/forum/search/?q=payroll",
            "/forum/messages/",
            f"/forum/messages/{conversation.pk}/",
            "/forum/messages/new/",
            "/forum/notifications/",
            "/forum/preferences/",
            "/forum/peers/?tag=coordination",
            "/members/",
            f"/members/{peer.pk}/",
            f"/members/{member.pk}/",
            "/members/me/edit/",
            "/accounts/email/",
            "/accounts/password/change/",
            "/accounts/2fa/",
            "/accounts/2fa/recovery-codes/generate/",
            "/accounts/2fa/totp/deactivate/",
            "/accounts/sessions/",
            "/tta/",
            "/tta/requests/new/",
            f"/tta/requests/{request.pk}/",
            "/tta/assessment/",
        ],
        "member",
    )
    # The needs assessment stacks on a phone: each radio names its column and area.
    page.goto("/tta/assessment/")
    term = all_rated_terms()[0]
    capacity = page.get_by_role("group", name=f"Capacity in {term.name}")
    expect(capacity.locator("legend")).to_be_visible()
    expect(capacity.get_by_role("radio", name="1", exact=True)).to_be_visible()
    context.close()
    assert not failures, "\n".join(failures)


def test_signing_in_and_setting_up_a_second_factor_fit_a_phone(
    browser, live_server, task_force, migration_data
):
    enrolled = make_role("member", task_force=task_force)
    newcomer = UserFactory(task_force=task_force, groups=[MEMBER])

    context, page = phone_context(browser, live_server)
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(enrolled.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    failures = too_wide(page, [page.url.removeprefix(live_server.url)], "mfa")
    context.close()

    # A new member's first sign-in: the authenticator set-up (QR code and secret), then the codes.
    context, page = phone_context(browser, live_server)
    sign_in(page, newcomer.email)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    failures += too_wide(page, ["/accounts/2fa/totp/activate/"], "mfa")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Recovery codes", exact=False).first).to_be_visible()
    failures += too_wide(
        page, [page.url.removeprefix(live_server.url), "/accounts/2fa/recovery-codes/"], "mfa"
    )
    context.close()
    assert not failures, "\n".join(failures)


def test_tta_staff_pages_fit_a_phone(browser, live_server, task_force, migration_data):
    staff = make_role("tta_staff", task_force=task_force, full_name="Robin Okafor")
    far = TaskForceFactory(name=LONG_NAME, state="TX", region=6)
    cycle = CycleFactory(name="FY staff phones")
    request = TTARequest.objects.create(
        task_force=task_force,
        requester_name="Dana Whitfield-Okonkwo",
        topic=Term.objects.get(slug="coordination"),
        description=f"We need help with {LONG_URL}",
    )
    for n, (kind, title) in enumerate(
        [
            ("resource", "Standing up a multidisciplinary team: a guide for new coordinators"),
            ("peer_task_force", LONG_NAME),
            ("resource", LONG_URL),
        ]
    ):
        Match.objects.create(
            request=request,
            kind=kind,
            target_key=f"k:{n}",
            title=title,
            url="/resources/1/",
            peer_task_force=far if kind == "peer_task_force" else None,
            reason="Shares the topic Coordination; the task force rated it 5 of 5 capacity",
            state=Match.State.ACCEPTED if n else Match.State.PROPOSED,
        )
    assessment = NeedsAssessment.objects.create(task_force=task_force, cycle=cycle, status="submitted")
    for term in all_rated_terms():
        assessment.ratings.create(term=term, capacity=1, priority=5)

    context, page = phone_context(browser, live_server, staff)
    failures = too_wide(
        page,
        [
            "/tta/staff/",
            f"/tta/staff/requests/{request.pk}/",
            f"/tta/staff/assessments/{assessment.pk}/",
            "/tta/staff/settings/",
            "/tta/figures/",
        ],
        "staff",
    )
    # The matches table scrolls in its own labelled, focusable box and keeps its headers.
    page.goto(f"/tta/staff/requests/{request.pk}/")
    region = page.get_by_role("region", name="Matches, best first")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region.get_by_role("columnheader", name="Help")).to_be_visible()
    context.close()
    assert not failures, "\n".join(failures)


def test_research_pages_fit_a_phone(
    browser, live_server, role_user, research_dirs, finished_run, upload_version
):
    researcher = role_user("researcher")
    version = upload_version(name="national-needs-assessment-responses-2025")
    run = finished_run(
        notebook="case_characteristics_by_year_and_form_of_exploitation",
        results={
            "version": 1,
            "sensitive": True,
            "numbers": [],
            "tables": [
                {
                    "name": "by-year",
                    "caption": "Victims by year, form of exploitation, region and referral source.",
                    "columns": ["year", "sexual exploitation", "forced labour", "region", "referral source"],
                    "rows": [["2019", "812", "<5", "Region 5 (Great Lakes)", "law-enforcement-referral"]],
                    "count_columns": ["sexual exploitation", "forced labour"],
                }
            ],
            "figures": [],
        },
        data_versions={
            "ctdc": {
                "dataset": version.dataset.name,
                "version": version.number,
                "version_id": version.pk,
                "sha256": version.sha256,
                "sensitive": True,
            }
        },
    )

    context, page = phone_context(browser, live_server, researcher)
    failures = too_wide(
        page,
        [
            "/research/",
            "/research/datasets/",
            f"/research/datasets/{version.dataset.name}/",
            "/research/datasets/upload/",
            "/research/runs/",
            f"/research/runs/{run.pk}/",
        ],
        "research",
    )
    assert len(nav_rows(page)) <= 2, nav_rows(page)
    context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_the_navigation_above_the_content_takes_two_rows_on_a_phone(
    browser, live_server, task_force, migration_data, javascript
):
    moderator = make_role("moderator", task_force=task_force, full_name="Marcus Ortega")
    peer = make_role("other_task_force_member", full_name="Sam Second")
    category = CategoryFactory(name="Investigations", slug="investigations")
    reply(start_topic(moderator, category, title="Hotels"), peer, "A reply, so the header shows a count.")

    context, page = phone_context(browser, live_server, javascript=javascript)
    page.goto("/")
    assert len(nav_rows(page)) <= 2, nav_rows(page)
    context.close()

    context, page = phone_context(browser, live_server, moderator, javascript=javascript)
    failures = []
    for url in ("/", "/forum/", "/accounts/email/", "/tta/", "/forum/moderation/approvals/"):
        failures += too_wide(page, [url], "rows")
        assert len(nav_rows(page)) <= 2, (url, nav_rows(page))
    assert not failures, "\n".join(failures)
    # The unread count stays in sight with the menu closed.
    page.goto("/forum/")
    expect(page.get_by_role("link", name="1 unread forum notifications")).to_be_visible()
    expect(page.get_by_role("link", name="Report trafficking / Get help")).to_be_visible()

    # The site's menu opens, without JavaScript too, and shows every section.
    expect(page.get_by_role("link", name="Members", exact=True)).to_be_hidden()
    page.locator("summary").filter(has_text=re.compile(r"^Menu$")).click()
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Members", exact=True)).to_be_visible()
    expect(main_nav.get_by_role("button", name="Sign out")).to_be_visible()
    # The forum's own menu opens the same way, with its moderation links.
    forum_nav = page.get_by_role("navigation", name="Forum")
    expect(forum_nav.get_by_role("link", name="New topic")).to_be_hidden()
    page.locator("summary").filter(has_text="Forum menu").click()
    expect(forum_nav.get_by_role("link", name="New topic")).to_be_visible()
    expect(forum_nav.get_by_role("link", name="Approvals")).to_be_visible()
    shot(page, "menus-open")
    forum_nav.get_by_role("link", name="Latest").click()
    page.wait_for_url("**/forum/latest/")
    assert len(nav_rows(page)) <= 2, nav_rows(page)

    # On a wide screen nothing is folded away: no toggles, every menu and the count in the main one.
    page.set_viewport_size({"width": 1280, "height": 900})
    for url in ("/", "/forum/", "/accounts/email/"):
        page.goto(url)
        shot(page, "desktop" + url.rstrip("/").replace("/", "-"))
        toggles = page.locator("header summary")
        expect(toggles).to_have_count(1 if url == "/" else 2)
        for n in range(toggles.count()):
            expect(toggles.nth(n)).to_be_hidden()
        main_nav = page.get_by_role("navigation", name="Main")
        expect(main_nav.get_by_role("link", name="Members", exact=True)).to_be_visible()
        expect(main_nav.get_by_role("link", name="1 unread forum notifications")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Your account").get_by_role("link", name="Sessions")
    ).to_be_visible()
    context.close()
