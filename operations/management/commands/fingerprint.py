"""manage.py fingerprint: row counts and sample hashes of the data, as JSON, to compare around a restore."""

import json

from django.core.management.base import BaseCommand

from operations.fingerprint import fingerprint


class Command(BaseCommand):
    help = "Print row counts and hashes of a sample of rows and files (operations.fingerprint) as JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sample", type=int, default=100, help="Rows and files sampled per table or store."
        )

    def handle(self, *args, sample=100, **options):
        self.stdout.write(json.dumps(fingerprint(max(0, sample)), indent=1, sort_keys=True))
