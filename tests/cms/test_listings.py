"""The practice and resource indexes: facet filters with counts, shareable URLs, bad input, query counts."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms import freshness
from cms.listings import PER_PAGE
from cms.models import PracticePage
from tests.cms import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    # These tests count and inspect the rendering path; cms.public_cache would answer from its copy.
    settings.PUBLIC_PAGE_CACHE = False


@pytest.fixture
def practices(indexes):
    index = indexes["practices"]
    factories.practice(
        index,
        title="Co-lead the task force",
        slug="co-lead",
        topics=["forming-a-task-force", "coordination"],
        audiences=["leadership"],
        evidence_level="promising",
    )
    factories.practice(
        index,
        title="Proactive investigations",
        slug="proactive",
        topics=["operating-a-task-force", "proactive-investigations", "sex-trafficking-of-minors"],
        audiences=["investigators", "leadership"],
        evidence_level="promising",
    )
    factories.practice(
        index,
        title="Follow the money",
        slug="money",
        topics=["building-strong-cases", "financial-investigation"],
        audiences=["investigators", "prosecutors"],
        evidence_level="expert_consensus",
    )
    return index


def titles(response):
    return [item.title for item in response.context["listing"].items]


def options(response, param):
    group = next(g for g in response.context["listing"].facets if g.param == param)
    return {option.value: (option.count, option.selected) for option in group.options}


def test_unfiltered_index_lists_all_with_counts(client, practices):
    response = client.get("/practices/")
    assert sorted(titles(response)) == [
        "Co-lead the task force",
        "Follow the money",
        "Proactive investigations",
    ]
    assert options(response, "audience")["leadership"] == (2, False)
    assert options(response, "evidence") == {"promising": (2, False), "expert_consensus": (1, False)}


def test_filters_combine_and_counts_follow(client, practices):
    response = client.get("/practices/?audience=leadership&evidence=promising")
    assert sorted(titles(response)) == ["Co-lead the task force", "Proactive investigations"]
    # A facet's own counts ignore its own selection, so other values stay choosable.
    assert options(response, "audience")["investigators"] == (1, False)
    assert options(response, "audience")["leadership"] == (2, True)
    assert options(response, "phase") == {
        "forming-a-task-force": (1, False),
        "operating-a-task-force": (1, False),
    }
    html = response.content.decode()
    assert 'value="leadership" checked' in html
    assert "Audience: Leadership" in html


def test_several_values_of_one_facet_mean_any(client, practices):
    response = client.get("/practices/?phase=forming-a-task-force&phase=building-strong-cases")
    assert sorted(titles(response)) == ["Co-lead the task force", "Follow the money"]


def test_unknown_facets_and_values_are_ignored(client, practices):
    response = client.get("/practices/?phase=no-such-phase&colour=blue&evidence=miraculous&audience=")
    assert response.status_code == 200
    assert len(titles(response)) == 3
    # A term of another facet is not a value of this one.
    response = client.get("/practices/?phase=leadership")
    assert len(titles(response)) == 3


@pytest.mark.parametrize(
    "query",
    [
        "phase=<script>alert(1)</script>",
        "phase=%27%20OR%201%3D1--",
        "page=999",
        "page=-1",
        "page=abc",
        "phase=" + "x" * 10000,
        "&".join(f"audience=term-{n}" for n in range(500)),
    ],
)
def test_hostile_or_huge_filter_urls_are_harmless(client, practices, query):
    response = client.get(f"/practices/?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_pagination_keeps_the_filters(client, indexes):
    for n in range(PER_PAGE + 2):
        factories.practice(indexes["practices"], title=f"Practice {n:02d}", slug=f"p{n}", topics=["training"])
    response = client.get("/practices/?practice_area=training")
    assert len(titles(response)) == PER_PAGE
    assert "?practice_area=training&amp;page=2" in response.content.decode()
    assert len(titles(client.get("/practices/?practice_area=training&page=2"))) == 2


def test_resource_index_filters_by_type(client, indexes):
    factories.resource(indexes["resources"], title="e-Guide", slug="eguide", type_slug="guidebook")
    factories.resource(indexes["resources"], title="Blue Campaign", slug="blue", type_slug="external-website")
    response = client.get("/resources/?type=external-website")
    assert titles(response) == ["Blue Campaign"]
    assert options(response, "type") == {"guidebook": (1, False), "external-website": (1, True)}


def test_topic_page_lists_what_is_tagged(client, practices, indexes):
    factories.resource(
        indexes["resources"], title="Finance toolkit", slug="finance", topics=["financial-investigation"]
    )
    html = client.get("/topics/financial-investigation/").content.decode()
    assert "Follow the money" in html and "Finance toolkit" in html
    assert "Co-lead the task force" not in html
    assert client.get("/topics/no-such-topic/").status_code == 404
    assert client.get("/topics/smart-tip/").status_code == 404


# --- Query counts ---------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow(indexes, start, stop):
    for n in range(start, stop):
        factories.practice(
            indexes["practices"],
            title=f"Practice {n}",
            slug=f"practice-{n}",
            topics=["coordination", "operating-a-task-force"],
            audiences=["leadership", "patrol"],
        )
        factories.resource(
            indexes["resources"], title=f"Resource {n}", slug=f"resource-{n}", audiences=["patrol"]
        )
        factories.brief(indexes["briefs"], title=f"Brief {n}", slug=f"brief-{n}", topics=["coordination"])


# (url, queries right after a publish, queries warm) for an anonymous visitor. Every request
# gets its site, route, restrictions and site settings from the cache (cms.hotpath); after a
# publish the root page and site (2 on Wagtail pages) and settings (1) reload, but not the
# restrictions, the alias check or the route: they are cached under the structure version,
# which a publish does not raise (tests/cms/test_cold_lists.py, test_hotpath.py); a route hit
# loads its page by key. The indexes count facets in the same four queries whatever the
# filters: the visible ids in the listing's order, then one per source; the result page is
# then its cards by id and their audiences (cms.listings).
PAGES = [
    ("/", 6, 0),  # warm: lists cached, the root page comes with the cached site
    ("/practices/", 11, 1),  # warm: the index page by key; counts, terms, result page cached
    ("/practices/?phase=operating-a-task-force&audience=leadership&evidence=expert_consensus", 11, 1),
    ("/practices/practice-0/", 7, 1),  # warm: the article by key; its rendered body is cached
    ("/resources/", 11, 1),
    ("/resources/resource-0/", 8, 5),
    ("/briefs/", 6, 3),
    ("/briefs/brief-0/", 7, 4),
    ("/topics/coordination/", 7, 4),
]


def measure(client, cold):
    counts = {}
    for url, _cold, _warm in PAGES:
        client.get(url)  # warm the per-process caches (site root paths, facet counts)
        if cold:
            freshness.bump()  # what any publish does: cached facet counts no longer apply
        counts[url] = count_queries(client, url)
    return counts


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
def test_query_counts_stay_constant_as_pages_grow(client, role_user, indexes, signed_in):
    if signed_in:
        client.force_login(role_user("member"))
    factories.make_members_only(factories.practice(indexes["practices"], title="Private", slug="private"))
    grow(indexes, 0, 3)
    few_cold, few_warm = measure(client, cold=True), measure(client, cold=False)
    grow(indexes, 3, 30)
    many_cold, many_warm = measure(client, cold=True), measure(client, cold=False)
    assert many_cold == few_cold
    assert many_warm == few_warm
    # A member adds the session and the user, with their groups and second-factor check
    # (members.middleware, members.access): at most four, the same on every page.
    extra = {url: few_warm[url] - warm for url, _cold, warm in PAGES} if signed_in else {}
    assert len(set(extra.values())) <= 1 and all(0 <= n <= 4 for n in extra.values()), extra
    for url, cold, warm in PAGES:
        assert few_cold[url] <= cold + extra.get(url, 0), f"{url}: {few_cold[url]} queries after a publish"
        assert few_warm[url] == warm + extra.get(url, 0), f"{url}: {few_warm[url]} queries warm"


def test_facet_counts_follow_a_publish_at_once(client, practices, indexes):
    assert options(client.get("/practices/"), "evidence")["promising"] == (2, False)
    factories.practice(indexes["practices"], title="Another", slug="another", evidence_level="promising")
    assert options(client.get("/practices/"), "evidence")["promising"] == (3, False)
    factories.make_members_only(PracticePage.objects.get(slug="another"))
    assert options(client.get("/practices/"), "evidence")["promising"] == (2, False)
    assert client.get("/practices/").context["listing"].total == 3


def test_cached_lists_never_show_a_members_only_page_to_anyone_else(client, role_user, practices, indexes):
    member = Client()
    member.force_login(role_user("member"))
    private = factories.practice(indexes["practices"], title="Private tactics", slug="private-tactics")
    factories.make_members_only(private)

    # The member's home page and index are rendered (and cached) first, with the private card.
    for url in ("/", "/practices/"):
        assert "Private tactics" in member.get(url).content.decode()
        assert "Private tactics" not in client.get(url).content.decode()

    # A page made members-only after both lists were cached leaves the anonymous list at once.
    assert "Follow the money" in client.get("/practices/").content.decode()
    factories.make_members_only(PracticePage.objects.get(slug="money"))
    assert "Follow the money" not in client.get("/practices/").content.decode()
    assert "Follow the money" in member.get("/practices/").content.decode()
    assert "Follow the money" not in client.get("/practices/money/").content.decode()
