"""Research's periodic job: notice runs whose worker died (gone from this host, or its lease expired)."""

from datetime import timedelta

from research import runner
from scheduler.registry import periodic


def runs_are_active():
    # Asked on every scheduler pass: with nothing running there is nothing to reap, and no
    # row is written for the job every ten seconds.
    from research.models import Run

    return Run.objects.filter(status=Run.Status.RUNNING).exists()


@periodic(name="research.reap_expired_runs", every=timedelta(seconds=10), when=runs_are_active)
def reap_expired_runs():
    return runner.reap_expired_runs()
