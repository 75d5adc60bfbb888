"""The index API: upserts, removal, scopes inside the query, ranking, snippets and hostile input."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.documents import IndexDocument
from search.fulltext import RANK_WINDOW
from search.index import (
    index_document,
    index_documents,
    remove_document,
    remove_kind,
    replace_kind,
    search,
)
from search.models import IndexEntry
from search.registry import allowed_scopes
from tests.search.factories import IndexDocumentFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()

HOSTILE_QUERIES = [
    "NEAR(",
    "NEAR(trafficking investigators, 2)",
    '"',
    '"unterminated phrase',
    "*",
    "trafficking*",
    "OR",
    "AND OR NOT",
    "title:trafficking",
    "trafficking -victims",
    "^trafficking",
    "(((",
    "'; DROP TABLE sitesearch_indexentry; --",
    "1' OR '1'='1",
    "%_%",
    "\\",
    "\x00",
    "\ue000mark\ue001",
    "ünïcödé 東京 трафик 🙂",
    "x" * 200,
]


def test_index_document_replaces_the_document_with_the_same_kind_and_key():
    index_document(IndexDocumentFactory(key="p1", title="Roll call training"))
    index_document(IndexDocumentFactory(key="p1", title="Roll call video series"))

    assert IndexEntry.objects.filter(kind="practice", key="p1").count() == 1
    assert search("training", user=ANONYMOUS).total == 0
    assert [r.title for r in search("video", user=ANONYMOUS).results] == ["Roll call video series"]


def test_the_same_key_in_another_kind_is_another_document():
    index_document(IndexDocumentFactory(kind="practice", key="7", title="Case review"))
    index_document(IndexDocumentFactory(kind="resource", key="7", title="Case review checklist"))

    assert search("case review", user=ANONYMOUS).kind_counts == {"practice": 1, "resource": 1}


def test_bulk_index_spans_batches_and_the_last_duplicate_wins():
    docs = IndexDocumentFactory.build_batch(2_345)
    # A duplicate inside the first batch, and one in the last batch of an earlier key.
    docs.insert(5, IndexDocumentFactory(key=docs[0].key, title="Replacement financial investigation"))
    docs.append(IndexDocumentFactory(key=docs[1].key, title="Replacement labor investigation"))

    written = index_documents(iter(docs))

    assert IndexEntry.objects.count() == 2_345
    assert written == 2_346  # the duplicate inside one batch is written once
    assert [r.key for r in search("financial", user=ANONYMOUS).results] == [docs[0].key]
    assert [r.key for r in search("labor", user=ANONYMOUS).results] == [docs[1].key]
    assert IndexEntry.objects.filter(title__contains="practice").count() == 2_343  # two titles replaced
    found = search("practice", user=ANONYMOUS)
    assert found.capped_kinds == ("practice",)
    assert found.total == RANK_WINDOW  # only the newest RANK_WINDOW can be paged
    assert found.total_label == "1,000+"


def test_remove_document_and_remove_kind():
    index_documents(IndexDocumentFactory.build_batch(3))
    index_document(IndexDocumentFactory(kind="resource", key="guide", title="Interviewing guidebook"))

    remove_document("practice", "no-such-key")
    remove_document("resource", "guide")
    assert search("interviewing", user=ANONYMOUS).kind_counts == {"practice": 3}

    assert remove_kind("practice") == 3
    assert search("interviewing", user=ANONYMOUS).total == 0


def test_replace_kind_drops_what_the_provider_no_longer_yields():
    index_documents([IndexDocumentFactory(key="old", title="Retired practice interviewing")])
    replace_kind("practice", [IndexDocumentFactory(key="new", title="Current practice interviewing")])

    assert [r.key for r in search("interviewing", user=ANONYMOUS).results] == ["new"]


@pytest.mark.parametrize(
    "field, value",
    [("kind", ""), ("key", ""), ("scope", ""), ("url", ""), ("key", "k" * 201), ("kind", "k" * 41)],
)
def test_an_invalid_document_is_refused_and_nothing_of_its_batch_is_written(field, value):
    good = IndexDocumentFactory()
    bad = IndexDocumentFactory(**{field: value})

    with pytest.raises(ValueError, match=field):
        index_documents([good, bad])
    assert not IndexEntry.objects.exists()


def test_members_only_documents_are_filtered_inside_the_query(member, pending):
    index_documents(IndexDocumentFactory.build_batch(25, scope="members"))
    index_documents(IndexDocumentFactory.build_batch(5, scope="public"))

    for visitor in (ANONYMOUS, None, pending):
        with CaptureQueriesContext(connection) as queries:
            page = search("interviewing", user=visitor, per_page=10)
        # The total and the pages come from the database already filtered: a
        # filter applied afterwards would leave 30 hits and three pages.
        assert (page.total, page.num_pages, len(page.results)) == (5, 1, 5)
        assert page.kind_counts == {"practice": 5}
        # Later visitors with the same scopes get the cached page, checked by key and scope.
        assert queries.captured_queries
        assert all("scope IN" in q["sql"].replace('"', "") for q in queries.captured_queries)

    as_member = search("interviewing", user=member, per_page=10)
    assert (as_member.total, as_member.num_pages) == (30, 3)


def test_allowed_scopes_always_include_public(member, pending):
    assert allowed_scopes(None) == {"public"}
    assert allowed_scopes(ANONYMOUS) == {"public"}
    assert allowed_scopes(pending) == {"public"}
    assert allowed_scopes(member) == {"public", "members"}


def test_a_forum_category_scope_is_seen_only_by_who_the_resolver_grants(member, monkeypatch):
    from search import registry

    monkeypatch.setattr(registry, "_scope_resolvers", [*registry._scope_resolvers])
    registry.register_scope_resolver(lambda user: {"forum:3"} if user == member else ())
    index_document(IndexDocumentFactory(kind="forum_post", scope="forum:3", title="Moderators interviewing"))
    index_document(IndexDocumentFactory(kind="forum_post", scope="forum:4", title="Staff interviewing"))

    assert [r.title for r in search("interviewing", user=member).results] == ["Moderators interviewing"]
    assert search("interviewing", user=ANONYMOUS).total == 0


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_return_a_clean_page(query):
    index_documents(IndexDocumentFactory.build_batch(3))

    page = search(query, user=ANONYMOUS)

    assert page.error == ""
    assert page.total == len(page.results)
    assert IndexEntry.objects.count() == 3


def test_fts_operators_typed_by_a_visitor_are_searched_as_words():
    index_document(IndexDocumentFactory(key="near", title="Near the border", text="Port of entry"))
    index_document(IndexDocumentFactory(key="other", title="Hospitality", text="Hotels and motels"))

    # "OR" is not an operator: the hotel page does not match "border OR hotels".
    assert [r.key for r in search("border OR hotels", user=ANONYMOUS).results] == []
    assert [r.key for r in search("NEAR(border", user=ANONYMOUS).results] == ["near"]
    assert [r.key for r in search('"hotels', user=ANONYMOUS).results] == ["other"]


@pytest.mark.parametrize("query", ["", "   ", "!!! ??? ...", "«»—", None])
def test_a_query_without_words_returns_nothing_without_an_error(query):
    index_documents(IndexDocumentFactory.build_batch(3))

    page = search(query, user=ANONYMOUS)

    assert (page.total, page.results, page.error, page.searched) == (0, [], "", False)


def test_a_query_over_200_characters_is_rejected_with_a_message():
    index_documents(IndexDocumentFactory.build_batch(3))

    page = search("interviewing " * 1000, user=ANONYMOUS)

    assert page.results == []
    assert "too long" in page.error
    assert "200" in page.error


def test_every_word_must_match_and_the_last_word_matches_as_a_prefix():
    index_document(IndexDocumentFactory(key="a", title="Labor trafficking in agriculture", text=""))
    index_document(IndexDocumentFactory(key="b", title="Sex trafficking of minors", text=""))

    assert [r.key for r in search("labor trafficking", user=ANONYMOUS).results] == ["a"]
    assert [r.key for r in search("agricul", user=ANONYMOUS).results] == ["a"]
    assert {r.key for r in search("traff", user=ANONYMOUS).results} == {"a", "b"}
    # Prefixes shorter than three letters would match too much; they must be whole words.
    assert search("tr", user=ANONYMOUS).total == 0


def test_words_match_their_other_forms():
    index_document(IndexDocumentFactory(key="a", title="Financial investigations", text=""))

    assert [r.key for r in search("investigation financial", user=ANONYMOUS).results] == ["a"]


def test_a_title_match_ranks_above_a_text_match():
    index_document(IndexDocumentFactory(key="in-text", title="Case review", text="Covers hospitality work."))
    index_document(IndexDocumentFactory(key="in-title", title="Hospitality", text="Hotels and motels."))

    results = search("hospitality", user=ANONYMOUS).results

    assert [r.key for r in results] == ["in-title", "in-text"]
    assert results[0].rank > results[1].rank > 0


def test_snippets_mark_the_matched_words_and_escape_everything_else():
    index_document(
        IndexDocumentFactory(
            title="<script>alert('title')</script> Interviewing",
            text="Before <img src=x onerror=alert(1)> the interviewing & after <b>bold</b>.",
        )
    )

    result = search("interviewing", user=ANONYMOUS).results[0]

    for html in (result.snippet, result.title_html):
        assert "<mark>" in html
        assert "<script" not in html
        assert "<img" not in html
        assert "<b>" not in html
    assert "<mark>Interviewing</mark>" in result.title_html


def test_sentinel_characters_in_indexed_text_cannot_forge_highlights():
    index_document(
        IndexDocumentFactory(title="Plain title", text="\ue000forged\ue001 words about interviewing \x00")
    )

    snippet = search("interviewing", user=ANONYMOUS).results[0].snippet

    assert snippet.count("<mark>") == 1
    assert "<mark>interviewing</mark>" in snippet


def test_results_filter_by_kind_while_the_counts_cover_every_kind():
    index_documents(IndexDocumentFactory.build_batch(4))
    index_documents(IndexDocumentFactory.build_batch(2, kind="resource"))

    page = search("interviewing", user=ANONYMOUS, kinds=["resource"])

    assert page.kind_counts == {"practice": 4, "resource": 2}
    assert page.total == 2
    assert {r.kind for r in page.results} == {"resource"}
    assert [(f.kind, f.count, f.selected) for f in page.facets] == [
        ("practice", 4, False),
        ("resource", 2, True),
    ]


def test_results_filter_by_topic():
    index_document(IndexDocumentFactory(key="a", topics=("labor-trafficking", "training")))
    index_document(IndexDocumentFactory(key="b", topics=("labor-trafficking-agriculture",)))
    index_document(IndexDocumentFactory(key="c", topics=()))

    assert [r.key for r in search("interviewing", user=ANONYMOUS, topics=["labor-trafficking"]).results] == [
        "a"
    ]
    both = search("interviewing", user=ANONYMOUS, topics=["training", "labor-trafficking-agriculture"])
    assert sorted(r.key for r in both.results) == ["a", "b"]
    assert search("interviewing", user=ANONYMOUS, topics=["labor-trafficking"]).results[0].topics == (
        "labor-trafficking",
        "training",
    )


@pytest.mark.parametrize(
    "page, expected", [(1, 1), (2, 2), (3, 3), (4, 3), ("999999", 3), ("abc", 1), (-5, 3), ("9" * 5000, 1)]
)
def test_pages_beyond_the_end_or_unreadable_are_read_as_the_nearest_page(page, expected):
    index_documents(IndexDocumentFactory.build_batch(45))

    result = search("interviewing", user=ANONYMOUS, page=page, per_page=20)

    assert (result.page, result.num_pages, result.total) == (expected, 3, 45)
    assert len(result.results) == {1: 20, 2: 20, 3: 5}[expected]


def test_pages_do_not_overlap_and_cover_every_hit():
    docs = IndexDocumentFactory.build_batch(45)
    index_documents(docs)

    seen = [r.key for n in (1, 2, 3) for r in search("interviewing", user=ANONYMOUS, page=n).results]

    assert sorted(seen) == sorted(doc.key for doc in docs)


def test_search_runs_the_same_queries_whatever_the_number_of_hits(django_assert_num_queries, member):
    index_documents(IndexDocumentFactory.build_batch(60, scope="members"))
    allowed_scopes(member)  # group names are cached on the user after the first check

    # Counts per kind and the ranked page come in one statement, hits or none.
    with django_assert_num_queries(1):
        assert len(search("interviewing", user=member, per_page=50).results) == 50
    with django_assert_num_queries(1):
        assert search("nothingmatchesthis", user=member).results == []


def test_a_page_past_the_end_shows_the_last_page(member):
    index_documents(IndexDocumentFactory.build_batch(25, scope="members"))
    last = search("interviewing", user=member, page=99, per_page=10)
    assert (last.page, last.num_pages, len(last.results)) == (3, 3, 5)
    assert search("interviewing", user=member, page="x", per_page=10).page == 1
    keys = [
        r.key for n in (1, 2, 3) for r in search("interviewing", user=member, page=n, per_page=10).results
    ]
    assert len(set(keys)) == 25


def test_a_document_is_returned_with_everything_a_result_page_shows():
    index_document(
        IndexDocument(
            kind="practice",
            key="42",
            title="Multidisciplinary case review",
            text="Prosecutors and investigators review cases together.",
            url="/practices/case-review/",
            scope="public",
            topics=("prosecution-and-case-review",),
        )
    )

    result = search("prosecutors", user=ANONYMOUS).results[0]

    assert (result.kind, result.key, result.url, result.topics) == (
        "practice",
        "42",
        "/practices/case-review/",
        ("prosecution-and-case-review",),
    )
    assert result.updated_at is not None and result.updated_at.tzinfo is not None
    assert "<mark>Prosecutors</mark>" in result.snippet


def test_scopes_narrow_a_search_but_never_widen_it(member, monkeypatch):
    from search import registry

    monkeypatch.setattr(registry, "_scope_resolvers", [*registry._scope_resolvers])
    registry.register_scope_resolver(lambda user: {"forum:3", "forum:5"} if user == member else ())
    for scope in ("forum:3", "forum:4", "forum:5", "public"):
        kind = "practice" if scope == "public" else "forum_post"  # forum entries are "forum:" scoped
        index_document(IndexDocumentFactory(kind=kind, scope=scope, title=f"Interviewing in {scope}"))

    def titles(**kwargs):
        return sorted(r.title for r in search("interviewing", user=member, **kwargs).results)

    assert titles(scopes=["forum:3"]) == ["Interviewing in forum:3"]
    assert titles(scopes="forum:5") == ["Interviewing in forum:5"]
    assert titles(scopes=("forum:3", "forum:5")) == ["Interviewing in forum:3", "Interviewing in forum:5"]
    # Asking for a scope the visitor may not see gives nothing, not the scope.
    assert titles(scopes=["forum:4"]) == []
    assert titles(scopes=["forum:4", "forum:3"]) == ["Interviewing in forum:3"]
    assert search("interviewing", user=ANONYMOUS, scopes=["forum:3"]).total == 0
    # An empty list narrows to nothing; None means everything allowed.
    assert titles(scopes=[]) == []
    assert len(titles()) == 3


def test_a_scope_filter_outside_the_allowed_ones_runs_no_query(django_assert_num_queries, member):
    with django_assert_num_queries(0):
        page = search("interviewing", user=ANONYMOUS, scopes=["members"])
    assert page.searched and page.total == 0 and page.results == []


def test_a_cached_result_page_never_reaches_a_visitor_with_other_scopes(member):
    index_documents(IndexDocumentFactory.build_batch(3, title="Members interviewing", scope="members"))
    index_documents(IndexDocumentFactory.build_batch(2, title="Public interviewing", scope="public"))

    assert search("interviewing", user=member).total == 5  # cached for the member's scopes
    assert {r.title for r in search("interviewing", user=ANONYMOUS).results} == {"Public interviewing"}


def test_a_write_to_the_index_is_seen_by_the_next_search_at_once():
    index_documents(IndexDocumentFactory.build_batch(2))
    assert search("interviewing", user=ANONYMOUS).total == 2

    index_documents(IndexDocumentFactory.build_batch(1))
    assert search("interviewing", user=ANONYMOUS).total == 3
    doc = IndexDocumentFactory()
    index_document(doc)
    remove_document(doc.kind, doc.key)
    assert search("interviewing", user=ANONYMOUS).total == 3


def test_a_scope_changed_by_a_plain_update_hides_a_cached_hit_at_once(django_assert_num_queries):
    # The forum narrows a category's entries with UPDATE … SET scope, which no version hears of.
    index_documents(IndexDocumentFactory.build_batch(2, title="Interviewing in a category"))
    assert search("interviewing", user=ANONYMOUS).total == 2
    with django_assert_num_queries(1):  # the cached page, after one check by key
        assert search("interviewing", user=ANONYMOUS).total == 2

    IndexEntry.objects.update(scope="forum:7")

    found = search("interviewing", user=ANONYMOUS)
    assert found.total == 0 and found.results == []


def test_an_expired_entry_is_left_out_from_its_expiry_on_even_from_a_cached_page(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now()
    index_documents(
        [
            IndexDocumentFactory(
                key="old", title="Roll call expiring", expires_at=start + timedelta(hours=1)
            ),
            IndexDocumentFactory(key="kept", title="Roll call kept"),
            IndexDocumentFactory(key="gone", title="Roll call gone", expires_at=start - timedelta(seconds=1)),
        ]
    )
    assert sorted(r.title for r in search("roll call", user=ANONYMOUS).results) == [
        "Roll call expiring",
        "Roll call kept",
    ]
    # Two hours later, with nothing re-indexed: the page cached above must not be served as it was.
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(hours=2))
    found = search("roll call", user=ANONYMOUS)
    assert [r.title for r in found.results] == ["Roll call kept"]
    assert found.total == 1
