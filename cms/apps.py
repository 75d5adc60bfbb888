"""App configuration for the CMS."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        from cms import freshness, hotpath, jobs, public_cache, review, search_provider  # noqa: F401

        search_provider.register()
        review.connect()
        freshness.connect()
        hotpath.install()
