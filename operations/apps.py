"""App configuration for operations: registers the nightly backup with the scheduler."""

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from operations import jobs  # noqa: F401
