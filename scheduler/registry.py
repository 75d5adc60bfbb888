"""The periodic jobs apps declare in code, and the fixed periods they run in.

An app declares a job in its ``jobs.py`` (imported from its AppConfig.ready(),
so the web, worker and scheduler processes all know it)::

    @periodic(name="members.deactivate_inactive", every=timedelta(days=1))
    def deactivate_inactive():
        ...

Periods are floors of Unix time by the job's interval, so every machine
computes the same period for the same moment: a daily job's period starts at
00:00 UTC, a five-minute job's at :00, :05, :10 and so on.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ImproperlyConfigured

# JobRun.job is a CharField of this length.
MAX_JOB_NAME_LENGTH = 100
# research.reap_expired_runs notices a dead notebook worker within seconds; a job this
# frequent should pass `when=` so it writes no row while it has nothing to do.
SHORTEST_PERIOD = timedelta(seconds=10)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every: timedelta
    queue: str = "default"
    # Asked on every scheduler pass, so a job can depend on settings (for
    # example, pruning database task results only when that backend is used).
    when: Callable[[], bool] | None = None

    def is_enabled(self) -> bool:
        return self.when is None or bool(self.when())

    def period_start(self, now: datetime) -> datetime:
        """The start of the period ``now`` falls in, in UTC."""
        seconds = int(self.every.total_seconds())
        epoch = int(now.timestamp())
        return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)

    def run(self):
        return self.func()


class UnknownJob(LookupError):
    """No job of that name is registered in this process."""


class JobRegistry:
    def __init__(self):
        self._jobs: dict[str, PeriodicJob] = {}

    def register(self, name, func, *, every, queue="default", when=None) -> PeriodicJob:
        if not name or len(name) > MAX_JOB_NAME_LENGTH:
            raise ImproperlyConfigured(f"A job name needs 1 to {MAX_JOB_NAME_LENGTH} characters: {name!r}.")
        if not isinstance(every, timedelta) or every < SHORTEST_PERIOD:
            raise ImproperlyConfigured(
                f"Job {name!r} must run at most every {SHORTEST_PERIOD.total_seconds():g} s "
                f"(every={every!r})."
            )
        if every % timedelta(seconds=1):
            raise ImproperlyConfigured(f"Job {name!r} needs a period of whole seconds (every={every!r}).")
        existing = self._jobs.get(name)
        if existing is not None and _qualified_name(existing.func) != _qualified_name(func):
            # Two apps picking one name would share one run per period.
            raise ImproperlyConfigured(
                f"Job name {name!r} is already used by {_qualified_name(existing.func)}."
            )
        job = PeriodicJob(name=name, func=func, every=every, queue=queue, when=when)
        self._jobs[name] = job
        return job

    def get(self, name) -> PeriodicJob:
        try:
            return self._jobs[name]
        except KeyError:
            raise UnknownJob(f"No periodic job named {name!r} is registered.")

    def all(self) -> list[PeriodicJob]:
        return sorted(self._jobs.values(), key=lambda job: job.name)


def _qualified_name(func):
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


jobs = JobRegistry()


def register_job(name, func, *, every, queue="default", when=None) -> PeriodicJob:
    """Declare ``func`` (called with no arguments) to run once per ``every``."""
    return jobs.register(name, func, every=every, queue=queue, when=when)


def periodic(*, name, every, queue="default", when=None):
    """Decorator form of register_job; returns the function unchanged."""

    def decorate(func):
        register_job(name, func, every=every, queue=queue, when=when)
        return func

    return decorate
