"""App configuration for research: registers its scheduler job, and RQ's job timeout for notebooks."""

from django.apps import AppConfig
from django.conf import settings


class ResearchConfig(AppConfig):
    name = "research"

    def ready(self):
        from research import execution, jobs  # noqa: F401 - registers the papermill engine and the job
        from research.conf import setting

        # RQ kills a job after its queue's timeout (180 s by default); a run
        # must be stopped by our own wall-clock limit first, with its kernel.
        queues = getattr(settings, "RQ_QUEUES", None)
        if queues and "notebooks" in queues:
            queues["notebooks"].setdefault("DEFAULT_TIMEOUT", setting("RESEARCH_WALL_CLOCK_LIMIT") + 120)
