"""Signing Django's test ``Client`` in as a real sign-in would: with the second factor passed.

The membership gate lets a session through only if it passed the second factor
(members.access.passed_second_factor). Tests and benchmarks sign people in with
``Client.force_login``, standing for a real sign-in, so while ``sign_ins_pass_the_second_factor``
is in force that call also writes the record allauth writes when a code is accepted.
``force_login(user, second_factor=False)`` keeps Django's plain behaviour: the session an
attacker gets from a log-in that skips the code (tests/members/test_one_sign_in.py).

Used by tests/conftest.py (the whole test session) and bench/__main__.py (every bench run).
Never used by the site itself.
"""

from contextlib import contextmanager


def _passing_the_second_factor(original):
    def force_login(self, user, backend=None, *, second_factor=True):
        original(self, user, backend)
        if not second_factor:
            return
        from allauth.mfa.models import Authenticator
        from django.http import HttpRequest

        from config.compat.allauth import record_authentication

        authenticator = (
            Authenticator.objects.filter(
                user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            )
            .order_by("pk")
            .first()
        )
        if authenticator is None:
            return  # nothing to pass: the gate sends them to set one up
        request = HttpRequest()
        request.session = self.session
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
        request.session.save()

    force_login.passes_second_factor = True
    return force_login


def install() -> None:
    """From now on, ``Client.force_login`` records the second factor (idempotent)."""
    from django.test.client import ClientMixin

    if not getattr(ClientMixin.force_login, "passes_second_factor", False):
        ClientMixin.force_login = _passing_the_second_factor(ClientMixin.force_login)


@contextmanager
def sign_ins_pass_the_second_factor():
    """``install()`` for the duration of the block, then Django's own ``force_login`` again."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login
    install()
    try:
        yield
    finally:
        ClientMixin.force_login = original
