"""What follows a term's slug when staff rename it: the site search index and the old topic URL.

Index entries of every app (practices, resources, briefs, forum topics,
profiles) carry their terms as slugs in ``IndexEntry.topics`` (" slug slug "),
so the topic filter of search and the TTA matcher find them by slug. A rename
rewrites those slugs in one UPDATE, in the same transaction as the rename, so
nothing tagged with the term drops out of a filter, whichever app indexed it.
The old slug is kept as a former slug, so /topics/<old>/ links people shared
still lead to the term.
"""

from django.db.models import Value
from django.db.models.functions import Replace

from search.models import IndexEntry


def rewrite_index_topics(old_slug, new_slug) -> int:
    """Replace a slug in every index entry's topics; returns how many entries changed."""
    old, new = f" {old_slug} ", f" {new_slug} "
    return IndexEntry.objects.filter(topics__contains=old).update(
        topics=Replace("topics", Value(old), Value(new))
    )


def follow_rename(sender, term, old_slug, **kwargs):
    from taxonomy.models import FormerSlug

    rewrite_index_topics(old_slug, term.slug)
    # The new slug is a live term's now; the old one leads to it.
    FormerSlug.objects.filter(slug=term.slug).delete()
    FormerSlug.objects.update_or_create(slug=old_slug, defaults={"term": term})
