"""The search benchmark still runs: its smoke size loads, searches and reports figures in seconds."""

import pytest

from bench import search_bench
from bench.__main__ import discover, format_table
from search.index import search
from search.models import IndexEntry


def test_the_runner_finds_the_search_bench_and_prints_a_table():
    assert "search" in discover()
    table = format_table([("search", "bulk load (s)", 1.25), ("search", "entries loaded", 500)])
    assert table.splitlines()[0].split() == ["bench", "figure", "value"]
    assert "1.2500" in table and "500" in table


@pytest.mark.django_db
def test_the_search_bench_runs_at_smoke_size():
    figures = search_bench.run(smoke=True)

    assert figures["entries loaded"] == search_bench.SMOKE_ENTRIES
    assert IndexEntry.objects.filter(key__startswith="bench-").count() == search_bench.SMOKE_ENTRIES
    for query in search_bench.QUERIES:
        assert 0 < figures[f"{query!r} as member: median ms"] <= figures[f"{query!r} as member: p95 ms"]
        # Anonymous visitors see the public quarter only.
        assert figures[f"{query!r} as anonymous: hits"] < figures[f"{query!r} as member: hits"]
    assert figures["'trafficking' as member: hits"] > search_bench.SMOKE_ENTRIES / 2
    assert search("quintanilla", user=None).total == figures["'quintanilla' as anonymous: hits"]
