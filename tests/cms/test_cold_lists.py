"""Lists right after a publish: the facet counts read per value, and restrictions matched by page id.

cms.listings counts facets from the ids of the visible pages (read from
Wagtail's page table) and, per facet source, the pages of each value;
cms.access excludes a restricted leaf page by its id. These tests prove the
counts leave out drafts and pages the visitor may not see, follow a publish
and a privacy change at once, and that a restricted page that gains a child
hides the child too.

The restrictions are cached under the structure version (cms.freshness), which
an ordinary publish leaves alone: the tests below prove a publish keeps them
while a privacy change, a new child, a move or a deletion reloads them at once.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from cms import access, freshness, listings, privacy
from cms.listings import PER_PAGE
from cms.models import PracticePage, ResourcePage
from tests.cms import factories

pytestmark = pytest.mark.django_db


def titles(response):
    return [item.title for item in response.context["listing"].items]


def options(response, param):
    group = next(g for g in response.context["listing"].facets if g.param == param)
    return {option.value: option.count for option in group.options}


@pytest.fixture
def practices(indexes):
    index = indexes["practices"]
    factories.practice(
        index, title="Public one", slug="public-one", topics=["coordination"], evidence_level="promising"
    )
    private = factories.practice(
        index, title="Private one", slug="private-one", topics=["coordination"], evidence_level="emerging"
    )
    factories.make_members_only(private)
    draft = PracticePage(
        title="Draft one",
        slug="draft-one",
        summary="Not yet.",
        body=factories.body(),
        evidence_level="emerging",
    )
    factories.add_page(index, draft, topics=["coordination", "training"], live=False)
    return index


def test_counts_leave_out_drafts_and_pages_the_visitor_may_not_see(client, role_user, practices):
    anonymous = client.get("/practices/")
    assert options(anonymous, "evidence") == {"promising": 1}
    assert options(anonymous, "practice_area") == {"coordination": 1}
    assert anonymous.context["listing"].total == 1

    for role in ("pending",):
        pending = Client()
        pending.force_login(role_user(role))
        response = pending.get("/practices/")
        assert options(response, "evidence") == {"promising": 1}
        assert "Private one" not in response.content.decode()

    member = Client()
    member.force_login(role_user("member"))
    response = member.get("/practices/")
    # The members-only practice counts for a member; the draft counts for no one.
    assert options(response, "evidence") == {"promising": 1, "emerging": 1}
    assert options(response, "practice_area") == {"coordination": 2}
    assert response.context["listing"].total == 2


def test_counts_follow_a_publish_an_unpublish_and_a_privacy_change_at_once(client, practices):
    url = "/practices/?practice_area=coordination"
    assert options(client.get(url), "evidence") == {"promising": 1}

    draft = PracticePage.objects.get(slug="draft-one")
    factories.publish(draft)
    response = client.get(url)
    assert options(response, "evidence") == {"promising": 1, "emerging": 1}
    assert options(response, "practice_area") == {"coordination": 2, "training": 1}
    assert "Draft one" in response.content.decode()

    factories.make_members_only(PracticePage.objects.get(slug="draft-one"))
    response = client.get(url)
    assert options(response, "evidence") == {"promising": 1}
    assert "Draft one" not in response.content.decode()

    PracticePage.objects.get(slug="public-one").unpublish()
    response = client.get(url)
    assert options(response, "evidence") == {}
    assert response.context["listing"].total == 0


def test_a_retagged_page_moves_between_counts_at_once(client, practices):
    assert options(client.get("/practices/"), "practice_area") == {"coordination": 1}
    page = PracticePage.objects.get(slug="public-one")
    page.topics.set([factories.term("training")])
    factories.publish(page)
    assert options(client.get("/practices/"), "practice_area") == {"training": 1}


def test_resource_counts_by_type_leave_out_members_only_resources(client, role_user, indexes):
    factories.resource(indexes["resources"], title="Open guide", slug="open-guide", type_slug="guidebook")
    hidden = factories.resource(
        indexes["resources"], title="Closed guide", slug="closed-guide", type_slug="guidebook"
    )
    factories.make_members_only(hidden)
    assert options(client.get("/resources/"), "type") == {"guidebook": 1}
    member = Client()
    member.force_login(role_user("member"))
    assert options(member.get("/resources/"), "type") == {"guidebook": 2}
    assert ResourcePage.objects.count() == 2


def test_a_restricted_page_that_gains_a_child_hides_the_child(client, indexes):
    # A restriction on a page with no children is matched by the page's id alone...
    factories.make_members_only(indexes["briefs"])
    restrictions = access.current_restrictions()
    assert [r.leaf for r in restrictions] == [True]
    # ...until the page gains a child: the save raises the version, the restrictions reload,
    # and the restriction now covers the section by path.
    child = factories.brief(indexes["briefs"], title="Inherited brief", slug="inherited-brief")
    restrictions = access.current_restrictions()
    assert [r.leaf for r in restrictions] == [False]
    visible = access.visible_pages(type(child).objects.live(), AnonymousUser(), restrictions).values_list(
        "slug", flat=True
    )
    assert "inherited-brief" not in list(visible)
    assert "Inherited brief" not in client.get("/briefs/").content.decode()
    assert "Inherited brief" not in client.get("/").content.decode()


# --- The structure version: restrictions survive an ordinary publish, never a privacy change ---


def restriction_queries(restrictions_call):
    with CaptureQueriesContext(connection) as queries:
        restrictions = restrictions_call()
    return restrictions, [q["sql"] for q in queries if "wagtailcore_pageviewrestriction" in q["sql"]]


def test_an_ordinary_publish_keeps_the_loaded_restrictions(client, practices):
    before = access.current_restrictions()
    page = PracticePage.objects.get(slug="public-one")
    page.title = "Public one, revised"
    factories.publish(page)
    after, queries = restriction_queries(access.current_restrictions)
    assert after is before and queries == []
    # The publish itself shows at once: the content version still rose.
    assert "Public one, revised" in client.get("/practices/").content.decode()


def test_a_privacy_change_reloads_the_restrictions_at_once(client, role_user, practices):
    access.current_restrictions()
    page = factories.make_members_only(PracticePage.objects.get(slug="public-one"))
    restrictions, queries = restriction_queries(access.current_restrictions)
    assert queries and any(r.page_id == page.pk for r in restrictions)
    assert "Public one" not in client.get("/practices/").content.decode()
    assert "Public one" not in client.get("/topics/coordination/").content.decode()
    assert client.get(page.url).status_code == 302
    pending = Client()
    pending.force_login(role_user("pending"))
    assert "Public one" not in pending.get("/practices/").content.decode()

    privacy.apply_visibility(PracticePage.objects.get(pk=page.pk), privacy.PUBLIC)
    assert not any(r.page_id == page.pk for r in access.current_restrictions())
    assert "Public one" in client.get("/practices/").content.decode()


def test_a_page_moved_under_a_members_only_section_is_hidden_at_once(client, indexes):
    section = factories.make_members_only(factories.standard(factories.home(), title="Inner", slug="inner"))
    other = factories.standard(factories.home(), title="Outer", slug="outer")
    moving = factories.standard(other, title="Moving", slug="moving")
    assert client.get("/outer/moving/").status_code == 200
    access.current_restrictions()
    moving.move(section, pos="last-child")
    assert client.get("/inner/moving/").status_code == 302
    moved = Page.objects.get(pk=moving.pk)
    assert access.page_denial(moved, AnonymousUser(), access.current_restrictions()) == access.Denial.LOGIN


def test_deleting_a_restricted_page_or_a_group_raises_the_structure_version(indexes):
    page = factories.make_members_only(factories.standard(factories.home(), title="Gone", slug="gone"))
    version = freshness.structure_version()
    type(page).objects.get(pk=page.pk).delete()
    assert freshness.structure_version() > version
    assert not any(r.page_id == page.pk for r in access.current_restrictions())
    version = freshness.structure_version()
    Group.objects.create(name="Temporary").delete()
    assert freshness.structure_version() > version


# --- The result page comes from the ordered visible ids, its cards loaded by id ---


def test_result_pages_follow_the_listing_order_with_filters_and_members_only_pages(
    client, role_user, indexes
):
    index = indexes["practices"]
    now = timezone.now()
    age = {}  # hours since publishing: the newest first, then by title when two share an instant
    for n in range(PER_PAGE + 3):
        page = factories.practice(
            index, title=f"Practice {n:02d}", slug=f"practice-{n}", topics=["coordination", "training"]
        )
        age[page.title] = PER_PAGE + 3 - n if n != 6 else PER_PAGE + 3 - 7
        PracticePage.objects.filter(pk=page.pk).update(
            first_published_at=now - timedelta(hours=age[page.title])
        )
    factories.make_members_only(PracticePage.objects.get(slug="practice-1"))
    factories.make_members_only(PracticePage.objects.get(slug="practice-12"))
    every = sorted(age, key=lambda title: (age[title], title))
    assert every[:3] == ["Practice 14", "Practice 13", "Practice 12"]
    assert every.index("Practice 06") == every.index("Practice 07") - 1
    public = [title for title in every if title not in ("Practice 01", "Practice 12")]

    url = "/practices/?practice_area=coordination&practice_area=training"
    first, second = client.get(url), client.get(url + "&page=2")
    assert titles(first) + titles(second) == public
    assert first.context["listing"].total == len(public)
    assert "Practice 12" not in first.content.decode() + second.content.decode()

    member = Client()
    member.force_login(role_user("member"))
    first, second = member.get(url), member.get(url + "&page=2")
    assert titles(first) + titles(second) == every
    assert titles(member.get("/practices/?page=2")) == every[PER_PAGE:]


def test_cards_leave_out_a_page_the_visitor_may_not_see_whatever_ids_they_are_given(role_user, practices):
    # The index hands the cards only ids it has narrowed; the cards check each page again anyway.
    restrictions = access.current_restrictions()
    ids = list(PracticePage.objects.order_by("title").values_list("pk", flat=True))
    anonymous = listings._practice_cards(ids, user=AnonymousUser(), restrictions=restrictions)
    assert [page.title for page in anonymous] == ["Public one"]  # the draft is not live either
    member = listings._practice_cards(ids, user=role_user("member"), restrictions=restrictions)
    assert [page.title for page in member] == ["Private one", "Public one"]


def test_a_members_only_section_hides_its_pages_from_the_index_and_its_counts(client, role_user, practices):
    # The practices index itself made members-only: a section, matched by path, not by id.
    factories.make_members_only(practices)
    restrictions = access.current_restrictions()
    assert [r.leaf for r in restrictions if r.page_id == practices.pk] == [False]
    pages = Page.objects.live().type(PracticePage)
    assert access.visible_page_ids(pages, AnonymousUser(), restrictions) == []
    pending = role_user("pending")
    assert access.visible_page_ids(pages, pending, restrictions) == []
    assert len(access.visible_page_ids(pages, role_user("member"), restrictions)) == 2
