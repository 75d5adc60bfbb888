"""App configuration for tta: registers its daily job with the scheduler."""

from django.apps import AppConfig


class TtaConfig(AppConfig):
    name = "tta"

    def ready(self):
        from tta import jobs  # noqa: F401
