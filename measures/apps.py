"""App configuration for measures: registers its scheduler jobs when the app is ready."""

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "Performance measures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from measures import jobs  # noqa: F401
