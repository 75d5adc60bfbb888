"""The posting bench still runs: at smoke size its members post replies through the server, and its
checks (every success answered reply once, exact counters, indexed, every watcher told once) find nothing."""

import pytest

from bench import posting_bench
from bench.__main__ import discover


def test_the_runner_finds_the_posting_bench():
    assert "posting" in discover()


# serialized_rollback: as tests/forum/test_bench_smoke.py, so later serialized tests find their content types.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_posting_bench_runs_at_smoke_size():
    figures = posting_bench.run(smoke=True)

    assert figures["posting replies: requests"] > 0
    assert figures["replies answered with a redirect to the post"] == figures["posting replies: requests"]
    assert figures["posting replies: errors"] == 0
    assert figures["bare 10 KB view: requests"] > 0
    assert figures["posting / bare"] > 0
    for check in (*posting_bench.PROBLEMS, "problems"):
        assert figures[check] == 0, check
    # The busy topic's watchers were told of each reply to it.
    assert figures["notifications of the new replies"] > 0
    assert figures["tasks queued"] > 0
