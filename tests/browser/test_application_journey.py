"""From application to first sign-in, and lockout then release, as people do them in the browser."""

import re

import pytest
from playwright.sync_api import expect

from members.models import AccountLock, User
from tests.browser.journeys import sign_in, totp_secret
from tests.factories import PASSWORD
from tests.members.auth_helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

APPLICANT_PASSWORD = "lantern-Harbor-marble-77"


def latest_link(outbox, pattern):
    texts = [path.read_text() for path in sorted(outbox.glob("*.log"), key=lambda p: p.stat().st_mtime)]
    for text in reversed(texts):
        found = re.search(pattern, text)
        if found:
            return found.group(0)
    raise AssertionError(f"no email matching {pattern} in {outbox}")


def test_apply_verify_approve_and_sign_in_with_totp(
    page, browser, live_server, role_user, task_force, file_outbox
):
    admin = role_user("membership_admin")

    # 1. Apply.
    page.goto("/accounts/signup/")
    page.get_by_label("Full name").fill("Jordan Alvarez")
    page.get_by_label("Email").fill("jordan.alvarez@columbus.example.gov")
    page.get_by_label("Agency or organisation").fill("Columbus Division of Police")
    page.get_by_label("Your role").select_option("law_enforcement")
    page.get_by_label("Task force", exact=False).first.select_option(str(task_force.pk))
    page.get_by_label("Work phone").fill("614-555-0142")
    page.get_by_label("Why do you need access?").fill("Detective on the task force's vice unit.")
    page.get_by_label("Password (required)", exact=True).fill(APPLICANT_PASSWORD)
    page.get_by_label("Password (again) (required)", exact=True).fill(APPLICANT_PASSWORD)
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")

    # 2. Verify the email from the file outbox.
    page.goto(latest_link(file_outbox, r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/"))
    page.get_by_role("button", name="Confirm").click()

    # 3. Pending: sign in and see only the review notice.
    sign_in(page, "jordan.alvarez@columbus.example.gov", APPLICANT_PASSWORD)
    expect(page.get_by_role("heading", name="Your application is under review")).to_be_visible()
    page.goto("/members/")
    assert page.url.endswith("/members/pending/")

    # 4. A membership admin approves in the Wagtail admin (separate browser context).
    admin_context = browser.new_context(base_url=live_server.url)
    admin_page = admin_context.new_page()
    sign_in(admin_page, admin.email, secret=totp_secret(admin))
    admin_page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)
    applicant = User.objects.get(email="jordan.alvarez@columbus.example.gov")
    admin_page.goto(f"/admin/membership/applications/{applicant.pk}/")
    expect(admin_page.get_by_text("Detective on the task force's vice unit.")).to_be_visible()
    admin_page.get_by_role("button", name="Approve", exact=True).click()
    expect(admin_page.get_by_text("they have been emailed")).to_be_visible()
    admin_context.close()
    applicant.refresh_from_db()
    assert applicant.status == "approved"
    assert "approved" in latest_link(file_outbox, r"Your application to Task Force Commons has been approved")

    # 5. The new member must enrol a second factor before anything members-only.
    page.goto("/members/")
    assert "/accounts/2fa/" in page.url
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(APPLICANT_PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Recovery codes", exact=False).first).to_be_visible()

    # 6. Sign out, sign in with password and TOTP, land on the home page as a member.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign Out").click() if page.url.endswith("/accounts/logout/") else None
    sign_in(page, "jordan.alvarez@columbus.example.gov", APPLICANT_PASSWORD, secret=secret)
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Forum")).to_be_visible()
    expect(page.get_by_role("link", name="Members")).to_be_visible()


def test_lockout_after_five_bad_passwords_then_release_by_an_admin(page, browser, live_server, role_user):
    member = role_user("member")
    admin = role_user("membership_admin")
    for _ in range(5):
        sign_in(page, member.email, "not the password at all")
        expect(
            page.get_by_text("The email address and/or password you specified are not correct.")
        ).to_be_visible()
    sign_in(page, member.email, PASSWORD)
    expect(page.get_by_text("Too many failed log-ins")).to_be_visible()
    assert AccountLock.objects.filter(email=member.email, released_at__isnull=True).exists()

    admin_context = browser.new_context(base_url=live_server.url)
    admin_page = admin_context.new_page()
    sign_in(admin_page, admin.email, secret=totp_secret(admin))
    admin_page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)
    admin_page.goto("/admin/membership/locks/")
    row = admin_page.get_by_role("row").filter(has_text=member.email)
    row.get_by_role("button", name="Release").click()
    expect(admin_page.get_by_text(member.email).first).to_be_visible()
    admin_context.close()
    assert not AccountLock.objects.filter(email=member.email, released_at__isnull=True).exists()

    sign_in(page, member.email, PASSWORD, secret=totp_secret(member))
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Members")).to_be_visible()
