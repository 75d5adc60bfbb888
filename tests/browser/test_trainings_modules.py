"""A member completing a roll-call module on a 390 px phone: the captioned video plays its
demo clip with the captions track on, a wrong answer is marked and kept, the retry passes and
links the training record; the facilitator's view prints without the site's chrome; and no
page scrolls sideways. With SCREENSHOTS=/tmp/module-shots, full-page screenshots go there
(never into git) for a person to look at."""

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import fits, shot, sign_in_as, signed_in
from tests.trainings.module_factories import make_module
from trainings.modules.models import ModuleCompletion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEMO = Path(__file__).resolve().parents[2] / "trainings" / "demo_media"


def _demo_module():
    module = make_module(
        "Roll call 1: trafficking indicators on a traffic stop, for patrol officers on every shift",
        captions=(DEMO / "roll-call-1-indicators.vtt").read_text(),
        quiz=(
            (
                "Who should interpret for a possible survivor?",
                ["Their companion", "A qualified interpreter"],
                2,
            ),
            ("What comes first at first contact?", ["A full interview", "The person's safety"], 2),
        ),
    )
    # The real demo clip, so the browser has a video it can decode.
    with module.video.storage.open(module.video.name, "wb") as video:
        video.write((DEMO / "roll-call-1-indicators.webm").read_bytes())
    return module


def _wait_until(page, expression, timeout_s=15.0):
    """Poll ``expression`` through page.evaluate: Playwright's wait_for_function re-evaluates a
    string inside the page, which the site's CSP (no 'unsafe-eval') refuses once it has to poll."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(100)


def test_a_member_completes_a_roll_call_module_on_a_phone(phone, role_user, migration_data):
    member = role_user("member")
    module = _demo_module()
    sign_in_as(phone, member)

    phone.goto("/trainings/modules/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Roll-call training modules")
    assert fits(phone)
    phone.get_by_role("link", name=module.title).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(module.title)

    # The video loads from the members-only view, with its captions track showing.
    _wait_until(phone, "document.querySelector('video').readyState >= 1")
    assert phone.evaluate("document.querySelector('video').duration") > 5
    _wait_until(phone, "document.querySelector('video').textTracks[0].mode === 'showing'")
    _wait_until(phone, "document.querySelector('track').readyState === 2")
    assert phone.evaluate("document.querySelector('video').getBoundingClientRect().right") <= 390
    expect(phone.get_by_role("link", name="Read the transcript")).to_be_visible()
    shot(phone, "module-phone")
    assert fits(phone)

    # One wrong answer: marked, the answers kept, nothing recorded.
    phone.get_by_label("A qualified interpreter").check()
    phone.get_by_label("A full interview").check()
    phone.get_by_role("button", name="Submit my answers").click()
    expect(phone.get_by_role("alert")).to_contain_text("Not passed yet: you scored 50%")
    expect(phone.get_by_text("Wrong answer.")).to_have_count(1)
    expect(phone.get_by_label("A qualified interpreter")).to_be_checked()
    expect(phone.get_by_label("A full interview")).to_be_checked()
    assert not ModuleCompletion.objects.exists()
    shot(phone, "module-phone-failed")
    assert fits(phone)

    # The retry passes and points at the training record.
    phone.get_by_label("The person's safety").check()
    phone.get_by_role("button", name="Submit my answers").click()
    expect(phone.get_by_role("status")).to_contain_text("You passed with 100%")
    expect(phone.get_by_text("You completed this module on")).to_be_visible()
    assert ModuleCompletion.objects.filter(module=module, member=member).count() == 1
    shot(phone, "module-phone-passed")
    assert fits(phone)
    phone.get_by_role("link", name="My training record").click()
    phone.wait_for_url(lambda url: "/trainings/modules/" not in url)

    # The transcript and the facilitator's view fit too; printing hides the site's chrome.
    phone.goto(f"/trainings/modules/{module.pk}/transcript/")
    expect(phone.get_by_text("who holds the documents", exact=False)).to_be_visible()
    assert fits(phone)
    phone.goto(f"/trainings/modules/{module.pk}/facilitator/")
    expect(phone.get_by_role("heading", name="Discussion questions")).to_be_visible()
    assert fits(phone)
    shot(phone, "module-facilitator-phone")
    phone.emulate_media(media="print")
    expect(phone.locator(".site-header")).to_be_hidden()
    expect(phone.get_by_role("heading", name="Quiz")).to_be_visible()


def test_the_module_pages_at_desktop_width(page, role_user, migration_data):
    module = _demo_module()
    sign_in_as(page, role_user("member"))
    for path, name in (
        ("/trainings/modules/", "modules-desktop"),
        (f"/trainings/modules/{module.pk}/", "module-desktop"),
        (f"/trainings/modules/{module.pk}/facilitator/", "module-facilitator-desktop"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert fits(page)
        shot(page, name)
    page.goto(f"/trainings/modules/{module.pk}/facilitator/")
    page.emulate_media(media="print")
    shot(page, "module-facilitator-print")
    expect(page.locator(".site-footer")).to_be_hidden()


def test_the_quiz_works_with_javascript_off(browser, live_server, role_user, migration_data):
    member = role_user("member")
    module = _demo_module()
    context, page = signed_in(browser, live_server, member, java_script_enabled=False)
    try:
        page.goto(f"/trainings/modules/{module.pk}/")
        page.get_by_label("A qualified interpreter").check()
        page.get_by_label("The person's safety").check()
        page.get_by_role("button", name="Submit my answers").click()
        expect(page.get_by_role("status")).to_contain_text("You passed with 100%")
        assert ModuleCompletion.objects.filter(module=module, member=member).count() == 1
    finally:
        context.close()
