"""The vocabulary as the site search sees it: topic names, former slugs, and the rename signal.

Search stores topic slugs and imports no app; settings.SEARCH_TOPIC_VOCABULARY names
this module, and search.topics reads it through these three names only.
"""

from taxonomy.models import FormerSlug, Term
from taxonomy.signals import term_slug_changed as slug_changed

__all__ = ["moved", "names", "slug_changed"]


def names(slugs) -> dict[str, str]:
    """Slug -> the term's name, for each of ``slugs`` a term has now (one query)."""
    return dict(Term.objects.filter(slug__in=slugs).values_list("slug", "name"))


def moved(slugs) -> dict[str, str]:
    """Old slug -> current slug, for each of ``slugs`` a renamed term used to have (one query)."""
    live = Term.objects.filter(slug__in=slugs).values("slug")
    return dict(
        FormerSlug.objects.filter(slug__in=slugs).exclude(slug__in=live).values_list("slug", "term__slug")
    )
