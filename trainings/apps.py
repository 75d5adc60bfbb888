"""App configuration for trainings: registers the reminder job with the scheduler and the "event"
kind with site search."""

from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = "Trainings and events"

    def ready(self):
        from trainings import (
            jobs,  # noqa: F401
            search_provider,
        )

        search_provider.register()
