"""App configuration for the scheduler: its own jobs, and the checks that guard production settings."""

from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "scheduler"
    verbose_name = "Scheduler"

    def ready(self):
        # config.checks guards what several machines must share (the task
        # queue, the cache); it is registered here, by the app that depends on
        # a real queue most, rather than by making config an app of its own.
        from config import checks as config_checks  # noqa: F401
        from scheduler import checks, jobs  # noqa: F401
