"""``manage.py export_training_evaluations``: store the training evaluations export as a dataset version.

The same snapshot a notebook run takes when it needs the data (``research.exports.snapshot``):
validated by the research app's own schema check, and stored only when it differs from the
last version. Run it from cron, or by hand before a researcher runs ``training_evaluations``.
"""

from django.core.management.base import BaseCommand, CommandError

from research import exports


class Command(BaseCommand):
    help = (
        "Export training attendance and evaluations (pseudonymised, small groups out) as a dataset version."
    )

    def handle(self, *args, **options):
        version = exports.snapshot("training_evaluations")
        if version.status != version.Status.VALID:
            raise CommandError(f"{version.label} did not pass validation: {' '.join(version.errors)}")
        self.stdout.write(f"{version.label}: {version.row_count} row(s), valid.")
        for warning in version.warnings:
            self.stdout.write(f"  note: {warning}")
