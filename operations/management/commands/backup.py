"""manage.py backup: write one archive of the database and the file stores (operations.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.errors import ServiceError
from operations.backup import take_backup


class Command(BaseCommand):
    help = "Write one backup archive (database, media, protected and research files) into BACKUP_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="Where to write the archive (default: BACKUP_DIR).")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Then keep only the newest BACKUP_KEEP archives (or --keep), as the nightly job does.",
        )
        parser.add_argument("--keep", type=int, help="How many archives --prune keeps.")

    def handle(self, *args, dir=None, prune=False, keep=None, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1.")
        if keep is not None:
            prune = True
        try:
            result = take_backup(dir, keep=(keep or settings.BACKUP_KEEP) if prune else None)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(result.path))
        if options["verbosity"] >= 1:
            self.stdout.write(f"{result.bytes} bytes, SHA-256 {result.sha256}")
            for part, summary in result.parts.items():
                self.stdout.write(f"  {part}: {summary['files']} file(s), {summary['bytes']} bytes")
            for name in result.pruned:
                self.stdout.write(f"Deleted by retention: {name}")
