"""allauth internals Commons uses: recording an authentication step in the session.

allauth 65 keeps the steps of a sign-in ("password", then "mfa") in the
session and exposes reading them (``allauth.account.authentication.
get_authentication_records``, which members.access uses for the membership
gate), but has no public function to *write* one: only its own flows do, from
``allauth.account.internal.flows.login``. Two places need to write the record
exactly as allauth would:

- members.audit_signals: a session that has just enrolled a factor has proved
  it (allauth accepts an authenticator only with a code or signature from it),
  so it is recorded as passed; without the record the gate would sign everyone
  out right after they enrol.
- members.client_sign_in: tests and benches sign in with ``force_login``,
  standing for a real sign-in with its second factor.

Writing our own session key instead would be a second record of the same fact
that allauth's re-authentication would not see. tests/test_compat.py checks
the function's signature and allauth's version.
"""

from allauth.account.internal.flows import login as _login_flows


def record_authentication(request, user, method: str, **extra_data) -> None:
    """Add one authentication step to the session's records, as allauth's own flows do."""
    _login_flows.record_authentication(request, user, method, **extra_data)


# The rest have no public equivalent in allauth 65 either; each is named where it is used.
# members.adapter: a rejected applicant's half-done log-in is dropped before the second factor.
from allauth.account.internal.stagekit import clear_login  # noqa: E402

# tests and benches: sign-ins with a second factor, and the rate limits of the code step.
from allauth.core.internal.ratelimit import parse_rates  # noqa: E402

# members.demo and its demo_code command: demo accounts enrolled in TOTP with recovery codes, and
# their current code printed (DEBUG only, never in a request).
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes  # noqa: E402

# members.mfa_flow: the TOTP secret allauth keeps in the session while a member enrols, kept
# stable across reloads of the enrolment page.
from allauth.mfa.totp.internal.auth import (  # noqa: E402
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

__all__ = [
    "SECRET_SESSION_KEY",
    "TOTP",
    "RecoveryCodes",
    "clear_login",
    "format_hotp_value",
    "generate_totp_secret",
    "hotp_value",
    "parse_rates",
    "record_authentication",
]
