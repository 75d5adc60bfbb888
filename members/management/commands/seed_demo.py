"""Load demo content and demo accounts, idempotently. Refuses to run when DEBUG is off.

Each project app that has a ``demo`` module with ``seed(stdout)`` contributes;
members goes first because every other app's demo content needs people.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

APP_ORDER = ["members", "taxonomy", "cms", "forum", "tta", "trainings", "measures", "research"]


class Command(BaseCommand):
    help = "Load demo content and demo accounts (DEBUG only), then print the demo log-ins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: demo accounts must never reach production."
            )
        for label in APP_ORDER:
            if not apps.is_installed(label) or find_spec(f"{label}.demo") is None:
                continue
            with transaction.atomic():
                import_module(f"{label}.demo").seed(self.stdout)
        from members.demo import print_accounts

        print_accounts(self.stdout)
