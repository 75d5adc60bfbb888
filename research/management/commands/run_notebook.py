"""``manage.py run_notebook NAME -p key value --dataset NAME[@version]``: queue a run and follow its progress.

The run is queued like one started from the research pages (a worker executes
it); this command only waits and draws a progress bar until it ends.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from members.models import User
from research import datasets, registry, services
from research.models import Run


class Command(BaseCommand):
    help = "Queue a notebook run and show its progress until it finishes."

    def add_arguments(self, parser):
        parser.add_argument("notebook", help="Notebook name: the file name in notebooks/ without .ipynb.")
        parser.add_argument(
            "-p", "--parameter", nargs=2, action="append", default=[], metavar=("KEY", "VALUE")
        )
        parser.add_argument("--dataset", action="append", default=[], metavar="NAME[@VERSION]")
        parser.add_argument("--as", dest="email", required=True, help="Email of the researcher running it.")
        parser.add_argument("--no-wait", action="store_true", help="Queue and return at once.")

    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No account with the email {options['email']}.")
        try:
            notebook = registry.get(options["notebook"])
        except registry.NotebookNotFound:
            names = ", ".join(n.slug for n in registry.discover()) or "none"
            raise CommandError(f"No notebook {options['notebook']!r}. There are: {names}.")
        try:
            chosen = {}
            for reference in options["dataset"]:
                version = datasets.resolve(reference)
                chosen[version.dataset.schema_name] = version
            run = services.queue_run(notebook, dict(options["parameter"]), chosen, user)
        except (registry.ParameterError, datasets.UploadError) as error:
            raise CommandError(str(error))
        if run.cache_of_id:
            self.stdout.write(f"Run {run.pk}: reused the results of run {run.cache_of_id} (same provenance).")
            return
        self.stdout.write(f"Run {run.pk} queued.")
        if options["no_wait"]:
            return
        while True:
            run.refresh_from_db()
            self._draw(run)
            if run.is_finished:
                break
            time.sleep(0.5)
        sys.stdout.write("\n")
        self.stdout.write(f"Run {run.pk}: {run.get_status_display()}. {run.error_message}".strip())
        if run.status != Run.Status.SUCCEEDED:
            raise CommandError(f"Run {run.pk} {run.get_status_display().lower()}.")

    def _draw(self, run):
        width = 30
        filled = int(width * run.cells_done / run.cells_total) if run.cells_total else 0
        bar = "#" * filled + "-" * (width - filled)
        sys.stdout.write(
            f"\r[{bar}] {run.cells_done}/{run.cells_total or '?'} cells  {run.get_status_display()}   "
        )
        sys.stdout.flush()
