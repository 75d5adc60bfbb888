"""Applying for membership: what a good application creates, and what bad input gets."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.test import override_settings

from members.models import AuditEvent, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "marble-Harbor-lantern-91"


def application(tf, **overrides):
    data = {
        "full_name": "Jordan Alvarez",
        "email": "jordan.alvarez@columbus.example.gov",
        "agency": "Columbus Division of Police",
        "claimed_role": "law_enforcement",
        "task_force": str(tf.pk),
        "other_task_force_name": "",
        "work_phone": "(614) 555-0142",
        "access_reason": "Detective assigned to the task force's vice unit.",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return data


def test_application_creates_a_pending_applicant_and_sends_verification(client, task_force):
    response = client.post("/accounts/signup/", application(task_force))
    assert response.status_code == 302
    user = User.objects.get(email="jordan.alvarez@columbus.example.gov")
    assert user.status == User.Status.PENDING
    assert user.task_force == task_force
    assert user.agency == "Columbus Division of Police"
    assert user.claimed_role == "law_enforcement"
    assert not user.groups.exists(), "a claimed role must never grant a group by itself"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="signed_up", subject=user).exists()


def test_other_task_force_needs_a_name(client, task_force):
    response = client.post("/accounts/signup/", application(task_force, task_force="other"))
    assert response.status_code == 200
    assert "Type the name of your task force." in response.content.decode()
    assert not User.objects.exists()

    response = client.post(
        "/accounts/signup/",
        application(task_force, task_force="other", other_task_force_name="Tri-County Response Team"),
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.task_force is None
    assert user.other_task_force_name == "Tri-County Response Team"


@pytest.mark.parametrize("bogus", ["999999", "abc", "1 OR 1=1", "-1"])
def test_task_force_that_does_not_exist(client, task_force, bogus):
    response = client.post("/accounts/signup/", application(task_force, task_force=bogus))
    assert response.status_code == 200
    assert "Choose your task force from the list" in response.content.decode()
    assert not User.objects.exists()


def test_inactive_task_force_is_not_offered(client, task_force):
    task_force.is_active = False
    task_force.save()
    response = client.post("/accounts/signup/", application(task_force))
    assert "Choose your task force from the list" in response.content.decode()
    assert not User.objects.exists()


def test_duplicate_email_does_not_reveal_the_account(client, task_force):
    existing = UserFactory(email="taken@agency.example.org", full_name="Original Owner")
    response = client.post("/accounts/signup/", application(task_force, email="Taken@Agency.example.org"))
    # Same outcome as a fresh application: a redirect to "check your email".
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="taken@agency.example.org").count() == 1
    existing.refresh_from_db()
    assert existing.full_name == "Original Owner"
    # The owner is told someone tried; nothing reaches the stranger.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@agency.example.org"]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", "a@b", "Enter a valid email address."),
        ("password1", "short", "at least 12 characters"),
        ("password1", "password1234", "too common"),
        ("password1", "123456789012", "entirely numeric"),
        ("work_phone", "call me maybe", "Enter a phone number"),
        ("full_name", "", "This field is required."),
        ("access_reason", "", "This field is required."),
        ("claimed_role", "sheriff-in-chief", "Select a valid choice."),
    ],
)
def test_bad_input_gets_a_clear_message_and_no_account(client, task_force, field, value, message):
    data = application(task_force, **{field: value})
    if field == "password1":
        data["password2"] = value
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "Robert'); DROP TABLE members_user;--",
    ],
)
def test_hostile_text_is_refused_or_stored_inert(client, task_force, hostile):
    response = client.post(
        "/accounts/signup/",
        application(task_force, full_name=hostile, agency=hostile, access_reason=hostile),
    )
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "onerror=alert(1)>" not in body
    if "<" in hostile:
        assert response.status_code == 200
        assert "cannot contain &lt; or &gt;" in body
        assert not User.objects.exists()
    else:
        assert response.status_code == 302
        assert User.objects.get().full_name == hostile
        assert User.objects.count() == 1  # the table is still there


def test_very_long_text_is_refused_with_a_message(client, task_force):
    response = client.post(
        "/accounts/signup/",
        application(task_force, full_name="x" * 5000, access_reason="y" * 50_000, agency="z" * 300),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in body
    assert "at most 2000 characters" in body
    assert not User.objects.exists()


@override_settings(ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS=3)
def test_expired_verification_link_says_so_and_verifies_nothing(client, task_force):
    client.post("/accounts/signup/", application(task_force))
    user = User.objects.get()
    address = EmailAddress.objects.get(user=user)
    key = EmailConfirmationHMAC(address).key
    import time as time_module
    from datetime import timedelta
    from unittest import mock

    later = time_module.time() + timedelta(days=4).total_seconds()
    # The link is a signed, timestamped token; move the clock past its expiry.
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.get(f"/accounts/confirm-email/{key}/")
        body = response.content.decode()
        assert "expired or is invalid" in body
        client.post(f"/accounts/confirm-email/{key}/")
    address.refresh_from_db()
    assert not address.verified


def test_verified_applicant_signs_in_and_sees_only_the_review_page(client, task_force):
    client.post("/accounts/signup/", application(task_force))
    link = re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[0].body).group(0)
    client.post(link)
    assert EmailAddress.objects.get().verified
    response = client.post(
        "/accounts/login/", {"login": "jordan.alvarez@columbus.example.gov", "password": STRONG}
    )
    assert response.status_code == 302
    assert response["Location"] == "/members/pending/"
    page = client.get("/members/pending/")
    assert "Your application is under review" in page.content.decode()
    for url in ["/members/", "/forum/", "/tta/", "/research/", "/admin/"]:
        blocked = client.get(url)
        assert blocked.status_code in (302, 403), url
        if blocked.status_code == 302:
            assert "/members/pending/" in blocked["Location"] or "/accounts/" in blocked["Location"], url


LONG = "x" * 10_000
# An address that passes the email validator (64-character local part, labels of
# 60) yet is longer than the column: it must be refused, never cut short.
LONG_VALID_EMAIL = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("full_name", LONG, "at most 150 characters"),
        ("full_name", "<b>Jordan</b>", "The name cannot contain &lt; or &gt;."),
        ("full_name", "Jordan\x00Alvarez", "Null characters are not allowed."),
        ("email", LONG + "@example.org", "Enter a valid email address."),
        ("email", LONG_VALID_EMAIL, "An email address can have at most 254 characters."),
        ("email", "<script>@example.org", "Enter a valid email address."),
        ("email", "jordan@example.org\r\nBcc: everyone@example.org", "Enter a valid email address."),
        ("agency", LONG, "at most 200 characters"),
        ("agency", '"><img src=x onerror=alert(1)>', "The agency cannot contain &lt; or &gt;."),
        ("claimed_role", LONG, "Select a valid choice."),
        ("task_force", LONG, "Choose your task force from the list"),
        ("other_task_force_name", LONG, "at most 200 characters"),
        ("other_task_force_name", "<b>Team</b>", "The task force name cannot contain &lt; or &gt;."),
        ("work_phone", "5" * 10_000, "at most 32 characters"),
        ("work_phone", "<script>alert(1)</script>", "Enter a phone number"),
        ("access_reason", LONG, "at most 2000 characters"),
        ("access_reason", "Detective\x00", "Null characters are not allowed."),
        ("password1", "Long-passphrase-" * 20, "at most 128 characters"),
    ],
)
def test_very_long_or_hostile_text_in_each_field_is_refused_and_leaves_nothing(
    client, task_force, field, value, message
):
    data = application(task_force, **{field: value})
    if field == "password1":
        data["password2"] = value
    if field == "other_task_force_name":
        data["task_force"] = "other"
    response = client.post("/accounts/signup/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "<script>alert" not in body and "<img src=x" not in body
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert mail.outbox == []


def test_a_refused_task_force_name_is_not_also_called_missing(client, task_force):
    response = client.post(
        "/accounts/signup/", application(task_force, task_force="other", other_task_force_name=LONG)
    )
    assert "Type the name of your task force." not in response.content.decode()


def test_hostile_reason_alone_is_kept_as_plain_text(client, task_force):
    reason = "<script>alert(1)</script> & Robert'); DROP TABLE members_user;--"
    response = client.post("/accounts/signup/", application(task_force, access_reason=reason))
    assert response.status_code == 302
    assert User.objects.get().access_reason == reason


def test_a_64_character_password_is_allowed(client, task_force):
    passphrase = "Lantern harbor marble 91 " * 2 + "quiet-orchard-1"
    assert 64 <= len(passphrase) <= 128
    response = client.post(
        "/accounts/signup/", application(task_force, password1=passphrase, password2=passphrase)
    )
    assert response.status_code == 302
    assert User.objects.get().check_password(passphrase)


def test_an_applicant_who_has_not_verified_their_email_cannot_sign_in(client, task_force):
    client.post("/accounts/signup/", application(task_force))
    client.logout()

    response = client.post(
        "/accounts/login/", {"login": "jordan.alvarez@columbus.example.gov", "password": STRONG}
    )

    # allauth sends them to "verify your email" (the link is not sent again within
    # its cool-down); they get no session.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert client.get("/members/pending/")["Location"].startswith("/accounts/login/")
