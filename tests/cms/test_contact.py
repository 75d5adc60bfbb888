"""The contact form: stored and emailed to staff; honeypot and rate limit against spam; bad input."""

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from tests.cms import factories

pytestmark = pytest.mark.django_db

VALID = {
    "your_name": "Dana Whitfield",
    "email_address": "dana@agency.example.org",
    "message": "Who runs TTA?",
}


@pytest.fixture
def contact(db):
    return factories.contact_page()


def test_the_form_shows_labelled_fields_and_a_hidden_honeypot(client, contact):
    html = client.get("/contact/").content.decode()
    assert '<label for="id_your_name">Your name <span class="required">(required)</span></label>' in html
    assert 'class="hp-field" aria-hidden="true"' in html
    assert 'tabindex="-1"' in html


def test_a_valid_message_is_stored_and_emailed_to_staff(client, contact):
    response = client.post("/contact/", VALID)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    submission = FormSubmission.objects.get(page=contact)
    assert submission.get_data()["message"] == "Who runs TTA?"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff@example.org"]
    assert "Who runs TTA?" in mail.outbox[0].body


def test_missing_and_malformed_fields_are_explained(client, contact):
    response = client.post("/contact/", {"your_name": "", "email_address": "not-an-email", "message": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter a valid email address." in html
    assert not FormSubmission.objects.exists()
    assert not mail.outbox


def test_a_filled_honeypot_is_thanked_and_dropped(client, contact):
    response = client.post("/contact/", {**VALID, "website": "http://spam.example"})
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert not mail.outbox


def test_too_many_messages_from_one_address_are_refused_with_a_reason(client, contact, settings):
    settings.CONTACT_FORM_RATE = (2, 3600)
    for _ in range(2):
        assert client.post("/contact/", VALID).status_code == 200
    response = client.post("/contact/", VALID)
    assert response.status_code == 429
    html = response.content.decode()
    assert "this form is paused for you for a while" in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert FormSubmission.objects.count() == 2
    # Another address is not affected.
    assert client.post("/contact/", VALID, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_hostile_text_is_escaped_on_the_page(client, contact):
    response = client.post("/contact/", {**VALID, "email_address": "<script>alert(1)</script>"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html


def test_huge_message_is_refused_with_the_limit(client, contact):
    response = client.post("/contact/", {**VALID, "message": "a" * 100_000})
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters" in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert client.post("/contact/", {**VALID, "message": "a" * 5000}).status_code == 200
    assert FormSubmission.objects.count() == 1
