"""The /search/ page: the form, facets, paging, hostile input and its query count."""

import re

import pytest
from django.db import connection

from search.index import index_documents
from taxonomy.models import Term
from tests.factories import UserFactory
from tests.search.factories import IndexDocumentFactory
from tests.search.test_index import HOSTILE_QUERIES

pytestmark = pytest.mark.django_db


def hit_titles(html):
    # Ranked lists title hits with h3; results grouped by type put them under an h3 per kind, as h4.
    found = re.findall(r'<li class="search-hit">\s*<h([34])><a href="[^"]*">(.*?)</a></h\1>', html, re.S)
    return [title for _level, title in found]


@pytest.fixture
def dana():
    return UserFactory(
        full_name="Dana Whitfield",
        agency="Lucas County Sheriff's Office",
        bio="Runs <script>alert('bio')</script> hotel outreach on the I-75 corridor.",
    )


def test_the_page_has_a_labelled_search_form_and_works_without_a_query(client):
    response = client.get("/search/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html
    assert '<label for="search-q">' in html
    assert 'id="search-q" name="q"' in html
    assert hit_titles(html) == []


def test_a_member_finds_a_profile_with_the_match_highlighted(client_for, member, dana):
    html = client_for(member).get("/search/", {"q": "whitfield"}).content.decode()

    assert hit_titles(html) == ["Dana <mark>Whitfield</mark>"]
    assert f'href="/members/{dana.pk}/"' in html
    assert "1–1 of 1 result" in html


@pytest.mark.parametrize("role", ["anonymous", "pending"])
def test_anonymous_and_pending_visitors_never_see_profiles(client_for, role_user, role, dana):
    response = client_for(role_user(role)).get("/search/", {"q": "whitfield sheriff"})

    html = response.content.decode()
    assert response.status_code == 200
    assert hit_titles(html) == []
    assert "Whitfield" not in html.replace("whitfield sheriff", "")
    assert "Member profiles" not in html
    assert "No results" in html


def test_html_in_a_name_or_bio_is_shown_as_text(client_for, member):
    UserFactory(full_name="<script>alert('name')</script> Quill", bio="Outreach <img src=x onerror=alert(1)>")

    html = client_for(member).get("/search/", {"q": "quill outreach"}).content.decode()

    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    assert "<mark>Quill</mark>" in html
    if connection.vendor == "sqlite":
        assert "&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    else:
        # ts_headline drops what its parser reads as tags; what is left is escaped text.
        assert "onerror" not in html


@pytest.mark.parametrize("query", [*HOSTILE_QUERIES, "", " ", "x" * 10_000, "<script>alert(1)</script>"])
def test_hostile_queries_get_a_clean_page(client_for, member, dana, query):
    response = client_for(member).get("/search/", {"q": query})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html


def test_a_query_over_200_characters_is_refused_with_a_clear_message(client):
    response = client.get("/search/", {"q": "trafficking " * 1000})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Your search is too long (12,000 characters). Use at most 200." in html
    assert hit_titles(html) == []


def test_a_query_of_punctuation_only_asks_for_words(client):
    html = client.get("/search/", {"q": "?!*"}).content.decode()

    assert "Type some words or names to search for." in html


def test_kind_facets_show_counts_and_filter_with_shareable_links(client_for, member, practice_kind):
    index_documents(IndexDocumentFactory.build_batch(3, title="Hotel outreach practice"))
    UserFactory(full_name="Hotel Outreach Lead")
    client = client_for(member)

    html = client.get("/search/", {"q": "hotel"}).content.decode()
    assert 'href="?q=hotel" aria-current="true">All results <span class="count">(4)</span>' in html
    assert 'href="?q=hotel&amp;kind=practice">Practices <span class="count">(3)</span>' in html
    assert 'href="?q=hotel&amp;kind=profile">Member profiles <span class="count">(1)</span>' in html
    assert len(hit_titles(html)) == 4

    html = client.get("/search/", {"q": "hotel", "kind": "profile"}).content.decode()
    assert hit_titles(html) == ["<mark>Hotel</mark> Outreach Lead"]
    assert 'aria-current="true">Member profiles' in html
    assert "in Member profiles" in html
    # The other kinds' counts stay visible so the visitor can switch.
    assert 'Practices <span class="count">(3)</span>' in html


def test_results_of_several_kinds_are_grouped_by_type_with_a_link_to_all_of_each(
    client_for, member, monkeypatch
):
    index_documents(IndexDocumentFactory.build_batch(3, title="Hotel outreach practice"))
    UserFactory(full_name="Hotel Outreach Lead")
    client = client_for(member)

    html = client.get("/search/", {"q": "hotel"}).content.decode()

    sections = re.findall(r'<h3 id="group-(\w+)" class="search-group-heading">([^<]*)<span', html)
    assert sorted((kind, label.strip()) for kind, label in sections) == [
        ("practice", "Practices"),
        ("profile", "Member profiles"),
    ]
    assert len(hit_titles(html)) == 4
    # Everything of each kind is on the page: no "All N" link.
    assert "search-see-all" not in html

    # When a kind's hits do not all fit on the page, its section links to all of them.
    monkeypatch.setattr("search.views.RESULTS_PER_PAGE", 2)
    paged = client.get("/search/", {"q": "hotel"}).content.decode()
    assert len(hit_titles(paged)) == 2
    assert '<a href="?q=hotel&amp;kind=practice">All 3 in Practices</a>' in paged

    # One kind chosen: one ranked, numbered list.
    chosen = client.get("/search/", {"q": "hotel", "kind": "practice"}).content.decode()
    assert 'class="search-group"' not in chosen
    assert '<ol class="search-hits" start="1">' in chosen


def test_groups_come_in_the_order_of_their_best_hit_and_keep_rank_order_inside():
    from django.utils.html import escape

    from search.results import KindFacet, SearchPage, SearchResult
    from search.views import _grouped

    def hit(kind, key):
        return SearchResult(
            kind=kind,
            kind_label=kind.title(),
            key=key,
            title=key,
            title_html=escape(key),
            url=f"/{key}/",
            snippet=escape(""),
            topics=(),
            rank=0.0,
            updated_at=None,
        )

    page = SearchPage(
        query="labor",
        results=[hit("profile", "p1"), hit("practice", "a1"), hit("profile", "p2"), hit("brief", "b1")],
        kind_counts={"profile": 9, "practice": 1, "brief": 4},
    )
    links = [(KindFacet("profile", "Profiles", 9, False), "?q=labor&kind=profile")]

    groups = _grouped(page, links)

    assert [(g["kind"], [h.key for h in g["hits"]], g["total"]) for g in groups] == [
        ("profile", ["p1", "p2"], 9),
        ("practice", ["a1"], 1),
        ("brief", ["b1"], 4),
    ]
    assert groups[0]["see_all_url"] == "?q=labor&kind=profile"


@pytest.mark.parametrize("kind", ["nonsense", "", "profile' OR 1=1", "x" * 5000])
def test_an_unknown_kind_is_ignored(client_for, member, dana, kind):
    response = client_for(member).get("/search/", {"q": "whitfield", "kind": kind})

    assert response.status_code == 200
    assert hit_titles(response.content.decode()) == ["Dana <mark>Whitfield</mark>"]


def test_topic_links_filter_results(client):
    index_documents(IndexDocumentFactory.build_batch(2, topics=("training",)))
    index_documents(IndexDocumentFactory.build_batch(3, topics=("coordination",)))

    html = client.get("/search/", {"q": "interviewing", "topic": "training"}).content.decode()

    assert len(hit_titles(html)) == 2
    assert '<input type="hidden" name="topic" value="training">' in html
    assert 'href="?q=interviewing">Show all topics</a>' in html


def test_results_are_paged_with_page_number_links(client):
    index_documents(IndexDocumentFactory.build_batch(130))

    html = client.get("/search/", {"q": "interviewing", "page": "3"}).content.decode()

    assert len(hit_titles(html)) == 20
    assert "41–60 of 130 results" in html
    assert '<span aria-current="page">3</span>' in html
    assert 'href="?q=interviewing&amp;page=2" rel="prev"' in html
    assert 'href="?q=interviewing&amp;page=4" rel="next"' in html
    assert 'href="?q=interviewing&amp;page=7" aria-label="Page 7"' in html
    assert '<ol class="search-hits" start="41">' in html

    last = client.get("/search/", {"q": "interviewing", "page": "7"}).content.decode()
    assert len(hit_titles(last)) == 10
    assert 'rel="next"' not in last


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "1.5", "", "9" * 5000])
def test_an_unusable_page_number_shows_a_page_instead_of_an_error(client, page):
    index_documents(IndexDocumentFactory.build_batch(25))

    response = client.get("/search/", {"q": "interviewing", "page": page})

    assert response.status_code == 200
    assert len(hit_titles(response.content.decode())) in (20, 5)


def test_the_page_runs_the_same_number_of_queries_for_one_hit_or_a_full_page(
    client_for, member, django_assert_max_num_queries
):
    client = client_for(member)
    index_documents(IndexDocumentFactory.build_batch(1, title="Lonely hotel practice", scope="members"))
    index_documents(IndexDocumentFactory.build_batch(60, title="Crowded motel practice", scope="members"))
    client.get("/search/", {"q": "practice"})  # warm the session and site settings (not these result pages)

    with django_assert_max_num_queries(MAX_QUERIES_PER_SEARCH_PAGE) as one:
        assert len(hit_titles(client.get("/search/", {"q": "hotel"}).content.decode())) == 1
    with django_assert_max_num_queries(MAX_QUERIES_PER_SEARCH_PAGE) as many:
        assert len(hit_titles(client.get("/search/", {"q": "motel", "page": 2}).content.decode())) == 20

    assert len(one.captured_queries) == len(many.captured_queries)
    index_queries = [q for q in many.captured_queries if "sitesearch_indexentry" in q["sql"]]
    # Counts per kind and the ranked page: one statement on PostgreSQL, two on SQLite.
    assert len(index_queries) == 1


def test_an_anonymous_search_costs_no_more_than_a_member_search(client, django_assert_max_num_queries):
    index_documents(IndexDocumentFactory.build_batch(40))
    client.get("/search/", {"q": "interview"})

    with django_assert_max_num_queries(MAX_QUERIES_PER_SEARCH_PAGE) as queries:
        assert len(hit_titles(client.get("/search/", {"q": "interviewing"}).content.decode())) == 20
    index_queries = [q for q in queries.captured_queries if "sitesearch_indexentry" in q["sql"]]
    assert len(index_queries) == 1


def test_a_repeated_search_is_served_from_the_cache_after_one_check_by_key(
    client, django_assert_max_num_queries
):
    index_documents(IndexDocumentFactory.build_batch(40))
    first = client.get("/search/", {"q": "interviewing"}).content.decode()

    with django_assert_max_num_queries(MAX_QUERIES_PER_SEARCH_PAGE) as queries:
        again = client.get("/search/", {"q": "interviewing"}).content.decode()
    assert hit_titles(again) == hit_titles(first)
    index_queries = [q["sql"] for q in queries.captured_queries if "sitesearch_indexentry" in q["sql"]]
    assert len(index_queries) == 1 and "MATCH" not in index_queries[0] and "@@" not in index_queries[0]


def test_a_search_with_no_hits_skips_the_ranked_page(client, django_assert_max_num_queries):
    index_documents(IndexDocumentFactory.build_batch(3))

    with django_assert_max_num_queries(MAX_QUERIES_PER_SEARCH_PAGE) as queries:
        client.get("/search/", {"q": "zzzznothing"})
    assert len([q for q in queries.captured_queries if "sitesearch_indexentry" in q["sql"]]) == 1


# A signed-in request costs about eight queries today (session, user, groups,
# second-factor check, site settings); the index adds one (counts per kind and
# the ranked page in one statement). The
# ceiling leaves room for middleware, not for a query per hit.
MAX_QUERIES_PER_SEARCH_PAGE = 12


def test_a_topic_renamed_since_the_link_was_shared_redirects_to_its_current_slug(client):
    index_documents(IndexDocumentFactory.build_batch(2, topics=("training",)))
    term = Term.objects.get(slug="training")
    term.slug = "skills-and-training"
    term.save()

    old = client.get("/search/", {"q": "interviewing", "topic": ["training", "coordination"], "kind": "x"})

    assert old.status_code == 301
    assert old["Location"] == "/search/?q=interviewing&topic=skills-and-training&topic=coordination&kind=x"
    html = client.get(old["Location"]).content.decode()
    assert len(hit_titles(html)) == 2
    assert '<input type="hidden" name="topic" value="skills-and-training">' in html
    # Current and unknown slugs are searched as they are, never redirected.
    assert client.get("/search/", {"q": "interviewing", "topic": "skills-and-training"}).status_code == 200
    assert client.get("/search/", {"q": "interviewing", "topic": "never-a-topic"}).status_code == 200


def test_the_canonical_link_keeps_only_the_parameters_the_page_uses(client):
    index_documents(IndexDocumentFactory.build_batch(30))

    html = client.get(
        "/search/", {"q": "interviewing", "page": "2", "kind": "nonsense", "utm": "x"}
    ).content.decode()

    assert '<link rel="canonical" href="http://testserver/search/?q=interviewing&amp;page=2">' in html
    assert "noindex" not in html
