"""App configuration for members: connects the audit signal handlers and search provider, and
makes Wagtail's choosers start without inline script (members.admin_csp)."""

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self):
        from members import admin_csp, audit_signals, jobs, search_provider  # noqa: F401

        admin_csp.install()
