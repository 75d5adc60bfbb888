"""Registers the "Forum moderation" menu group in the Wagtail admin (screens in forum.admin_moderation)."""

from wagtail import hooks

from forum.admin_moderation import ForumModerationGroup


@hooks.register("register_admin_viewset")
def register_forum_moderation():
    return ForumModerationGroup()
