"""App configuration for research: registers its papermill engine and scheduler job, and RQ's job timeout."""

from django.apps import AppConfig
from django.conf import settings

# Time RQ allows beyond the run's own wall-clock limit, for kernel start and storing results.
RQ_TIMEOUT_MARGIN_SECONDS = 120


def ensure_rq_timeout(queues):
    """Give the notebooks queue an RQ job timeout above the run's wall-clock limit.

    RQ kills a job after its queue's timeout (180 s by default); a run must be
    stopped by our own limit first, so its kernel group is killed and the run
    recorded as timed out.
    """
    from research.conf import setting

    if queues and "notebooks" in queues:
        minimum = setting("RESEARCH_WALL_CLOCK_LIMIT") + RQ_TIMEOUT_MARGIN_SECONDS
        if (queues["notebooks"].get("DEFAULT_TIMEOUT") or 0) < minimum:
            queues["notebooks"]["DEFAULT_TIMEOUT"] = minimum


class ResearchConfig(AppConfig):
    name = "research"

    def ready(self):
        from research import brief_media, execution, jobs, performance_measures  # noqa: F401 - engine, job

        brief_media.connect()
        performance_measures.connect()  # each accepted quarter queues a new dataset version

        ensure_rq_timeout(getattr(settings, "RQ_QUEUES", None))
