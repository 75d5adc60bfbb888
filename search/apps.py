"""App configuration for search."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "sitesearch"
    verbose_name = "Site search"

    def ready(self):
        from search import topics

        # A renamed topic's slug is rewritten in every entry (search.topics).
        topics.connect()
