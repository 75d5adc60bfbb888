"""The notifications benchmark still runs: at smoke size it loads members, sends digests and fans out."""

import pytest

from bench import forum_notify_bench
from bench.__main__ import discover
from forum.models import DigestDelivery, Notification


@pytest.mark.django_db
def test_the_notifications_bench_runs_at_smoke_size():
    assert "forum_notify" in discover()
    figures = forum_notify_bench.run(smoke=True)
    sizes = forum_notify_bench.SMOKE
    assert figures["members"] == sizes["members"]
    # Digest takers only (not immediate, not none), one each, and a second run sends nothing.
    digest_takers = (
        sizes["members"] - len(range(1, sizes["members"], 5)) - len(range(2, sizes["members"], 10))
    )
    assert figures["digests sent"] == DigestDelivery.objects.filter(item_count__gt=0).count()
    assert 0 < figures["digests sent"] <= digest_takers
    assert figures["second run sends"] == 0
    # Every watcher of the open category but the author heard of each bench reply.
    assert Notification.objects.filter(post__body_markdown="Bench reply 0").count() == sizes["watchers"]
