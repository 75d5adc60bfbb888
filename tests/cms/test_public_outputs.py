"""What machines read: Atom feeds, sitemap.xml, robots.txt and the API carry public pages only."""

import pytest

from tests.cms import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_pages(indexes):
    public = factories.practice(indexes["practices"], title="Public practice", slug="public-practice")
    private = factories.make_members_only(
        factories.practice(indexes["practices"], title="Private practice", slug="private-practice")
    )
    brief = factories.brief(indexes["briefs"], title="Public brief", slug="public-brief")
    secret_brief = factories.make_members_only(
        factories.brief(indexes["briefs"], title="Secret brief", slug="secret")
    )
    factories.practice(indexes["practices"], title="Draft practice", slug="draft-practice", live=False)
    return {"public": public, "private": private, "brief": brief, "secret_brief": secret_brief}


def test_practices_feed_is_atom_of_public_practices(client, site_pages):
    response = client.get("/feeds/practices/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert "Public practice" in xml
    assert "http://testserver/practices/public-practice/" in xml
    assert "Private practice" not in xml
    assert "Draft practice" not in xml


def test_briefs_feed_leaves_members_only_briefs_out(client, site_pages):
    xml = client.get("/feeds/briefs/").content.decode()
    assert "Public brief" in xml
    assert "Secret brief" not in xml


def test_feeds_stay_public_for_signed_in_members(client, role_user, site_pages):
    client.force_login(role_user("member"))
    assert "Private practice" not in client.get("/feeds/practices/").content.decode()


def test_sitemap_lists_public_live_pages_only(client, role_user, site_pages):
    client.force_login(role_user("member"))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "/practices/public-practice/" in xml
    assert "/briefs/public-brief/" in xml
    for hidden in ("private-practice", "secret", "draft-practice"):
        assert hidden not in xml


def test_robots_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: " in text and text.strip().endswith("/sitemap.xml")
    for area in ("/admin/", "/accounts/", "/forum/", "/members/"):
        assert f"Disallow: {area}" in text
    # Search is crawlable: anonymous visitors only ever get public results.
    assert "/search/" not in text


def test_api_lists_public_pages_only(client, role_user, site_pages):
    for user in (None, role_user("member")):
        if user:
            client.force_login(user)
        data = client.get("/api/v2/pages/?limit=20").json()
        titles = {item["title"] for item in data["items"]}
        assert {"Public practice", "Public brief"} <= titles
        assert not {"Private practice", "Secret brief", "Draft practice"} & titles


def test_api_detail_of_a_members_only_page_is_not_found(client, site_pages):
    assert client.get(f"/api/v2/pages/{site_pages['private'].pk}/").status_code == 404
    detail = client.get(f"/api/v2/pages/{site_pages['public'].pk}/?fields=summary,topic_slugs").json()
    assert detail["summary"] == "Summary of Public practice."


def test_api_links_use_site_url(client, site_pages, settings):
    assert settings.WAGTAILAPI_BASE_URL == settings.SITE_URL  # as config/settings.py sets it
    settings.WAGTAILAPI_BASE_URL = settings.SITE_URL = "https://commons.example.org"
    data = client.get("/api/v2/pages/?limit=20").json()
    item = next(item for item in data["items"] if item["title"] == "Public practice")
    assert item["meta"]["detail_url"].startswith("https://commons.example.org/api/v2/pages/")


def test_api_does_not_list_images_or_documents(client, db):
    factories.image("Secret chart", collection=factories.members_collection(), name="secret.png")
    assert client.get("/api/v2/images/").status_code == 404
    assert client.get("/api/v2/documents/").status_code == 404
