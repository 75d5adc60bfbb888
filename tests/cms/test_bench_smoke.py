"""The knowledge-base bench still runs: at smoke size it seeds pages, times each one, weighs the home page."""

import pytest
from wagtail.models import PageViewRestriction

from bench import cms_bench
from bench.__main__ import discover
from cms.models import EvidenceBriefPage, PracticePage, ResourcePage
from search.models import IndexEntry


def test_the_runner_finds_the_cms_bench():
    assert "cms" in discover()


@pytest.mark.django_db
def test_the_cms_bench_runs_at_smoke_size(settings):
    figures = cms_bench.run(smoke=True)

    generated = cms_bench.SMOKE["pages"]
    assert PracticePage.objects.filter(slug__startswith="bench-practice-").count() == generated * 6 // 10
    assert ResourcePage.objects.filter(slug__startswith="bench-resource-").count() == generated * 3 // 10
    assert EvidenceBriefPage.objects.filter(slug__startswith="bench-brief-").count() == generated // 10
    members_only = PageViewRestriction.objects.filter(page__slug__startswith="bench-").count()
    assert members_only == figures["members-only pages"] == generated // cms_bench.MEMBERS_ONLY_EVERY
    # Every generated page is findable, in the scope its privacy gives it.
    assert IndexEntry.objects.filter(url__contains="/bench-").count() == generated
    assert IndexEntry.objects.filter(url__contains="/bench-", scope="members").count() == members_only
    for page in ("home", "practices, two facets", "article", "search"):
        for who in ("anonymous", "member"):
            assert 0 < figures[f"{page} as {who}: median ms"] <= figures[f"{page} as {who}: p95 ms"]
            # Warm public pages are served to anonymous visitors from the cache without a query
            # (cms.public_cache); search is not stored.
            assert figures[f"{page} as {who}: queries"] >= (
                0 if who == "anonymous" and page != "search" else 1
            )
            cold = f"{page} as {who}: median ms after a publish (caches missed)"
            assert 0 < figures[cold] <= figures[f"{page} as {who}: p95 ms after a publish (caches missed)"]
    for who in ("anonymous", "member"):
        new_query = f"search, a new query each time, as {who}"
        assert 0 < figures[f"{new_query}: median ms"] <= figures[f"{new_query}: p95 ms"]
    assert len(set(cms_bench._distinct_queries(10))) == 10
    assert figures["home page CSS and JS files"] >= 1
    assert figures["home page HTML bytes"] < figures["home page HTML + CSS + JS bytes"]
