"""The Wagtail admin bench still runs: at smoke size it seeds pages, drafts and reviews, times each page."""

import pytest
from wagtail.models import PageViewRestriction, WorkflowState

from bench import admin_bench
from bench.__main__ import discover
from cms.models import PracticePage


def test_the_runner_finds_the_admin_bench():
    assert "admin" in discover()


@pytest.mark.django_db
def test_the_admin_bench_runs_at_smoke_size(settings):
    figures = admin_bench.run(smoke=True)

    generated = admin_bench.SMOKE["pages"]
    assert PracticePage.objects.filter(slug__startswith="bench-practice-").count() == generated * 6 // 10
    assert (
        figures["members-only pages"]
        == PageViewRestriction.objects.filter(page__slug__startswith="bench-").count()
    )
    assert figures["members-only pages"] == generated // 10
    # The reviewer has a queue: pages the editor submitted wait in the review workflow.
    waiting = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).count()
    assert figures["pages in review"] == waiting == generated // admin_bench.IN_REVIEW_EVERY
    assert figures["pages with a draft"] >= 1
    pages = admin_bench.urls()
    assert set(pages) >= {"dashboard", "listing, practices index", "editor, page in review"}
    for name in pages:
        for who in ("editor", "reviewer"):
            assert 0 < figures[f"{name} as {who}: median ms"] <= figures[f"{name} as {who}: p95 ms"]
            assert figures[f"{name} as {who}: queries"] > 0
    for kind, target in admin_bench.TARGET_P95_MS.items():
        assert figures[f"{kind}: worst p95 ms (target {target})"] > 0
    assert figures["within target"] in ("yes", "NO")
