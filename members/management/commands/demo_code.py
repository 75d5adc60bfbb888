"""Print the current TOTP code of a demo account, so the demo stays usable while MFA is required."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.compat.allauth import format_hotp_value, hotp_value
from members.demo import DEMO_DOMAIN, current_counter
from members.models import User


class Command(BaseCommand):
    help = "Print the current authenticator code for a demo account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DEBUG on.")
        email = email.strip().lower()
        if not email.endswith(f"@{DEMO_DOMAIN}"):
            raise CommandError(f"Only demo accounts (@{DEMO_DOMAIN}) have codes printed.")
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No demo account {email}. Run `make run` (or manage.py seed_demo) first.")
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            raise CommandError(f"{email} has no authenticator app enrolled.")
        secret = decrypt(totp.data["secret"])
        self.stdout.write(format_hotp_value(hotp_value(secret, current_counter())))
