"""members.client_sign_in: how tests and benches stand for a real sign-in; the gate holds without it."""

import pytest
from django.test import Client
from django.test.client import ClientMixin

from members.client_sign_in import install, sign_ins_pass_the_second_factor

pytestmark = pytest.mark.django_db


def test_a_bench_sign_in_passes_the_gate_and_a_plain_one_does_not(role_user):
    member = role_user("member")
    passed, plain = Client(), Client()
    passed.force_login(member)
    plain.force_login(member, second_factor=False)

    assert passed.get("/forum/").status_code == 200
    response = plain.get("/forum/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_installing_twice_wraps_once_and_leaving_puts_djangos_back():
    before = ClientMixin.force_login
    with sign_ins_pass_the_second_factor():
        install()
        inner = ClientMixin.force_login
        install()
        assert ClientMixin.force_login is inner
    assert ClientMixin.force_login is before
