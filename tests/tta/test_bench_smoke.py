"""The TTA matching benchmark still runs: at smoke size it builds its data, matches and reports figures."""

import pytest

from bench import tta_bench
from bench.__main__ import discover
from forum.models import Topic
from search.models import IndexEntry
from tta.models import Match, NeedsAssessment


def test_the_runner_finds_the_tta_bench():
    assert "tta" in discover()


@pytest.mark.django_db
def test_the_tta_bench_runs_at_smoke_size():
    figures = tta_bench.run(smoke=True)

    sizes = tta_bench.SMOKE
    assert figures["members loaded"] == sizes["members"]
    assert figures["index entries loaded"] == sizes["entries"]
    assert IndexEntry.objects.filter(key__startswith="bench-").count() == sizes["entries"]
    assert figures["task forces with submitted assessments"] == sizes["task_forces"]
    assert (
        NeedsAssessment.objects.filter(status=NeedsAssessment.Status.SUBMITTED).count()
        == sizes["task_forces"]
    )
    assert figures["request: content entries on the topic"] > 0
    # Content, peer task forces and peer members: at least the resources on the topic are proposed.
    assert figures["request: candidates proposed"] >= min(
        10, figures["request: content entries on the topic"]
    )
    assert (
        Match.objects.filter(request__topic__slug=tta_bench.TOPIC_SLUG).count()
        == (figures["request: candidates proposed"])
    )
    assert figures["forum questions"] == sizes["questions"]
    assert 0 < figures["forum accepted answers"] < sizes["questions"]
    assert (
        Topic.objects.filter(title__startswith="Bench question ", accepted_post__isnull=False).count()
        == (figures["forum accepted answers"])
    )
    for figure in ("match_request", "match_need"):
        for label in ("before ANALYZE", "after ANALYZE"):
            assert 0 < figures[f"{figure} {label}: median ms"] <= figures[f"{figure} {label}: p95 ms"]
    assert figures["within target"] in ("yes", "NO")
