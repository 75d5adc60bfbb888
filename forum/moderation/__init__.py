"""Moderation: the approval queue for new members' posts, redaction, moving, merging and splitting
topics, warnings, reports of posts and the moderation log.

models (ModerationAction, ModerationNote, PostReport, MemberWarning), services (each moderator action,
checked by forum.access), views and urls (the moderator pages on the site), wagtail_admin (the
"Forum moderation" listings in the Wagtail admin).
"""

from importlib import import_module

_SUBMODULES = {"models", "services", "urls", "views", "wagtail_admin"}


def __getattr__(name):
    # ``from forum import moderation`` then ``moderation.<name>`` still reaches its services, for code
    # another change owns and this one leaves alone: waiting_for_approval in forum.templatetags.forum_tags.
    # Lazily, because this package is imported while forum.models loads, before its services can be.
    # Submodule names and dunders are refused here, so ``from forum.moderation import views`` imports the
    # submodule as usual instead of loading the services first.
    if name.startswith("__") or name in _SUBMODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        return getattr(import_module(f"{__name__}.services"), name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
