"""App configuration for trainings: registers the reminder and evaluation jobs with the scheduler,
the "event" kind with site search, and each kind of training's source for the member's record."""

from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = "Trainings and events"

    def ready(self):
        from trainings import (
            jobs,  # noqa: F401
            search_provider,
        )
        from trainings.modules import record_source  # noqa: F401
        from trainings.records import event_source  # noqa: F401

        search_provider.register()
