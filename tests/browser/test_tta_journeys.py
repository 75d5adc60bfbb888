"""TTA in the browser: a coordinator's assessment saved partway then submitted, and a request from
filing through staff matching and triage to delivered, with the requester seeing the help found;
staff told of a new request (email, a count on the queue link, the queue's order, the CSV); and
every TTA page at 390 px no wider than the phone."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from taxonomy.models import Term
from tests.browser.journeys import sign_in, totp_secret
from tests.factories import TaskForceFactory, make_role
from tests.tta.factories import CycleFactory, all_rated_terms, index_entry
from tta.models import Match, NeedsAssessment, TTARequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def cycle(migration_data):
    today = timezone.localdate()
    return CycleFactory(
        name="FY journey",
        opens=today - datetime.timedelta(days=30),
        closes=today + datetime.timedelta(days=300),
    )


def signed_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, user.email, secret=totp_secret(user))
    page.wait_for_url(lambda url: "/accounts/" not in url)
    return context, page


def rate_row(page, term, capacity, priority):
    page.get_by_role("group", name=f"Capacity in {term.name}").get_by_label(str(capacity), exact=True).check()
    page.get_by_role("group", name=f"Priority of {term.name}").get_by_label(str(priority), exact=True).check()


def test_coordinator_saves_the_assessment_partway_comes_back_and_submits_it(
    browser, live_server, role_user, cycle
):
    coordinator = role_user("coordinator")
    terms = all_rated_terms()
    first, rest = terms[0], terms[1:]
    context, page = signed_in(browser, live_server, coordinator)

    # Start, rate one area, tick a delivery preference, and save to finish later.
    page.goto("/tta/")
    page.get_by_role("link", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Needs assessment: FY journey")
    rate_row(page, first, 2, 5)
    page.get_by_label("Virtual").check()
    page.get_by_label("Context").fill("Two new detectives; no victim advocate on the team yet.")
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Saved. You can come back and finish it later.")).to_be_visible()
    draft = NeedsAssessment.objects.get(task_force=coordinator.task_force, cycle=cycle)
    assert draft.status == NeedsAssessment.Status.DRAFT

    # Submitting now is refused, naming what is missing, and nothing already saved is lost.
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_text("Rate capacity and priority for every area first")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == NeedsAssessment.Status.DRAFT

    # Come back later from the TTA page: what was saved is still there.
    page.goto("/tta/")
    expect(page.get_by_text("Draft")).to_be_visible()
    page.get_by_role("link", name="Continue or amend the assessment").click()
    capacity = page.get_by_role("group", name=f"Capacity in {first.name}")
    expect(capacity.get_by_label("2", exact=True)).to_be_checked()
    expect(page.get_by_label("Virtual")).to_be_checked()
    expect(page.get_by_label("Context")).to_have_value(
        "Two new detectives; no victim advocate on the team yet."
    )

    # Finish every area and submit.
    for term in rest:
        rate_row(page, term, 4, 2)
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_text("Your assessment is submitted. Thank you.")).to_be_visible()
    assert page.url.endswith(f"/tta/assessments/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.status == NeedsAssessment.Status.SUBMITTED
    assert draft.submitted_by == coordinator
    assert draft.ratings.count() == len(terms)
    assert draft.ratings.get(term=first).capacity == 2

    # Once submitted, the form no longer offers a second submission.
    page.goto("/tta/assessment/")
    expect(page.get_by_role("button", name="Save and submit")).to_have_count(0)
    context.close()


def test_member_files_a_request_staff_match_and_deliver_it_and_the_requester_sees_the_help(
    browser, live_server, role_user, task_force, cycle, file_outbox
):
    member = role_user("member")
    staff = role_user("tta_staff", full_name="Robin Okafor")
    coordination = Term.objects.get(slug="coordination")
    index_entry("resource", 41, "Standing up a multidisciplinary team", ["coordination"])
    index_entry("practice", 42, "Case review checklist", ["coordination"], scope="members")
    index_entry("resource", 43, "Financial records primer", ["financial-investigation"])
    expert = make_role(
        "member",
        task_force=TaskForceFactory(name="Maricopa County Task Force", state="AZ", region=9),
        full_name="Dana Whitfield",
    )
    expert.expertise.add(coordination)
    peer = make_role(
        "member",
        task_force=TaskForceFactory(name="Harris County Task Force", state="TX", region=6),
        full_name="Sam Rivera",
    )
    make_role(
        "member",
        task_force=TaskForceFactory(name="Dade County Task Force", state="FL", region=4),
        full_name="Alex Rivera",
    )

    # (b) A member files a request for their task force.
    member_context, member_page = signed_in(browser, live_server, member)
    member_page.goto("/tta/")
    member_page.get_by_role("link", name="Ask for training or technical assistance").click()
    member_page.get_by_label("Topic").select_option(label="Practice area: Coordination")
    member_page.get_by_label("Description").fill("We need help setting up a multidisciplinary case review.")
    member_page.get_by_label("Preferred format").select_option(label="Virtual")
    member_page.get_by_role("button", name="File the request").click()
    expect(member_page.get_by_text("Your request is filed.")).to_be_visible()
    tta_request = TTARequest.objects.get(task_force=task_force)
    assert member_page.url.endswith(f"/tta/requests/{tta_request.pk}/")
    expect(member_page.get_by_text("TTA staff have not added any yet.")).to_be_visible()

    # (c) TTA staff find it on the dashboard, assign it, match it, and move it to delivered.
    staff_context, staff_page = signed_in(browser, live_server, staff)
    staff_page.goto("/tta/staff/")
    staff_page.get_by_role("link", name=f"#{tta_request.pk}", exact=True).click()
    expect(staff_page.get_by_role("heading", level=1)).to_contain_text("Coordination")
    staff_page.get_by_label("Assignee").select_option(label="Robin Okafor")
    staff_page.get_by_role("button", name="Save assignment").click()
    expect(staff_page.locator(".tta-status").first).to_have_text("Assigned")

    staff_page.get_by_role("button", name="Find matches").click()
    matches = staff_page.get_by_role("table")
    expect(matches.get_by_role("link", name="Standing up a multidisciplinary team")).to_be_visible()
    expect(matches.get_by_role("link", name="Case review checklist")).to_be_visible()
    expect(matches.get_by_role("link", name="Dana Whitfield (Maricopa County Task Force)")).to_be_visible()
    # Only help on the request's topic is proposed.
    expect(matches.get_by_text("Financial records primer")).to_have_count(0)

    staff_page.get_by_role("button", name="Accept Standing up a multidisciplinary team").click()
    expect(staff_page.get_by_text("Saved.")).to_be_visible()
    staff_page.get_by_role("button", name="Accept Dana Whitfield (Maricopa County Task Force)").click()
    staff_page.get_by_role("button", name="Reject Case review checklist").click()
    staff_page.get_by_role("textbox", name="Internal note").fill(
        "Ask Dana whether she can join a call in March."
    )
    staff_page.get_by_role("button", name="Add note").click()

    # Staff add a member the matcher did not find, by name: a name nobody has keeps what they typed;
    # a name two people share offers both to choose from, without JavaScript.
    add = staff_page.locator("form:has(h3:has-text('Add a match'))")
    add.get_by_label("Kind").select_option(label="Peer member")
    add.get_by_label("Peer member's name").fill("Sam Riviera")
    add.get_by_label("Why it helps").fill("Ran Harris County's case reviews")
    add.get_by_role("button", name="Add match").click()
    expect(
        staff_page.get_by_text("No approved member outside the task force asking for help")
    ).to_be_visible()
    expect(add.get_by_label("Why it helps")).to_have_value("Ran Harris County's case reviews")
    expect(add.get_by_label("Kind")).to_have_value("peer_member")
    add.get_by_label("Peer member's name").fill("rivera")
    add.get_by_role("button", name="Add match").click()
    expect(staff_page.get_by_text("2 members match")).to_be_visible()
    choice = add.get_by_role("group", name="Which member do you mean?")
    expect(choice.get_by_role("radio")).to_have_count(2)
    choice.get_by_label("Sam Rivera (Harris County Task Force)").check()
    add.get_by_role("button", name="Add match").click()
    expect(staff_page.get_by_text("Saved.")).to_be_visible()
    expect(matches.get_by_role("link", name="Sam Rivera (Harris County Task Force)")).to_be_visible()

    # The status drop-down offers only the allowed steps, with the usual next one already chosen.
    status = staff_page.get_by_label("New status")
    expect(status.locator("option")).to_have_text(["Matched", "Scheduled", "Declined"])
    for step in ("Matched", "Scheduled", "Delivered"):
        expect(status).to_have_value(step.lower())
        staff_page.get_by_role("button", name="Change status").click()
        expect(staff_page.locator(".tta-status").first).to_have_text(step)
    tta_request.refresh_from_db()
    assert tta_request.status == "delivered"
    assert tta_request.assignee == staff
    accepted = set(tta_request.matches.filter(state=Match.State.ACCEPTED).values_list("title", flat=True))
    assert accepted == {
        "Standing up a multidisciplinary team",
        "Dana Whitfield (Maricopa County Task Force)",
        "Sam Rivera (Harris County Task Force)",
    }
    staff_context.close()

    # (d) The requester sees the accepted help with links, the timeline, and no internal note.
    member_page.reload()
    expect(member_page.locator(".tta-status")).to_have_text("Delivered")
    help_found = member_page.locator("h2:has-text('Help found for you') + ul")
    resource = help_found.get_by_role("link", name="Standing up a multidisciplinary team")
    expect(resource).to_have_attribute("href", "/resources/41/")
    person = help_found.get_by_role("link", name="Dana Whitfield (Maricopa County Task Force)")
    expect(person).to_have_attribute("href", f"/members/{expert.pk}/")
    added = help_found.get_by_role("link", name="Sam Rivera (Harris County Task Force)")
    expect(added).to_have_attribute("href", f"/members/{peer.pk}/")
    expect(help_found.get_by_text("Case review checklist")).to_have_count(0)
    expect(member_page.get_by_text("Ask Dana whether")).to_have_count(0)
    expect(member_page.locator(".tta-timeline")).to_contain_text("Delivered")
    member_page.get_by_role("link", name="Dana Whitfield (Maricopa County Task Force)").click()
    expect(member_page.get_by_role("heading", level=1)).to_contain_text("Dana Whitfield")
    member_context.close()

    # The requester was emailed at each status change.
    sent = "\n".join(path.read_text() for path in file_outbox.glob("*.log"))
    for status in ("Assigned", "Matched", "Scheduled", "Delivered"):
        assert status.lower() in sent.lower()
    assert member.email in sent


def test_staff_match_a_need_then_the_host_coordinator_declines_the_exchange_with_a_reason(
    browser, live_server, role_user, task_force, other_task_force, cycle, file_outbox
):
    staff = role_user("tta_staff", full_name="Robin Okafor")
    seeking = role_user("coordinator", full_name="Sasha Reyes")
    host = make_role(
        "coordinator", task_force=other_task_force, full_name="Hana Host", email="hana@example.org"
    )
    assessment = NeedsAssessment.objects.create(task_force=task_force, cycle=cycle, status="submitted")
    for created in (
        assessment,
        NeedsAssessment.objects.create(task_force=other_task_force, cycle=cycle, status="submitted"),
    ):
        weak = created is assessment
        created.ratings.create(
            term=Term.objects.get(slug="coordination"), capacity=1 if weak else 5, priority=5 if weak else 1
        )

    # Staff find help for the need, accept the strong peer task force and propose an exchange.
    staff_context, staff_page = signed_in(browser, live_server, staff)
    staff_page.goto("/tta/staff/")
    staff_page.get_by_role("link", name=f"Matches for {task_force.name}").click()
    staff_page.get_by_role("button", name="Find matches for Coordination").click()
    staff_page.get_by_role("button", name=f"Accept {other_task_force.name}").click()
    staff_page.get_by_role("button", name=f"Propose peer exchange with {other_task_force.name}").click()
    expect(staff_page.get_by_text("Peer exchange proposed: waiting for both coordinators.")).to_be_visible()
    staff_context.close()

    # The host's coordinator declines it; a reason is required and nothing typed is lost.
    host_context, host_page = signed_in(browser, live_server, host)
    host_page.goto("/tta/")
    host_page.get_by_role("link", name=f"Decline the exchange with {task_force.name}").click()
    host_page.get_by_role("button", name="Decline the exchange").click()
    expect(host_page.get_by_text("Give the other task force a reason for declining.")).to_be_visible()
    host_page.get_by_label("Why are you declining?").fill("We are mid-reorganisation; ask us again in April.")
    host_page.get_by_role("button", name="Decline the exchange").click()
    expect(host_page.get_by_text("You declined the peer exchange.")).to_be_visible()
    host_context.close()

    # The seeking coordinator reads who declined and why; staff and the seeking side were emailed.
    seeking_context, seeking_page = signed_in(browser, live_server, seeking)
    seeking_page.goto("/tta/")
    exchanges = seeking_page.locator(".tta-exchanges")
    expect(exchanges).to_contain_text("Declined by Hana Host")
    expect(exchanges).to_contain_text("We are mid-reorganisation; ask us again in April.")
    expect(exchanges.get_by_role("button", name="Accept for my task force")).to_have_count(0)
    seeking_context.close()
    sent = "\n".join(path.read_text() for path in file_outbox.glob("*.log"))
    assert seeking.email in sent and staff.email in sent and "ask us again in April" in sent


def test_staff_are_told_of_a_new_request_find_it_first_in_the_queue_and_download_the_list(
    browser, live_server, role_user, task_force, cycle, file_outbox, settings
):
    settings.SITE_URL = live_server.url
    staff = role_user("tta_staff", full_name="Robin Okafor")
    member = role_user("member")
    older = TTARequest.objects.create(
        task_force=task_force,
        topic=Term.objects.get(slug="training"),
        description="An older, normal request.",
        created_at=timezone.now() - datetime.timedelta(days=20),
        status_changed_at=timezone.now() - datetime.timedelta(days=20),
    )
    staff_context, staff_page = signed_in(browser, live_server, staff)
    staff_page.goto("/tta/staff/")  # staff have seen the queue before the request comes in

    # A member files an urgent request.
    member_context, member_page = signed_in(browser, live_server, member)
    member_page.goto("/tta/requests/new/")
    member_page.get_by_label("Topic").select_option(label="Practice area: Coordination")
    member_page.get_by_label("Description").fill("A victim needs a trauma-informed interview next week.")
    member_page.get_by_label("Urgency").select_option(label="High: within two weeks")
    member_page.get_by_role("button", name="File the request").click()
    expect(member_page.get_by_text("Your request is filed.")).to_be_visible()
    member_context.close()
    urgent = TTARequest.objects.exclude(pk=older.pk).get()

    # Staff are emailed, with a link to the request on the site's address.
    sent = "\n".join(path.read_text() for path in file_outbox.glob("*.log"))
    assert f"New TTA request #{urgent.pk}: Coordination" in sent
    assert f"{live_server.url}/tta/staff/requests/{urgent.pk}/" in sent and staff.email in sent

    # In the site, the staff dashboard link carries the count of new requests.
    staff_page.goto("/tta/")
    dashboard = staff_page.get_by_role("link", name="Staff dashboard 1 new request")
    expect(dashboard).to_be_visible()
    dashboard.click()
    rows = staff_page.get_by_role("region", name="Requests, open and most urgent first").locator("tbody tr")
    expect(rows.first).to_contain_text(f"#{urgent.pk}")
    expect(rows.first).to_contain_text("New")
    expect(rows.first).to_contain_text("High")
    expect(rows.nth(1)).to_contain_text(f"#{older.pk}")
    staff_page.goto("/tta/")
    expect(staff_page.get_by_role("link", name="Staff dashboard", exact=True)).to_be_visible()

    # The request list downloads as CSV, in the queue's order.
    staff_page.goto("/tta/staff/")
    with staff_page.expect_download() as download:
        staff_page.get_by_role("link", name="Download all requests as CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Request,Filed,Task force,Requester,Topic")
    assert lines[1].startswith(f"{urgent.pk},") and lines[2].startswith(f"{older.pk},")
    staff_context.close()


def phone_page(browser, live_server, user):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, user.email, secret=totp_secret(user))
    page.wait_for_url(lambda url: "/accounts/" not in url)
    return context, page


def document_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_every_tta_page_fits_a_390_px_phone_and_the_rating_grid_keeps_its_labels(
    browser, live_server, role_user, task_force, other_task_force, cycle
):
    staff = role_user("tta_staff", full_name="Robin Okafor")
    coordinator = role_user("coordinator")
    long_name = "Southern District of a Very Long Named Multi-Jurisdictional Anti-Trafficking Task Force"
    far = TaskForceFactory(name=long_name, state="TX", region=6)
    tta_request = TTARequest.objects.create(
        task_force=task_force,
        requester=coordinator,
        requester_name=coordinator.full_name,
        topic=Term.objects.get(slug="coordination"),
        description="We need help with https://example.org/a/very/long/address/that/does/not/break/anywhere",
    )
    for n, (kind, title) in enumerate(
        [
            ("resource", "Standing up a multidisciplinary team: a guide for new coordinators"),
            ("peer_task_force", long_name),
            ("resource", "https://example.org/resources/an-unbroken-address-of-a-resource-page-for-tta"),
        ]
    ):
        Match.objects.create(
            request=tta_request,
            kind=kind,
            target_key=f"k:{n}",
            title=title,
            url="/resources/1/",
            peer_task_force=far if kind == "peer_task_force" else None,
            reason="Shares the topic Coordination; the task force rated it 5 of 5 capacity",
            # Proposed ones carry Accept and Reject buttons, whose hidden text names the match.
            state=Match.State.ACCEPTED if n else Match.State.PROPOSED,
        )
    assessment = NeedsAssessment.objects.create(task_force=task_force, cycle=cycle, status="submitted")
    for term in all_rated_terms():
        assessment.ratings.create(term=term, capacity=1, priority=5)

    context, page = phone_page(browser, live_server, staff)
    for url in (
        "/tta/",
        "/tta/staff/",
        f"/tta/staff/requests/{tta_request.pk}/",
        f"/tta/staff/assessments/{assessment.pk}/",
        "/tta/staff/settings/",
        f"/tta/requests/{tta_request.pk}/",
        f"/tta/assessments/{assessment.pk}/",
        "/tta/figures/",
    ):
        page.goto(url)
        assert document_width(page) <= 390, url
    # A wide table scrolls in its own box, which a keyboard can reach and a screen reader names.
    page.goto(f"/tta/staff/requests/{tta_request.pk}/")
    region = page.get_by_role("region", name="Matches, best first")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region.get_by_role("columnheader", name="Help")).to_be_visible()
    context.close()

    context, page = phone_page(browser, live_server, coordinator)
    for url in ("/tta/", "/tta/assessment/", "/tta/requests/new/", f"/tta/requests/{tta_request.pk}/"):
        page.goto(url)
        assert document_width(page) <= 390, url
    # On a phone the grid stacks: every area's two groups of radios show their own labels.
    page.goto("/tta/assessment/")
    term = all_rated_terms()[0]
    capacity = page.get_by_role("group", name=f"Capacity in {term.name}")
    expect(capacity.locator("legend")).to_be_visible()
    expect(capacity.locator("legend")).to_contain_text("Capacity")
    box = capacity.locator("legend").bounding_box()
    assert box["width"] > 40 and box["height"] > 10
    priority = page.get_by_role("group", name=f"Priority of {term.name}")
    expect(priority.locator("legend")).to_be_visible()
    expect(priority.get_by_label("5", exact=True)).to_be_visible()
    context.close()
