"""manage.py restore ARCHIVE: check an archive and restore it into an empty database and file stores."""

from django.core.management.base import BaseCommand, CommandError

from config.errors import ServiceError
from operations.restore import restore, verify


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database and empty file stores. The archive is "
        "checked whole first; a damaged one, or a database or store that is not empty, is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar written by manage.py backup.")
        parser.add_argument(
            "--verify-only", action="store_true", help="Only check the archive's checksums; change nothing."
        )

    def handle(self, *args, archive, verify_only=False, **options):
        try:
            manifest = verify(archive) if verify_only else restore(archive)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        verb = "is intact" if verify_only else "was restored"
        self.stdout.write(f"The backup of {manifest['created_at']} ({manifest['engine']}) {verb}.")
        for part, summary in manifest["parts"].items():
            self.stdout.write(f"  {part}: {summary['files']} file(s), {summary['bytes']} bytes")
        if not verify_only:
            self.stdout.write("Next: manage.py migrate (it does nothing if this code matches the archive).")
