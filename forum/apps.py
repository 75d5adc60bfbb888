"""App configuration for forum: registers the forum with site search and its jobs with the scheduler."""

from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Forum"

    def ready(self):
        from forum import jobs, search_provider  # noqa: F401
