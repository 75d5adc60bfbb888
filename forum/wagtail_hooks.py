"""Registers the "Forum moderation" menu group in the Wagtail admin (forum.moderation.wagtail_admin)."""

from wagtail import hooks

from forum.moderation.wagtail_admin import ForumModerationGroup


@hooks.register("register_admin_viewset")
def register_forum_moderation():
    return ForumModerationGroup()
