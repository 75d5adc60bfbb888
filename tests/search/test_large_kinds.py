"""Large kinds on PostgreSQL: a probe chooses between walking the kind newest first and the GIN index.

PostgreSQL multiplies the frequencies of a query's words, so words that come
together ("victim services") look rare to it, and it reads every match through
the GIN index. For a kind registered as large, search.fulltext first counts the
matches among the kind's newest entries, and when they are common walks the
kind newest first instead. These tests shrink the probe and the window so both
paths run on small data, and check that the visitor gets the same results,
counts and pages either way, and that only the chosen path runs.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import fulltext, registry
from search.index import index_changed, index_document, search
from tests.search.factories import IndexDocumentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: the probe is in its tsvector SQL"
    ),
]

ANONYMOUS = AnonymousUser()
WINDOW = 4


@pytest.fixture(autouse=True)
def small_probe(monkeypatch, rank_window):
    rank_window(WINDOW)
    monkeypatch.setattr(fulltext, "PROBE_ROWS", 6)
    monkeypatch.setattr(fulltext, "COMMON_IN_PROBE", 3)


@pytest.fixture
def bulk_kind():
    """A large kind, "bulk", and a small one, "note", registered for one test."""
    saved = dict(registry._providers)
    registry.register_provider("bulk", lambda: iter(()), label="Bulk", large=True)
    registry.register_provider("note", lambda: iter(()), label="Notes")
    yield "bulk"
    registry._providers.clear()
    registry._providers.update(saved)


def _index(kind, titles, *, scope="public", topics=()):
    docs = []
    for n, title in enumerate(titles):
        key = f"{kind}-{scope}-{len(titles)}-{n}-{title[:12]}"
        docs.append(IndexDocumentFactory(kind=kind, key=key, title=title, scope=scope, topics=topics))
    for doc in docs:
        index_document(doc)
    return docs


def _outcome(query, **kwargs):
    """What the visitor sees: every page's keys in order, the counts and the labels."""
    first = search(query, per_page=3, **kwargs)
    pages = [first] + [search(query, per_page=3, page=n, **kwargs) for n in range(2, first.num_pages + 1)]
    return (
        [[hit.key for hit in page.results] for page in pages],
        first.kind_counts,
        first.total_label,
        first.windowed,
    )


def _as_small_kind(monkeypatch):
    monkeypatch.setattr(fulltext, "large_kinds", lambda: frozenset())
    index_changed()  # result pages are cached until the index changes


def _plan(query, **kwargs):
    index_changed()
    with CaptureQueriesContext(connection) as captured:
        search(query, **kwargs)
    statement = next(q["sql"] for q in captured.captured_queries if "probe_0" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + statement)
        return "\n".join(row[0] for row in cursor.fetchall())


def _walk_ran(plan, kind="bulk"):
    """For the kind's scans that match words: ([whether each walk ran], [whether each GIN arm ran])."""
    walks, indexed = [], []
    lines = plan.splitlines()
    for n, line in enumerate(lines):
        if "Scan" not in line:
            continue
        details = []
        for detail in lines[n + 1 :]:
            if "->" in detail:
                break
            details.append(detail)
        block = "\n".join(details)
        if f"'{kind}'" not in block or ("@@" not in block and "ts_match_vq" not in block):
            continue
        (walks if "ts_match_vq" in block else indexed).append("never executed" not in line)
    return walks, indexed


def test_a_common_word_walks_the_large_kind_and_gets_what_the_index_gives(bulk_kind, monkeypatch):
    _index("bulk", ["Restitution for survivors"] * 3)
    _index("bulk", ["Housing referrals"] * 2)
    _index("bulk", ["Restitution orders"] * 7)  # the newest: the probe finds the word common
    _index("note", ["Restitution notes"] * 2)

    walked = _outcome("restitution", user=ANONYMOUS)
    _as_small_kind(monkeypatch)
    indexed = _outcome("restitution", user=ANONYMOUS)

    assert walked == indexed
    pages, counts, label, windowed = walked
    assert counts == {"bulk": WINDOW, "note": 2}  # a floor: the label says "+"
    assert label == f"{WINDOW + 2}+" and windowed
    assert sum(len(page) for page in pages) == WINDOW + 2


def test_the_probe_gates_which_arm_runs(bulk_kind):
    _index("bulk", ["Visa applications"] * 3)
    _index("bulk", ["Restitution orders"] * 7)

    common = _walk_ran(_plan("restitution", user=ANONYMOUS))
    rare = _walk_ran(_plan("visa", user=ANONYMOUS))

    assert common == ([True], [False])
    assert rare == ([False], [True])


def test_a_word_only_in_old_entries_uses_the_index_and_finds_them_all(bulk_kind, monkeypatch):
    old = _index("bulk", ["Interpreters booked early"] * 3)
    _index("bulk", ["Housing referrals"] * 8)

    found = search("interpreters booked", user=ANONYMOUS, per_page=10)

    assert {hit.key for hit in found.results} == {doc.key for doc in old}
    assert found.kind_counts == {"bulk": 3} and not found.windowed
    _as_small_kind(monkeypatch)
    assert _outcome("interpreters booked", user=ANONYMOUS)[0] == [
        [hit.key for hit in search("interpreters booked", user=ANONYMOUS, per_page=3).results]
    ]


def test_hidden_entries_neither_make_a_word_common_nor_show(bulk_kind, monkeypatch, member):
    """Members-only matches are the newest: the anonymous probe does not count them, and they never show."""
    public = _index("bulk", ["Restitution for survivors"] * 2)
    hidden = _index("bulk", ["Restitution members only"] * 8, scope="members")

    anonymous = _outcome("restitution", user=ANONYMOUS)
    plan = _walk_ran(_plan("restitution", user=ANONYMOUS))
    as_member = _outcome("restitution", user=member)

    assert plan == ([False], [True])
    assert {key for page in anonymous[0] for key in page} == {doc.key for doc in public}
    assert anonymous[1] == {"bulk": 2}
    member_keys = {key for page in as_member[0] for key in page}
    assert member_keys == {doc.key for doc in hidden[-WINDOW:]}
    _as_small_kind(monkeypatch)
    assert _outcome("restitution", user=ANONYMOUS) == anonymous
    assert _outcome("restitution", user=member) == as_member


def test_a_prefix_and_a_topic_filter_agree_on_both_paths(bulk_kind, monkeypatch):
    _index("bulk", ["Victim services contacts"] * 3, topics=("labor",))
    _index("bulk", ["Victim services contacts"] * 6, topics=("sex",))
    _index("bulk", ["Victim servants unrelated"] * 2, topics=("labor",))

    walked = _outcome("victim serv", user=ANONYMOUS, topics=["labor"])
    _as_small_kind(monkeypatch)
    indexed = _outcome("victim serv", user=ANONYMOUS, topics=["labor"])

    assert walked == indexed
    assert walked[1] == {"bulk": WINDOW} and walked[3]


def test_a_query_with_no_match_and_a_hostile_query_are_safe_on_the_walk(bulk_kind):
    _index("bulk", ["Restitution orders"] * 8)

    assert search("zzqx", user=ANONYMOUS).total == 0
    hostile = search("restitution'); DROP TABLE sitesearch_indexentry; --", user=ANONYMOUS)
    assert hostile.total == 0  # every word must match; nothing ran but the search
    assert search("restitution", user=ANONYMOUS).total_label == f"{WINDOW}+"


def test_only_registered_large_kinds_are_probed(bulk_kind):
    assert registry.large_kinds() >= {"bulk"}
    assert "note" not in registry.large_kinds()
