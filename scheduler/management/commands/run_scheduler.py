"""manage.py run_scheduler: enqueue each periodic job once per period, on as many machines as you like."""

import logging
import signal
import threading
import time
from argparse import ArgumentTypeError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from scheduler import services
from scheduler.registry import jobs

logger = logging.getLogger("scheduler")

# Longest a stop request waits for the sleep between passes to notice it.
STOP_POLL_SECONDS = 0.5


def positive_seconds(value):
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"a number of seconds is needed, not {value!r}")
    if not 0 < seconds <= 3600:
        raise ArgumentTypeError(f"more than 0 and at most 3600 seconds is needed, not {value!r}")
    return seconds


def drop_stale_connections():
    """Close connections that broke or outlived CONN_MAX_AGE, as Django does between requests.

    A connection inside a transaction is left alone: that transaction is the
    caller's (a test, or code running a pass inside its own atomic block).
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class Command(BaseCommand):
    help = (
        "Look for due periodic jobs every --interval seconds and enqueue each once per period. "
        "Several schedulers may run at once; each (job, period) is claimed by one of them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=positive_seconds,
            default=None,
            help="Seconds between passes (default: SCHEDULER_INTERVAL_SECONDS, 30).",
        )
        parser.add_argument(
            "--once", action="store_true", help="Make one pass and exit (for cron and tests)."
        )

    def handle(self, *, interval=None, once=False, **options):
        self.verbosity = options.get("verbosity", 1)
        if once:
            # Errors propagate, so cron sees a failed pass in the exit status.
            self.run_pass()
            return
        if interval is None:
            try:
                interval = positive_seconds(settings.SCHEDULER_INTERVAL_SECONDS)
            except ArgumentTypeError as exc:
                raise CommandError(f"SCHEDULER_INTERVAL_SECONDS: {exc}.")
            # A pass at least twice per shortest period, so a 10 s job is not enqueued only every 30 s.
            shortest = min((job.every.total_seconds() for job in jobs.all()), default=interval)
            interval = min(interval, shortest / 2)
        self.stopping = None
        restore = self._handle_stop_signals()
        self.log(f"Scheduler started; a pass every {interval:g} s.")
        try:
            while not self.stopping:
                try:
                    self.run_pass()
                except Exception:
                    logger.exception("Scheduler pass failed; trying again in %g s.", interval)
                self._sleep(interval)
        finally:
            restore()
        self.log(f"Scheduler stopped ({self.stopping}).")

    def run_pass(self):
        drop_stale_connections()
        try:
            runs = services.run_due_jobs()
        finally:
            drop_stale_connections()
        for run in runs:
            self.log(f"Enqueued {run.job} for the period from {run.period_start:%Y-%m-%d %H:%M} UTC.")
        return runs

    def log(self, message):
        logger.info(message)
        if self.verbosity > 0:
            self.stdout.write(message)

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while not self.stopping and (remaining := deadline - time.monotonic()) > 0:
            time.sleep(min(remaining, STOP_POLL_SECONDS))

    def _handle_stop_signals(self):
        """On SIGINT or SIGTERM finish the current pass, then exit. Returns what restores the old handlers."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def stop(signum, frame):
            # Only a flag: raising here could cut a claim off between its
            # commit and its enqueue.
            self.stopping = signal.Signals(signum).name

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

        def restore():
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore
