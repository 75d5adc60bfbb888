"""The public-cache benchmark still runs: at smoke size it loads the cached home page and article and the
bare view without an error, answers from the cache, and keeps the members-only brief away from anonymous
visitors."""

import pytest

from bench import public_cache_bench
from bench.__main__ import discover


def test_the_runner_finds_the_public_cache_bench():
    assert "public_cache" in discover()


# As the forum's smoke test: gunicorn on PostgreSQL must see committed rows; serialized_rollback keeps
# the content types the next serialized test restores.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_public_cache_bench_runs_at_smoke_size():
    figures = public_cache_bench.run(smoke=True)

    for name in (
        "bare 10 KB view",
        "home, anonymous, cached",
        "article, anonymous, cached",
        "article, anonymous, not stored (long query)",
    ):
        assert figures[f"load {name}: requests"] > 0
        assert figures[f"load {name}: errors"] == 0
        assert figures[f"load {name}: req/s"] > 0
    assert figures["cached pages answered from the cache (of 8 asked)"] == 8
    assert figures["members-only brief, anonymous: status"] == 302
    assert figures["members-only brief, anonymous: served from the cache"] is False
    assert figures["server log: tracebacks"] == 0
