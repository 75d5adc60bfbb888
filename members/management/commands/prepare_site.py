"""Get the development site ready for ``make run``, doing only what has changed.

A second ``make run`` should serve within seconds. Running ``migrate`` and
``seed_demo`` every time cost 20 s on a quiet machine and minutes on a busy one,
although neither had anything to do. This command starts Django once and:

1. applies migrations only when some are unapplied;
2. seeds the demo content only when the demo code or the migrations changed
   since the last seeding of this database (a fingerprint kept in ``var/``), or
   the demo accounts are missing;
3. points the default Wagtail Site at ``SITE_URL`` (``make run PORT=8101``
   sets it), so the admin's emails and the API link to the port being served;
4. prints the demo log-ins, as every ``make run`` does.

Like ``seed_demo``, it refuses to run with ``DEBUG`` off.
"""

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

# The code whose change means the demo content must be loaded again.
DEMO_SOURCES = ("*/demo.py", "*/demo_*.py", "*/management/commands/seed_demo.py", "notebooks/*.ipynb")


class Command(BaseCommand):
    help = "Migrate and seed the development site only if something changed, then print the demo log-ins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("prepare_site only runs with DEBUG on: it loads demo accounts.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", interactive=False, verbosity=1, stdout=self.stdout)
        else:
            self.stdout.write("Migrations: nothing to apply.")

        stamp = self.stamp_path()
        fingerprint = self.fingerprint()
        if self.demo_present() and stamp.exists() and stamp.read_text() == fingerprint:
            self.stdout.write("Demo content: unchanged since it was last loaded.")
            from members.demo import print_accounts

            print_accounts(self.stdout)
        else:
            call_command("seed_demo", stdout=self.stdout)
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(fingerprint)
        self.point_site_at_site_url()

    @staticmethod
    def stamp_path() -> Path:
        # One stamp per database, so pointing DATABASE_URL elsewhere seeds that one.
        db = settings.DATABASES["default"]
        identity = f"{db['ENGINE']}|{db.get('HOST', '')}|{db.get('PORT', '')}|{db['NAME']}"
        return Path(settings.VAR_DIR) / f"demo-seeded-{hashlib.sha256(identity.encode()).hexdigest()[:16]}"

    @staticmethod
    def fingerprint() -> str:
        digest = hashlib.sha256()
        base = Path(settings.BASE_DIR)
        for pattern in DEMO_SOURCES:
            for path in sorted(base.glob(pattern)):
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
        applied = MigrationRecorder(connection).applied_migrations()
        digest.update(repr(sorted(applied)).encode())
        return digest.hexdigest()

    @staticmethod
    def demo_present() -> bool:
        from members.demo import ACCOUNTS, PENDING, email_for
        from members.models import User

        emails = [email_for(account[0]) for account in (*ACCOUNTS, PENDING)]
        return User.objects.filter(email__in=emails).count() == len(emails)

    def point_site_at_site_url(self):
        from wagtail.models import Site

        url = urlsplit(settings.SITE_URL)
        port = url.port or (443 if url.scheme == "https" else 80)
        updated = Site.objects.filter(is_default_site=True).exclude(hostname=url.hostname, port=port)
        if updated.update(hostname=url.hostname, port=port):
            self.stdout.write(f"Default site now answers as {settings.SITE_URL}.")
