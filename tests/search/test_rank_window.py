"""Bounded ranking: each kind's newest RANK_WINDOW hits are ranked, counts say when they are floors.

A word in a quarter of a million forum posts cannot be ranked whole within a
page's time budget, so the engines rank each kind's newest hits. These tests
shrink the window to a handful so the behaviour shows on small data: a minority
kind is never drowned by a big one, the visitor's scopes apply before the
window, and the pages say when results were windowed.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from search import fulltext
from search.index import index_document, search
from tests.search.factories import IndexDocumentFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()
WINDOW = 5


@pytest.fixture(autouse=True)
def small_window(rank_window):
    rank_window(WINDOW)


def _index(kind, count, *, scope="public", title="Restitution for survivors"):
    docs = [
        IndexDocumentFactory(kind=kind, key=f"{kind}-{n}", title=f"{title} {n}", scope=scope)
        for n in range(count)
    ]
    for doc in docs:
        index_document(doc)
    return docs


def test_a_big_kind_is_ranked_among_its_newest_hits_and_a_small_kind_is_still_found():
    practices = _index("practice", 8)
    resources = _index("resource", 2)

    found = search("restitution", user=ANONYMOUS, per_page=50)

    keys = {hit.key for hit in found.results}
    assert keys == {doc.key for doc in practices[-WINDOW:]} | {doc.key for doc in resources}
    assert found.total == WINDOW + 2
    assert found.windowed
    # The engine stops reading past the window: the count is a floor, and says so.
    assert found.kind_counts == {"practice": WINDOW, "resource": 2}
    assert found.total_label == f"{WINDOW + 2}+"
    assert found.capped_kinds == ("practice",)
    facets = {facet.kind: facet.count_label for facet in found.facets}
    assert facets["resource"] == "2"


def test_choosing_the_small_kind_pages_all_of_it_and_is_not_windowed():
    _index("practice", 8)
    resources = _index("resource", 3)

    found = search("restitution", user=ANONYMOUS, kinds=["resource"])

    assert [hit.key for hit in found.results] == sorted(
        (doc.key for doc in resources), key=[hit.key for hit in found.results].index
    )
    assert {hit.key for hit in found.results} == {doc.key for doc in resources}
    assert not found.windowed
    assert found.total_label == "3"


@pytest.mark.parametrize("scope_tokens_up_to", [0, 3])
def test_scopes_apply_before_the_window(monkeypatch, scope_tokens_up_to):
    """Members-only hits neither fill an anonymous visitor's window nor show in their counts.

    Whether SQLite's FTS5 also filters by scope tokens (few scopes) or leaves it
    to the exact SQL check alone (many), the outcome is the same.
    """
    monkeypatch.setattr(fulltext, "SCOPE_TOKENS_UP_TO", scope_tokens_up_to)
    _index("practice", 3)
    hidden = [
        IndexDocumentFactory(kind="practice", key=f"private-{n}", title="Restitution hidden", scope="members")
        for n in range(10)
    ]
    for doc in hidden:  # newer than every public hit
        index_document(doc)

    found = search("restitution", user=ANONYMOUS)

    assert found.kind_counts == {"practice": 3}
    assert not found.windowed
    assert all(hit.key.startswith("practice-") for hit in found.results)


def test_every_page_of_a_windowed_kind_holds_only_window_hits():
    practices = _index("practice", 9)

    pages = [search("restitution", user=ANONYMOUS, per_page=2, page=number) for number in (1, 2, 3, 4)]

    assert pages[0].num_pages == 3  # five hits, two a page
    seen = [hit.key for page in pages[:3] for hit in page.results]
    assert sorted(seen) == sorted(doc.key for doc in practices[-WINDOW:])
    assert [hit.key for hit in pages[3].results] == [
        hit.key for hit in pages[2].results
    ]  # past the end: last


def test_the_search_page_says_when_results_were_windowed(client):
    _index("practice", 8)

    page = client.get("/search/", {"q": "restitution"})

    html = page.content.decode()
    assert "only the 5 newest of each kind are ranked here" in html
    assert '<span class="count">(5+)</span>' in html
    quiet = client.get("/search/", {"q": "survivors zzz"})
    assert "are ranked here" not in quiet.content.decode()
