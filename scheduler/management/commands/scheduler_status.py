"""manage.py scheduler_status: every periodic job with its period, queue and last run."""

from django.core.management.base import BaseCommand

from scheduler.querysets import latest_runs
from scheduler.registry import jobs


def _every(delta):
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"every {unit}" if count == 1 else f"every {count} {unit}s"
    return f"every {seconds} s"


class Command(BaseCommand):
    help = "List the periodic jobs with their last run and its status."

    def handle(self, **options):
        registered = jobs.all()
        last = latest_runs([job.name for job in registered])
        if not registered:
            self.stdout.write("No periodic jobs are registered.")
            return
        for job in registered:
            enabled = "" if job.is_enabled() else " (disabled by settings)"
            self.stdout.write(f"{job.name}: {_every(job.every)} on queue {job.queue}{enabled}")
            run = last.get(job.name)
            if run is None:
                self.stdout.write("  never run")
                continue
            when = run.finished_at or run.started_at or run.enqueued_at
            self.stdout.write(
                f"  last run: period from {run.period_start:%Y-%m-%d %H:%M} UTC, {run.status}"
                f" at {when:%Y-%m-%d %H:%M:%S} UTC"
            )
            if run.error:
                # The exception line closes the traceback.
                self.stdout.write(f"  error: {run.error.strip().splitlines()[-1]}")
