"""App configuration for search."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "sitesearch"
    verbose_name = "Site search"

    def ready(self):
        from django.db.models.signals import post_save

        from search.index import index_changed
        from taxonomy.models import Term

        # A renamed term's slug is rewritten in the entries by a plain UPDATE (taxonomy.renames):
        # cached result pages filtered by topic must not outlive it.
        post_save.connect(index_changed, sender=Term, dispatch_uid="search_term_saved")
