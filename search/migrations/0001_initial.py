"""The index table, plus its full-text side: FTS5 and triggers on SQLite, a generated tsvector + GIN on PostgreSQL.

The SQL is written out here, not imported, so this migration keeps meaning what
it meant when it ran. On SQLite, a later migration that alters IndexEntry makes
Django rebuild the table, which drops these triggers: recreate them there.
"""

import django.utils.timezone
from django.db import migrations, models

SQLITE_FORWARDS = [
    """
    CREATE VIRTUAL TABLE sitesearch_indexentry_fts USING fts5(
        title, text,
        content='sitesearch_indexentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER sitesearch_indexentry_fts_insert AFTER INSERT ON sitesearch_indexentry BEGIN
        INSERT INTO sitesearch_indexentry_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
    """
    CREATE TRIGGER sitesearch_indexentry_fts_delete AFTER DELETE ON sitesearch_indexentry BEGIN
        INSERT INTO sitesearch_indexentry_fts(sitesearch_indexentry_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END
    """,
    # Only a change to the searched columns touches the FTS index.
    """
    CREATE TRIGGER sitesearch_indexentry_fts_update AFTER UPDATE OF title, text ON sitesearch_indexentry BEGIN
        INSERT INTO sitesearch_indexentry_fts(sitesearch_indexentry_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO sitesearch_indexentry_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS sitesearch_indexentry_fts_update",
    "DROP TRIGGER IF EXISTS sitesearch_indexentry_fts_delete",
    "DROP TRIGGER IF EXISTS sitesearch_indexentry_fts_insert",
    "DROP TABLE IF EXISTS sitesearch_indexentry_fts",
]
POSTGRES_FORWARDS = [
    """
    ALTER TABLE sitesearch_indexentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX sitesearch_indexentry_search_vector ON sitesearch_indexentry USING GIN (search_vector)",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS sitesearch_indexentry_search_vector",
    "ALTER TABLE sitesearch_indexentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"Site search needs SQLite or PostgreSQL, not {schema_editor.connection.vendor}.")
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="IndexEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40)),
                ("key", models.CharField(max_length=200)),
                ("title", models.CharField(max_length=300)),
                ("text", models.TextField(blank=True)),
                ("url", models.CharField(max_length=500)),
                ("topics", models.TextField(blank=True, default="")),
                ("scope", models.CharField(max_length=100)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name_plural": "index entries",
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "key"), name="unique_index_entry_per_kind")
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRES_FORWARDS}),
            _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRES_BACKWARDS}),
        ),
    ]
