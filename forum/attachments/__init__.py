"""Attachments: images and PDFs under posts and private messages, checked by their content and kept in
protected media; sent only to someone forum.access lets read them.

models (Attachment), services (checking, storing, loading for a page), views and urls (attach, download).
"""

from importlib import import_module

_SUBMODULES = {"models", "services", "urls", "views", "wagtail_admin"}


def __getattr__(name):
    # ``from forum import attachments`` then ``attachments.<name>`` still reaches its services, for code
    # another change owns and this one leaves alone: for_posts in forum.post_html, and
    # forum.templatetags.forum_extras.
    # Lazily, because this package is imported while forum.models loads, before its services can be.
    # Submodule names and dunders are refused here, so ``from forum.attachments import views`` imports the
    # submodule as usual instead of loading the services first.
    if name.startswith("__") or name in _SUBMODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        return getattr(import_module(f"{__name__}.services"), name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
