"""What each database does underneath: FTS5 kept in step on SQLite, tsvector + GIN on PostgreSQL."""

import threading

import pytest
from django.db import connection

from search.index import index_document, index_documents, remove_document, search
from search.models import IndexEntry
from tests.search.factories import IndexDocumentFactory

pytestmark = pytest.mark.django_db

needs_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="needs SQLite: FTS5 path")
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: tsvector path"
)


def _fts_matches(expression):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM sitesearch_indexentry_fts "
            "WHERE sitesearch_indexentry_fts MATCH %s ORDER BY rowid",
            [expression],
        )
        return [row[0] for row in cursor.fetchall()]


def _fts_rowids(word):
    return _fts_matches(f'"{word}"')


@needs_sqlite
def test_the_fts5_table_follows_inserts_updates_upserts_and_deletes():
    index_document(IndexDocumentFactory(key="a", title="Hospitality outreach"))
    entry = IndexEntry.objects.get(key="a")
    assert _fts_rowids("hospitality") == [entry.pk]

    index_document(IndexDocumentFactory(key="a", title="Construction outreach"))  # upsert
    assert _fts_rowids("hospitality") == []
    assert _fts_rowids("construction") == [entry.pk]

    IndexEntry.objects.filter(pk=entry.pk).update(text="Agriculture inspections")  # plain UPDATE
    assert _fts_rowids("agriculture") == [entry.pk]

    remove_document("practice", "a")
    assert _fts_rowids("construction") == []
    with connection.cursor() as cursor:
        # FTS5 compares its index with the content table and raises if they differ.
        cursor.execute(
            "INSERT INTO sitesearch_indexentry_fts(sitesearch_indexentry_fts, rank) "
            "VALUES ('integrity-check', 1)"
        )


def _fts_filter_rowids(prefix, value):
    from search.fulltext import filter_token

    return _fts_matches(f"fts_filters : {filter_token(prefix, value)}")


@needs_sqlite
@pytest.mark.parametrize("scope", ["public", "forum:12", "members", "école:ünïcode", "ends in ed", "s"])
def test_the_generated_filter_tokens_match_the_ones_search_asks_for(scope):
    """migrations/0003 writes kind and scope tokens in SQL; search.fulltext spells them in Python."""
    # An unregistered kind: it promises no scope prefix (search.registry).
    index_document(IndexDocumentFactory(key="a", kind="forum_note", scope=scope))
    index_document(IndexDocumentFactory(key="b", kind="practice", scope="other"))
    entry = IndexEntry.objects.get(key="a")

    assert _fts_filter_rowids("s", scope) == [entry.pk]
    assert _fts_filter_rowids("k", "forum_note") == [entry.pk]


@needs_sqlite
def test_a_scope_changed_by_a_plain_update_moves_its_filter_token():
    """The forum rescopes entries with UPDATE; the trigger must re-file them under the new scope."""
    index_document(IndexDocumentFactory(key="a", scope="forum:1"))
    entry = IndexEntry.objects.get(key="a")

    IndexEntry.objects.filter(pk=entry.pk).update(scope="forum:2")

    assert _fts_filter_rowids("s", "forum:1") == []
    assert _fts_filter_rowids("s", "forum:2") == [entry.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO sitesearch_indexentry_fts(sitesearch_indexentry_fts, rank) "
            "VALUES ('integrity-check', 1)"
        )


@needs_sqlite
def test_accents_are_folded_on_sqlite():
    index_document(IndexDocumentFactory(title="Café workers outreach"))

    assert search("cafe", user=None).total == 1


@needs_postgres
def test_the_generated_tsvector_weights_the_title_above_the_text():
    index_document(IndexDocumentFactory(key="a", title="Hospitality", text="Hotels and motels"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM sitesearch_indexentry WHERE key = 'a'")
        vector = cursor.fetchone()[0]
    assert "'hospit':1A" in vector
    assert "'hotel':2B" in vector


@needs_postgres
def test_the_search_uses_the_gin_index():
    index_documents(IndexDocumentFactory.build_batch(200))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sitesearch_indexentry")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM sitesearch_indexentry "
            "WHERE search_vector @@ websearch_to_tsquery('english', %s) AND scope IN ('public')",
            ['"interviewing"'],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "sitesearch_indexentry_search_vector" in plan


@needs_postgres
def test_english_stop_words_alone_find_nothing_on_postgres():
    index_documents(IndexDocumentFactory.build_batch(3, title="The case of the missing"))

    page = search("the of", user=None)

    assert (page.total, page.error) == (0, "")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: concurrent writers (the shared-cache in-memory SQLite test database "
    "raises 'table is locked' between threads instead of waiting)",
)
def test_concurrent_upserts_of_one_document_leave_one_entry():
    # Two saves of the same profile at once (two admins, or a save and a
    # signal) must not fail on the unique key or leave two entries.
    barrier = threading.Barrier(4)
    errors = []

    def upsert(n):
        try:
            barrier.wait(timeout=10)
            for round_ in range(10):
                index_document(IndexDocumentFactory(key="shared", title=f"Writer {n} round {round_}"))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=upsert, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert IndexEntry.objects.filter(kind="practice", key="shared").count() == 1
    assert search("round", user=None).total == 1


def test_typing_a_filter_token_finds_nothing_it_should_not():
    """The kind and scope tokens live in their own FTS5 column; a visitor's words never search it."""
    from search.fulltext import filter_token

    index_document(IndexDocumentFactory(key="secret", title="Witness relocation", scope="members"))
    index_document(IndexDocumentFactory(key="open", title="Public outreach", scope="public"))

    for token in (filter_token("s", "members"), filter_token("k", "practice")):
        assert search(token.strip('"'), user=None).results == []


def test_a_page_of_hits_far_apart_gets_each_row_highlighted_and_no_row_between(practice_kind):
    """Highlights come from one MATCH over the page's rowid range; rows in it not on the page stay out."""
    old = IndexDocumentFactory(kind="practice", key="old", title="Restitution for survivors, the first")
    index_document(old)
    between = [
        IndexDocumentFactory(kind="forum_note", key=f"note-{n}", title=f"Restitution note {n}")
        for n in range(6)
    ]
    for doc in between:
        index_document(doc)
    newest = IndexDocumentFactory(kind="practice", key="new", title="Restitution orders, the newest")
    index_document(newest)

    found = search("restitution", user=None, kinds=["practice"])

    assert {hit.key for hit in found.results} == {"old", "new"}
    for hit in found.results:
        assert "<mark>Restitution</mark>" in str(hit.title_html)


def test_a_registered_kind_with_no_entries_is_searched_without_error(practice_kind):
    index_document(IndexDocumentFactory(kind="resource", key="r1", title="Interpreters booked early"))

    assert search("interp", user=None, kinds=["practice"]).total == 0
    found = search("interp", user=None)
    assert [hit.key for hit in found.results] == ["r1"]
    assert found.kind_counts == {"resource": 1}
