"""The moderation and private-message benchmark still runs at smoke size, every page answering."""

import pytest

from bench import forum_moderation_bench
from bench.__main__ import discover


def test_the_runner_finds_the_bench():
    assert "forum_moderation" in discover()


@pytest.mark.django_db
def test_the_smoke_run_times_every_page():
    figures = forum_moderation_bench.run(smoke=True)
    for page in (
        "inbox page 1",
        "conversation last page",
        "send a message",
        "approval queue",
        "moderation log",
    ):
        assert figures[f"{page} p95 (ms)"] > 0, page
