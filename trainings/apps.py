"""App configuration for trainings: registers the reminder job with the scheduler
and the record source of attended events."""

from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = "Trainings and events"

    def ready(self):
        from trainings import jobs  # noqa: F401
        from trainings.modules import record_source  # noqa: F401
        from trainings.records import event_source  # noqa: F401
