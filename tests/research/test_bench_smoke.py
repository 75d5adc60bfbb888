"""The research benchmark still runs: at smoke size it executes runs, hits the cache and reports figures."""

import pytest

from bench import research_bench
from bench.__main__ import discover


def test_the_runner_finds_the_research_bench():
    assert "research" in discover()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_research_bench_runs_at_smoke_size(settings):
    figures = research_bench.run(smoke=True)
    assert figures["runs timed per figure"] == research_bench.SMOKE["repeats"]
    assert figures["queue to result, median (s)"] > figures["kernel start, median (s)"] > 0
    assert figures["cache hit, median (ms)"] > 0
    assert figures["speed-up of the medians (x)"] > 0
    assert figures["peak worker RSS (MB)"] > 10
