"""Research's periodic job: notice runs whose worker died (their lease expired)."""

from datetime import timedelta

from research import runner
from scheduler.registry import periodic


@periodic(name="research.reap_expired_runs", every=timedelta(minutes=1))
def reap_expired_runs():
    return runner.reap_expired_runs()
