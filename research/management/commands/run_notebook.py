"""``manage.py run_notebook NAME -p key value --dataset NAME[@version]``: queue a run and follow its progress.

The run is queued like one started from the research pages (a worker executes
it); this command only waits and draws a progress bar until it ends.
"""

import time

from django.core.exceptions import PermissionDenied
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
        if not notebook.runnable:
            raise CommandError(f"Notebook {notebook.slug} cannot be run: {notebook.error}")
        try:
            chosen = self._datasets(notebook, options["dataset"])
            run = services.queue_run(notebook, self._parameters(options["parameter"]), chosen, user)
        except (registry.ParameterError, datasets.UploadError, PermissionDenied) as error:
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
        self.stdout.write("")
        self.stdout.write(f"Run {run.pk}: {run.get_status_display()}. {run.error_message}".strip())
        if run.status != Run.Status.SUCCEEDED:
            raise CommandError(f"Run {run.pk} {run.get_status_display().lower()}.")

    @staticmethod
    def _parameters(pairs):
        given = {}
        for key, value in pairs:
            if key in given:
                # argparse would silently keep the last one; a typo'd repeat should be seen.
                raise registry.ParameterError(f"Parameter \u201c{key}\u201d is given twice.")
            given[key] = value
        return given

    @staticmethod
    def _datasets(notebook, references):
        """{schema: version} from NAME[@N] references; each must feed a schema the notebook needs."""
        chosen = {}
        for reference in references:
            version = datasets.resolve(reference)
            schema = version.dataset.schema_name
            if schema not in notebook.datasets:
                needs = ", ".join(notebook.datasets) or "none"
                raise datasets.UploadError(
                    f"Dataset {version.dataset.name} has schema {schema}, which notebook {notebook.slug} "
                    f"does not use (it needs: {needs})."
                )
            if schema in chosen:
                raise datasets.UploadError(f"Two datasets were given for schema {schema}; give one.")
            chosen[schema] = version
        return chosen

    def _draw(self, run):
        # Written to self.stdout (not sys.stdout) so call_command(stdout=...) captures the bar too.
        width = 30
        filled = int(width * run.cells_done / run.cells_total) if run.cells_total else 0
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(
            f"\r[{bar}] {run.cells_done}/{run.cells_total or '?'} cells  {run.get_status_display()}   ",
            ending="",
        )
        self.stdout.flush()
