"""App configuration for forum: registers the forum with site search, its jobs with the scheduler and
its expertise record with member profiles, and forgets shared forum rights when categories, their
permissions or groups change."""

from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Forum"

    def ready(self):
        from django.contrib.auth.models import Group
        from django.db.models.signals import post_delete, post_save

        from forum import jobs, search_provider  # noqa: F401
        from forum.access import permissions_changed
        from forum.expertise.services import profile_section
        from forum.models import Category, CategoryPermission
        from members.views import PROFILE_SECTIONS

        if profile_section not in PROFILE_SECTIONS:
            PROFILE_SECTIONS.append(profile_section)

        # Shared forum rights are keyed by group names; these change what a name grants.
        for model in (Category, CategoryPermission, Group):
            for signal in (post_save, post_delete):
                uid = f"forum_access_{model.__name__}"
                signal.connect(permissions_changed, sender=model, dispatch_uid=uid)
