"""Demo accounts: seeded idempotently with TOTP, never without DEBUG."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from members.demo import ACCOUNTS, DEMO_PASSWORD, demo_secret, email_for
from members.models import AuditEvent, User
from tests.members.auth_helpers import totp_code

pytestmark = pytest.mark.django_db


def test_seeding_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_code", "member@demo.taskforcecommons.test", stdout=StringIO())
    assert not User.objects.filter(email__endswith="@demo.taskforcecommons.test").exists()


def test_seeding_is_idempotent_and_demo_code_signs_in(settings, client):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), Authenticator.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo", stdout=StringIO())
    # A second run changes nothing, so it has nothing to write to the audit log either.
    assert (User.objects.count(), Authenticator.objects.count(), AuditEvent.objects.count()) == counts
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    for local, *_ in ACCOUNTS:
        assert email_for(local) in printed
        assert demo_secret(email_for(local)) in printed
    assert User.objects.get(email=email_for("pending")).status == "pending"
    admin = User.objects.get(email=email_for("admin"))
    assert admin.groups.filter(name="Membership admin").exists()

    # demo_code prints the code that signs the demo member in.
    out = StringIO()
    call_command("demo_code", email_for("member"), stdout=out)
    code = out.getvalue().strip()
    assert code == totp_code(demo_secret(email_for("member")))
    client.post("/accounts/login/", {"login": email_for("member"), "password": DEMO_PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/members/").status_code == 200


def test_demo_code_only_for_demo_accounts(settings, role_user):
    settings.DEBUG = True
    member = role_user("member")
    with pytest.raises(CommandError, match="Only demo accounts"):
        call_command("demo_code", member.email, stdout=StringIO())
    with pytest.raises(CommandError, match="No demo account"):
        call_command("demo_code", "ghost@demo.taskforcecommons.test", stdout=StringIO())
