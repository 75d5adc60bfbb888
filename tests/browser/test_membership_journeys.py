"""Journeys through the membership rules, in a real browser."""

import pytest
from playwright.sync_api import expect

from members.models import AuditEvent
from tests.browser.journeys import sign_in, totp_secret
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_pending_user_cannot_reach_members_only_pages(page, role_user):
    pending = role_user("pending")
    sign_in(page, pending.email)
    expect(page.get_by_role("heading", name="Your application is under review")).to_be_visible()
    for url in ["/members/", "/forum/", "/tta/", "/research/", "/admin/"]:
        page.goto(url)
        assert "/members/pending/" in page.url or "/accounts/login/" in page.url, url
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Members")
    # The navigation offers nothing members-only either.
    expect(page.get_by_role("link", name="Forum")).to_have_count(0)


def test_member_enrols_a_security_key_with_a_virtual_authenticator(page, role_user):
    member = role_user("member")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    sign_in(page, member.email, secret=totp_secret(member))
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)
    page.goto("/accounts/2fa/webauthn/add/")
    # allauth asks for the password again before any change to second factors.
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/**")
    page.get_by_label("Name").fill("Office security key")
    page.get_by_role("button", name="Add").click()
    # Wait for the form's own navigation to finish: a glob such as "**/accounts/2fa/**"
    # already matches the add page, and a goto during that navigation is aborted.
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.goto("/accounts/2fa/webauthn/")
    expect(page.get_by_text("Office security key")).to_be_visible()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]})
    assert len(credentials["credentials"]) == 1

    # The key is audited, and it signs the member in instead of a code.
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.MFA_ADDED, subject=member, detail__type="webauthn"
    )
    assert event.actor_id == member.pk
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)
    page.goto("/members/")
    expect(page.get_by_role("heading", level=1, name="Members")).to_be_visible()
