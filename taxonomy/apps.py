"""App configuration for the taxonomy."""

from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "taxonomy"
    verbose_name = "Taxonomy"

    def ready(self):
        from taxonomy.renames import follow_rename
        from taxonomy.signals import term_slug_changed

        term_slug_changed.connect(follow_rename, dispatch_uid="taxonomy_follow_rename")
