"""CMS pages in the site search: indexed on publish, gone when unpublished, private when made private."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from cms import search_provider
from members.roles import RESEARCHER
from search.index import search
from search.models import IndexEntry
from search.registry import providers
from tests.cms import factories

pytestmark = pytest.mark.django_db


def urls(query, user):
    return [hit.url for hit in search(query, user=user).results]


@pytest.fixture
def practice(indexes):
    return factories.practice(
        indexes["practices"],
        title="Deconfliction before every operation",
        slug="deconfliction",
        body=factories.body("Check each target with the regional deconfliction system."),
        topics=["information-sharing"],
        audiences=["investigators"],
    )


def test_every_cms_page_type_is_a_search_kind():
    assert {"practice", "resource", "brief", "page"} <= set(providers())
    assert providers()["brief"].label == "Evidence briefs"


def test_published_page_is_found_with_its_topics(practice):
    entry = IndexEntry.objects.get(kind="practice", key=str(practice.pk))
    assert entry.scope == "public"
    assert entry.url == "/practices/deconfliction/"
    assert set(entry.topic_slugs) == {"information-sharing", "investigators"}
    assert urls("regional deconfliction", factories.anonymous_user()) == ["/practices/deconfliction/"]


def test_members_only_page_never_appears_for_anonymous_or_pending(practice, role_user):
    factories.make_members_only(practice)
    assert IndexEntry.objects.get(kind="practice", key=str(practice.pk)).scope == "members"
    assert urls("deconfliction", factories.anonymous_user()) == []
    assert urls("deconfliction", role_user("pending")) == []
    assert urls("deconfliction", role_user("member")) == ["/practices/deconfliction/"]
    html = Client().get("/search/?q=deconfliction").content.decode()
    assert "Deconfliction before every operation" not in html


def test_making_a_page_public_again_returns_it_to_anonymous_results(practice):
    factories.make_members_only(practice)
    PageViewRestriction.objects.filter(page=practice).delete()
    assert urls("deconfliction", factories.anonymous_user()) == ["/practices/deconfliction/"]


def test_a_section_made_members_only_takes_its_pages_out_of_public_results(practice, indexes):
    factories.make_members_only(indexes["practices"])
    assert urls("deconfliction", factories.anonymous_user()) == []


def test_page_restricted_to_another_group_is_not_indexed(practice):
    factories.restrict_to(practice, RESEARCHER)
    assert not IndexEntry.objects.filter(kind="practice", key=str(practice.pk)).exists()


def test_unpublishing_or_deleting_removes_the_page(practice, indexes):
    practice.unpublish()
    assert urls("deconfliction", factories.anonymous_user()) == []
    other = factories.brief(indexes["briefs"], title="Deconfliction brief", slug="brief")
    assert IndexEntry.objects.filter(kind="brief").count() == 1
    other.delete()
    assert IndexEntry.objects.filter(kind="brief").count() == 0


def test_moving_a_page_updates_its_url_and_inherited_privacy(indexes):
    about = factories.standard(factories.home(), title="About", slug="about")
    private = factories.make_members_only(factories.standard(factories.home(), title="Staff", slug="staff"))
    page = factories.standard(about, title="Deconfliction glossary", slug="glossary")
    assert IndexEntry.objects.get(kind="page", key=str(page.pk)).url == "/about/glossary/"
    page.move(private, pos="last-child")
    entry = IndexEntry.objects.get(kind="page", key=str(page.pk))
    assert entry.url == "/staff/glossary/"
    assert entry.scope == "members"


def test_drafts_are_not_indexed(indexes):
    factories.practice(indexes["practices"], title="Draft deconfliction", slug="draft", live=False)
    assert not IndexEntry.objects.filter(kind="practice").exists()


def test_full_reindex_matches_the_signals(practice, indexes):
    factories.make_members_only(
        factories.resource(indexes["resources"], title="Deconfliction tool", slug="tool")
    )
    before = set(IndexEntry.objects.values_list("kind", "key", "scope", "url"))
    IndexEntry.objects.all().delete()
    for kind in ("practice", "resource", "brief", "page"):
        for doc in providers()[kind].documents():
            search_provider.index_documents([doc])
    assert set(IndexEntry.objects.values_list("kind", "key", "scope", "url")) == before


@pytest.mark.parametrize(
    "query",
    ["", " ", "x" * 5000, "<script>alert(1)</script>", "'; DROP TABLE cms_practicepage; --", '"unbalanced'],
)
def test_search_page_survives_hostile_queries(client, practice, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_page_query_count_does_not_grow_with_results(client, indexes, django_assert_max_num_queries):
    for n in range(3):
        factories.practice(indexes["practices"], title=f"Deconfliction step {n}", slug=f"step-{n}")
    with django_assert_max_num_queries(8) as small:
        client.get("/search/?q=deconfliction")
    for n in range(3, 25):
        factories.practice(indexes["practices"], title=f"Deconfliction step {n}", slug=f"step-{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/search/?q=deconfliction")
    assert response.status_code == 200
