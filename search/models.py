"""The search index: one row per findable thing, with its access scope.

The full-text part is not a Django field. On PostgreSQL a stored generated
``search_vector`` tsvector column with a GIN index lives on this table; on
SQLite an external-content FTS5 table ``sitesearch_indexentry_fts`` mirrors
``title`` and ``text``, plus ``fts_filters`` (a VIRTUAL generated column of
kind and scope tokens, migration 0003, so FTS5 can filter by them), kept in
sync by triggers. All are created by raw SQL in migrations 0001 and 0003.
On SQLite, Django rebuilds a table to alter a column, which drops its
triggers and the generated column: a later migration that alters this model
must recreate them (the SQL is in migration 0003).
"""

from django.db import models
from django.utils import timezone


class IndexEntry(models.Model):
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    # Space-separated slugs with a space at each end, so " slug " finds a
    # whole slug with a plain substring test on either database.
    topics = models.TextField(blank=True, default="")
    scope = models.CharField(max_length=100)
    updated_at = models.DateTimeField(default=timezone.now)
    # Search skips the entry from this moment on (search.fulltext), before anything removes it.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "index entries"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="unique_index_entry_per_kind")]
        # Search ranks each kind's newest matches (search.fulltext.RANK_WINDOW): this index
        # lets PostgreSQL walk a kind newest first and stop once the window is full.
        indexes = [models.Index(fields=["kind", "id"], name="sitesearch_kind_newest")]

    def __str__(self):
        return f"{self.kind}:{self.key} {self.title}"

    @property
    def topic_slugs(self) -> tuple[str, ...]:
        return tuple(self.topics.split())
