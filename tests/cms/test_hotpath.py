"""What every page request reads from the cache (cms.hotpath) and the article's cached body.

The site lookup, page routes, site settings and an article's rendered body
are shared by every visitor; these tests prove each follows a change at once
and that nothing cached for a member reaches anyone else.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import BaseViewRestriction, Site

from cms.models import PracticePage, SiteSettings
from tests.cms import factories
from tests.factories import UserFactory, enrol_totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    # These tests count and inspect the rendering path; cms.public_cache would answer from its copy.
    settings.PUBLIC_PAGE_CACHE = False


@pytest.fixture
def article(indexes):
    return factories.practice(
        indexes["practices"],
        title="Share case lists",
        slug="share-case-lists",
        body=factories.body("The first version of the body."),
        topics=["coordination"],
        audiences=["leadership"],
    )


def warm_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries]


def test_a_warm_article_costs_one_query_for_anyone_and_the_session_checks_for_a_member(
    client, role_user, article
):
    # The page itself, by primary key: site, route, restrictions, settings and body come from the cache.
    assert len(warm_queries(client, article.url)) == 1
    client.force_login(role_user("member"))
    # Plus the member's user, with their groups and second-factor check (members), and the
    # session unless it lives in the cache (Redis): one to four queries, none of them the CMS's.
    assert 2 <= len(warm_queries(client, article.url)) <= 5


def test_a_warm_index_and_home_page_run_at_most_the_page_query(client, indexes, article):
    assert len(warm_queries(client, "/practices/?phase=forming-a-task-force&practice_area=coordination")) == 1
    assert len(warm_queries(client, "/")) == 0  # the home page is the site's root page, cached with the site


def test_publishing_a_new_revision_shows_the_new_body_at_once(client, article):
    assert "The first version of the body." in client.get(article.url).content.decode()
    page = PracticePage.objects.get(pk=article.pk)
    page.body = factories.body("The second version of the body.")
    factories.publish(page)
    html = client.get(article.url).content.decode()
    assert "The second version of the body." in html
    assert "The first version of the body." not in html


def test_a_draft_is_not_served_and_leaves_the_cached_body_alone(client, article):
    client.get(article.url)
    page = PracticePage.objects.get(pk=article.pk)
    page.body = factories.body("An unpublished draft.")
    page.save_revision()
    html = client.get(article.url).content.decode()
    assert "The first version of the body." in html
    assert "An unpublished draft." not in html


def test_a_members_only_articles_cached_body_never_reaches_anyone_else(client_for, role_user, article):
    factories.make_members_only(article)
    html = client_for(role_user("member")).get(article.url).content.decode()
    assert "The first version of the body." in html  # rendered, and cached, for the member
    outsider = UserFactory(groups=[])
    enrol_totp(outsider)
    for user in (None, role_user("pending"), outsider):
        response = client_for(user).get(article.url)
        assert response.status_code in (302, 403)
        assert "The first version of the body." not in response.content.decode()


def test_a_page_made_members_only_after_its_body_was_cached_leaves_anonymous_at_once(client, article):
    assert client.get(article.url).status_code == 200
    factories.make_members_only(article)
    response = client.get(article.url)
    assert response.status_code == 302
    assert "The first version of the body." not in response.content.decode()


def test_a_cached_route_follows_unpublishing_and_a_slug_change(client, article):
    assert client.get(article.url).status_code == 200
    page = PracticePage.objects.get(pk=article.pk)
    page.slug = "share-case-lists-early"
    factories.publish(page)
    assert client.get("/practices/share-case-lists/").status_code == 404
    assert client.get("/practices/share-case-lists-early/").status_code == 200
    PracticePage.objects.get(pk=article.pk).unpublish()
    assert client.get("/practices/share-case-lists-early/").status_code == 404


def test_site_settings_show_in_the_footer_at_once(client, article):
    client.get(article.url)
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.footer_notice = "A changed grant notice."
    settings.save()
    assert "A changed grant notice." in client.get(article.url).content.decode()


def test_restricted_pages_keep_wagtails_check_and_never_cache_headers(client_for, role_user, article):
    factories.restrict_to(article, restriction_type=BaseViewRestriction.PASSWORD)
    response = client_for(None).get(article.url)
    assert "password" in response.content.decode().lower()  # Wagtail's password form, not the page
    assert "The first version of the body." not in response.content.decode()

    other = factories.practice(article.get_parent(), title="Members tactics", slug="members-tactics")
    factories.make_members_only(other)
    response = client_for(role_user("member")).get(other.url)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_a_public_article_is_not_marked_uncacheable(client, article):
    response = client.get(article.url)
    assert "no-cache" not in response.get("Cache-Control", "")


def test_a_page_saved_without_a_revision_shows_its_new_body_at_once(client, article):
    # Scripts and bulk loads save pages directly; the content version still moves.
    assert "The first version of the body." in client.get(article.url).content.decode()
    page = PracticePage.objects.get(pk=article.pk)
    page.body = factories.body("Saved by a script.")
    page.save()
    assert "Saved by a script." in client.get(article.url).content.decode()


def test_an_ordinary_publish_keeps_the_cached_route(client, article, indexes):
    # Routes are cached under the structure version: a publish moves no page, so no walk by slug.
    client.get(article.url)
    factories.publish(PracticePage.objects.get(pk=article.pk))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.url).status_code == 200
    assert not any('"slug" =' in query["sql"] for query in queries)


def test_a_cached_route_follows_a_parents_slug_change(client, article, indexes):
    assert client.get(article.url).status_code == 200
    index = type(indexes["practices"]).objects.get(pk=indexes["practices"].pk)
    index.slug = "good-practices"
    factories.publish(index)
    assert client.get("/practices/share-case-lists/").status_code == 404
    assert client.get("/good-practices/share-case-lists/").status_code == 200
