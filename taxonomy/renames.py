"""What taxonomy itself does when staff rename a term's slug: the old topic URL keeps working.

The old slug is kept as a former slug, so /topics/<old>/ links people shared
still lead to the term. Apps that copied the slug follow the same signal
(taxonomy.signals.term_slug_changed): the site search rewrites its entries'
topics in the same transaction (search.topics), so nothing tagged with the
term drops out of a filter, whichever app indexed it.
"""


def follow_rename(sender, term, old_slug, **kwargs):
    """Record ``old_slug`` as a former slug of ``term``; the new slug stops being a former one."""
    from taxonomy.models import FormerSlug

    # The new slug is a live term's now; the old one leads to it.
    FormerSlug.objects.filter(slug=term.slug).delete()
    FormerSlug.objects.update_or_create(slug=old_slug, defaults={"term": term})
