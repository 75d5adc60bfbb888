"""SQLite only: kind and scope become tokens of a third FTS5 column, so a search filters inside FTS5.

Search ranks each kind's newest hits (search.fulltext.RANK_WINDOW). With kind
and scope only in the entry table, SQLite looked every hit up by key to learn
them: a word in a quarter of a million forum posts cost seconds, and a kind
with few entries (the knowledge base beside a big forum) meant passing over
every hit to find none. As tokens in FTS5, ``kind AND scope AND words`` is a
doclist intersection read newest first, and the window stops once full.

The tokens come from a VIRTUAL generated column, so nothing writes them and
PostgreSQL (which filters in its own index scan) is untouched. Each is a
letter, the value's UTF-8 bytes in hex, and a final "0": letters and digits
only, so the tokenizer keeps it whole, and the porter stemmer, which only
strips letter suffixes, leaves it alone. search.fulltext builds the same
tokens in Python. As with the triggers, a later migration that makes Django
rebuild this table drops the column: recreate it there.
"""

from django.db import migrations

FILTERS = "'k' || lower(hex(kind)) || '0 s' || lower(hex(scope)) || '0'"
TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"

DROP_FTS = [
    "DROP TRIGGER IF EXISTS sitesearch_indexentry_fts_update",
    "DROP TRIGGER IF EXISTS sitesearch_indexentry_fts_delete",
    "DROP TRIGGER IF EXISTS sitesearch_indexentry_fts_insert",
    "DROP TABLE IF EXISTS sitesearch_indexentry_fts",
]


def _fts(columns, watched):
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    names = ", ".join(columns)
    return [
        f"""
        CREATE VIRTUAL TABLE sitesearch_indexentry_fts USING fts5(
            {names}, content='sitesearch_indexentry', content_rowid='id', {TOKENIZE}
        )
        """,
        f"""
        CREATE TRIGGER sitesearch_indexentry_fts_insert AFTER INSERT ON sitesearch_indexentry BEGIN
            INSERT INTO sitesearch_indexentry_fts(rowid, {names}) VALUES (new.id, {new});
        END
        """,
        f"""
        CREATE TRIGGER sitesearch_indexentry_fts_delete AFTER DELETE ON sitesearch_indexentry BEGIN
            INSERT INTO sitesearch_indexentry_fts(sitesearch_indexentry_fts, rowid, {names})
            VALUES ('delete', old.id, {old});
        END
        """,
        f"""
        CREATE TRIGGER sitesearch_indexentry_fts_update AFTER UPDATE OF {watched} ON sitesearch_indexentry BEGIN
            INSERT INTO sitesearch_indexentry_fts(sitesearch_indexentry_fts, rowid, {names})
            VALUES ('delete', old.id, {old});
            INSERT INTO sitesearch_indexentry_fts(rowid, {names}) VALUES (new.id, {new});
        END
        """,
        "INSERT INTO sitesearch_indexentry_fts(sitesearch_indexentry_fts) VALUES ('rebuild')",
    ]


FORWARDS = [
    *DROP_FTS,
    f"ALTER TABLE sitesearch_indexentry ADD COLUMN fts_filters TEXT GENERATED ALWAYS AS ({FILTERS}) VIRTUAL",
    *_fts(["title", "text", "fts_filters"], "title, text, kind, scope"),
]
BACKWARDS = [
    *DROP_FTS,
    "ALTER TABLE sitesearch_indexentry DROP COLUMN fts_filters",
    *_fts(["title", "text"], "title, text"),
]


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("sitesearch", "0002_kind_newest_index")]

    operations = [migrations.RunPython(_on_sqlite(FORWARDS), _on_sqlite(BACKWARDS))]
