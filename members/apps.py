"""App configuration for members: connects the audit signal handlers and search provider."""

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self):
        from members import audit_signals, jobs, search_provider  # noqa: F401
