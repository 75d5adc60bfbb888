"""Asking for a password reset tells nothing about which addresses have an account.

The per-address limit must answer a known address and an unknown one the same way, request
after request, or counting requests until the 429 would reveal who is a member.
"""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"


def _answers(email, ip):
    client = Client(REMOTE_ADDR=ip)
    answers = []
    for _ in range(7):
        response = client.post(RESET, {"email": email}, follow=True)
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        body = body.replace(email, "ADDRESS")
        answers.append((response.redirect_chain and response.redirect_chain[0], response.status_code, body))
    return answers


@pytest.mark.parametrize("spelling", [str, str.upper])
def test_a_known_and_an_unknown_address_get_the_same_answers(role_user, spelling):
    member = role_user("member")
    known = _answers(spelling(member.email), "203.0.113.1")
    unknown = _answers(spelling("nobody.here@agency.example.org"), "203.0.113.2")
    assert [a[:2] for a in known] == [a[:2] for a in unknown]
    assert [a[2] for a in known] == [a[2] for a in unknown], "the same page, word for word"
    # The limit is there, for both alike.
    assert known[0][1] == 200 and known[-1][1] == 429
