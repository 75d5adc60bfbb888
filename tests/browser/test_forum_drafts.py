"""Reply drafts in a real browser: what a member types is saved even when they start typing before the
page's script has arrived (a slow phone, a busy server), and after a pause in typing."""

import re

import pytest
from playwright.sync_api import expect

from forum.models import Draft
from tests.browser.journeys import sign_in, totp_secret
from tests.forum.factories import CategoryFactory, start_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAVED = re.compile(r"Draft saved at \d\d:\d\d\.")


@pytest.fixture
def topic(role_user):
    asker = role_user("member", full_name="Tara Guerrero")
    return start_topic(asker, CategoryFactory(name="Investigations", slug="investigations"))


def _signed_in(page, user):
    sign_in(page, user.email, secret=totp_secret(user))
    page.wait_for_url(lambda url: "/accounts/" not in url)


def test_text_typed_before_the_script_arrives_is_saved(page, role_user, topic, migration_data):
    writer = role_user("other_task_force_member", full_name="Marcus Ortega")
    _signed_in(page, writer)
    held = []
    page.route("**/static/forum/drafts.js", lambda route: held.append(route))

    # The page is shown (and typed in) while its deferred script is still on its way.
    page.goto(f"/forum/t/{topic.pk}/", wait_until="commit")
    page.get_by_label("Your post").fill("Typed while the script was still loading.")
    page.wait_for_function("() => document.querySelector('textarea[name=body]') !== null")
    assert len(held) == 1
    held[0].continue_()

    expect(page.get_by_text(SAVED)).to_be_visible(timeout=20_000)
    assert Draft.objects.get(user=writer, topic=topic).body == "Typed while the script was still loading."


def test_a_pause_in_typing_saves_the_draft(page, role_user, topic, migration_data):
    writer = role_user("other_task_force_member", full_name="Marcus Ortega")
    _signed_in(page, writer)
    page.goto(f"/forum/t/{topic.pk}/")
    page.get_by_label("Your post").press_sequentially("We book the advocate first.")

    expect(page.get_by_text(SAVED)).to_be_visible(timeout=20_000)
    assert Draft.objects.get(user=writer, topic=topic).body == "We book the advocate first."
