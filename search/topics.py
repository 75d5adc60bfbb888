"""Topics: the vocabulary slugs index entries carry, their names, and following their renames.

Search imports no app. The project names the vocabulary in
settings.SEARCH_TOPIC_VOCABULARY (taxonomy.topics): a module with ``names(slugs)``
(slug -> name), ``moved(slugs)`` (old slug -> current slug) and ``slug_changed``,
a signal sent with ``old_slug`` and ``new_slug`` inside the transaction that
renames a topic. With none named, topics show as their slugs and nothing
follows a rename.

On a rename every entry's topics are rewritten in one UPDATE, in the same
transaction, whichever app indexed the entry: nothing tagged with the topic
drops out of a filter, and a rolled-back rename leaves the index as it was.
"""

from importlib import import_module

from django.conf import settings
from django.db.models import Value
from django.db.models.functions import Replace

from search.index import index_changed
from search.models import IndexEntry


def vocabulary():
    """The module settings.SEARCH_TOPIC_VOCABULARY names, or None."""
    path = getattr(settings, "SEARCH_TOPIC_VOCABULARY", None)
    return import_module(path) if path else None


def names(slugs) -> dict[str, str]:
    """Slug -> the topic's name, for every slug the vocabulary knows (no query when there are none)."""
    slugs = set(slugs)
    if not slugs or vocabulary() is None:
        return {}
    return vocabulary().names(slugs)


def moved(slugs) -> dict[str, str]:
    """Old slug -> current slug, for each of ``slugs`` a renamed topic used to have."""
    if not slugs or vocabulary() is None:
        return {}
    return vocabulary().moved(slugs)


def rewrite_topic(old_slug, new_slug) -> int:
    """Replace a slug in every index entry's topics; returns how many entries changed."""
    # Topics are stored as " slug slug ": the spaces keep a longer slug that starts the same.
    old, new = f" {old_slug} ", f" {new_slug} "
    return IndexEntry.objects.filter(topics__contains=old).update(
        topics=Replace("topics", Value(old), Value(new))
    )


def follow_rename(sender, old_slug, new_slug, **kwargs) -> None:
    """Receiver of the vocabulary's slug_changed: rewrite the entries, forget cached result pages."""
    rewrite_topic(old_slug, new_slug)
    # The UPDATE is heard by no other signal: cached pages filtered by the topic must not outlive it.
    index_changed()


def connect() -> None:
    """Follow the vocabulary's renames (search's AppConfig.ready)."""
    if vocabulary() is not None:
        vocabulary().slug_changed.connect(follow_rename, dispatch_uid="search_follow_topic_rename")
