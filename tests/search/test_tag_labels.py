"""The search page names topics as people read them ("Labor trafficking"); links and filters keep slugs."""

import re

import pytest

from search.index import index_documents
from taxonomy.models import Facet, Term
from tests.factories import UserFactory
from tests.search.factories import IndexDocumentFactory
from tests.search.test_search_page import MAX_QUERIES_PER_SEARCH_PAGE, hit_titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def labor(db):
    return Term.objects.create(
        facet=Facet.TRAFFICKING_TYPE, name="Labor & farm-work trafficking", slug="labor-farm"
    )


@pytest.fixture
def tips(db):
    return Term.objects.create(facet=Facet.PRACTICE_AREA, name="Tip lines", slug="tip-lines-area")


def shown_topics(html):
    """The text of each topic tag on a hit, in page order."""
    return re.findall(r'<a class="tag" href="[^"]*">([^<]*)</a>', html)


def test_hits_show_topic_names_and_link_by_slug(client, labor, tips):
    index_documents([IndexDocumentFactory.build(topics=(labor.slug, tips.slug))])

    html = client.get("/search/", {"q": "interviewing"}).content.decode()

    assert shown_topics(html) == ["Labor &amp; farm-work trafficking", "Tip lines"]
    assert 'href="?q=interviewing&amp;topic=labor-farm">Labor &amp; farm-work trafficking</a>' in html
    assert ">labor-farm<" not in html and ">tip-lines-area<" not in html


def test_the_chosen_topic_is_named_and_its_filter_keeps_the_slug(client, labor):
    index_documents(IndexDocumentFactory.build_batch(2, topics=(labor.slug,)))

    html = client.get("/search/", {"q": "interviewing", "topic": labor.slug}).content.decode()

    assert len(hit_titles(html)) == 2
    assert '<span class="tag">Labor &amp; farm-work trafficking</span>' in html
    assert '<input type="hidden" name="topic" value="labor-farm">' in html


def test_a_slug_no_term_has_any_more_still_shows(client):
    index_documents([IndexDocumentFactory.build(topics=("gone-topic",))])

    html = client.get("/search/", {"q": "interviewing", "topic": "gone-topic"}).content.decode()

    assert shown_topics(html) == ["gone-topic"]
    assert '<span class="tag">gone-topic</span>' in html


def test_grouped_results_show_names_too(client_for, role_user, labor):
    index_documents(
        IndexDocumentFactory.build_batch(2, title="Hotel outreach practice", topics=(labor.slug,))
    )
    UserFactory(full_name="Hotel Outreach Lead")

    html = client_for(role_user("member")).get("/search/", {"q": "hotel"}).content.decode()

    assert 'class="search-group"' in html
    assert shown_topics(html) == ["Labor &amp; farm-work trafficking"] * 2


def test_naming_topics_costs_one_query_however_many_hits_and_topics(client, django_assert_max_num_queries):
    terms = [
        Term.objects.create(facet=Facet.PRACTICE_AREA, name=f"Practice area {n}", slug=f"area-{n}")
        for n in range(6)
    ]
    index_documents([IndexDocumentFactory.build(title="Lonely hotel practice", topics=(terms[0].slug,))])
    index_documents(
        IndexDocumentFactory.build(
            title=f"Crowded motel practice {n}", topics=(terms[n % 6].slug, terms[(n + 1) % 6].slug)
        )
        for n in range(30)
    )
    client.get("/search/", {"q": "practice"})

    with django_assert_max_num_queries(MAX_QUERIES_PER_SEARCH_PAGE) as one:
        assert shown_topics(client.get("/search/", {"q": "hotel"}).content.decode()) == ["Practice area 0"]
    with django_assert_max_num_queries(MAX_QUERIES_PER_SEARCH_PAGE) as many:
        html = client.get("/search/", {"q": "motel"}).content.decode()
    assert len(hit_titles(html)) == 20
    assert set(shown_topics(html)) == {term.name for term in terms}
    assert len(one.captured_queries) == len(many.captured_queries)
    assert len([q for q in many.captured_queries if "taxonomy_term" in q["sql"]]) == 1
