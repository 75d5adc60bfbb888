"""Helpers for signing in through the real allauth flow, second factor included."""

from config.compat.allauth import format_hotp_value, hotp_value
from members.demo import current_counter
from tests.factories import PASSWORD


def totp_code(secret, offset=0):
    return format_hotp_value(hotp_value(secret, current_counter() + offset))


def sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def sign_in_with_totp(client, email, secret, password=PASSWORD):
    first = sign_in(client, email, password)
    assert first.status_code == 302 and first["Location"].startswith("/accounts/2fa/authenticate/"), first
    return client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
