"""App configuration for monitoring: carries request ids from requests into the tasks they queue."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self):
        from monitoring import tasks

        tasks.connect()
