"""App configuration for monitoring: clears the request id after each request; carries it into tasks."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self):
        from django.core.signals import request_finished

        from monitoring import context, tasks

        tasks.connect()
        request_finished.connect(context.clear, dispatch_uid="monitoring-clear-request-id")
