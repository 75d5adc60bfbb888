"""App configuration for the CMS."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        from cms import jobs  # noqa: F401
