"""Members-only pages and media: who gets in, who is turned away, and what they are told."""

import pytest
from django.core.files.storage import default_storage

from cms import access
from members.roles import RESEARCHER
from tests.cms import factories
from tests.factories import UserFactory, enrol_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def members_practice(indexes):
    page = factories.practice(indexes["practices"], title="Quarterly case review", slug="case-review")
    return factories.make_members_only(page)


def test_anonymous_visitor_is_asked_to_sign_in(client, members_practice):
    response = client.get(members_practice.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/practices/case-review/")
    assert "no-cache" in response["Cache-Control"]


def test_pending_applicant_sees_application_status_not_the_page(client_for, role_user, members_practice):
    response = client_for(role_user("pending")).get(members_practice.url)
    assert response.status_code == 302
    assert response["Location"] == "/members/pending/"


def test_member_reads_members_only_page_marked_as_such(client_for, role_user, members_practice):
    response = client_for(role_user("member")).get(members_practice.url)
    assert response.status_code == 200
    assert "Quarterly case review" in response.content.decode()
    assert "Members only: not shown to the public" in response.content.decode()


def test_approved_account_without_member_group_gets_a_403_that_says_why(client_for, members_practice):
    outsider = UserFactory(groups=[])
    enrol_totp(outsider)
    response = client_for(outsider).get(members_practice.url)
    assert response.status_code == 403
    text = response.content.decode()
    assert "You do not have access to this page" in text
    assert "<strong>Member</strong> group" in text
    # The 403 page must not leak the page it protects.
    assert "Quarterly case review" not in text
    assert "Summary of Quarterly case review" not in text


def test_suspended_member_still_in_the_group_is_turned_away(client_for, role_user, members_practice):
    member = role_user("member")
    member.status = "rejected"
    member.save(update_fields=["status"])
    response = client_for(member).get(members_practice.url)
    assert response.status_code in (302, 403)
    assert "Quarterly case review" not in response.content.decode()


def test_page_for_another_group_names_that_group(client_for, role_user, indexes):
    page = factories.practice(indexes["practices"], title="Notebook review", slug="notebook-review")
    factories.restrict_to(page, RESEARCHER)
    response = client_for(role_user("member")).get(page.url)
    assert response.status_code == 403
    assert "<strong>Researcher</strong>" in response.content.decode()
    assert client_for(role_user("researcher")).get(page.url).status_code == 200


def test_login_restriction_admits_approved_accounts_only(client_for, role_user, indexes):
    page = factories.practice(indexes["practices"], title="Signed in only", slug="signed-in-only")
    factories.restrict_to(page, restriction_type="login")
    assert client_for(role_user("pending")).get(page.url).status_code == 302
    assert client_for(role_user("member")).get(page.url).status_code == 200


def test_children_inherit_privacy_of_their_section(client, indexes):
    factories.make_members_only(indexes["briefs"])
    child = factories.brief(indexes["briefs"], title="Inherited brief", slug="inherited")
    assert access.is_members_only(child)
    assert client.get(child.url).status_code == 302


def test_listings_hide_members_only_pages_from_the_public(
    client, client_for, role_user, members_practice, indexes
):
    factories.practice(indexes["practices"], title="Public practice", slug="public-practice")
    public_html = client.get("/practices/").content.decode()
    assert "Public practice" in public_html
    assert "Quarterly case review" not in public_html
    member_html = client_for(role_user("member")).get("/practices/").content.decode()
    assert "Quarterly case review" in member_html
    assert "Members only" in member_html
    pending_html = client_for(role_user("pending")).get("/practices/").content.decode()
    assert "Quarterly case review" not in pending_html


def test_home_and_topic_pages_hide_members_only_pages(client, members_practice, indexes):
    members_practice.topics.set([factories.term("coordination")])
    publish = factories.publish(members_practice)
    assert publish.topics.count() == 1
    assert "Quarterly case review" not in client.get("/").content.decode()
    assert "Quarterly case review" not in client.get("/topics/coordination/").content.decode()


# --- Documents ----------------------------------------------------------------------------


@pytest.fixture
def members_document(db):
    return factories.document(
        "Case review template", collection=factories.members_collection(), name="tpl.pdf"
    )


def test_members_only_document_needs_a_member(client, client_for, role_user, members_document):
    url = members_document.url
    assert url.startswith("/documents/")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for(role_user("pending")).get(url)["Location"] == "/members/pending/"
    outsider = UserFactory(groups=[])
    enrol_totp(outsider)
    assert client_for(outsider).get(url).status_code == 403
    member_response = client_for(role_user("member")).get(url)
    assert member_response.status_code == 200
    assert b"".join(member_response.streaming_content) == b"%PDF-1.4 test"


def test_guessed_document_ids_and_names_reveal_nothing(client, members_document):
    assert client.get(f"/documents/{members_document.pk + 100}/tpl.pdf").status_code == 404
    assert client.get(f"/documents/{members_document.pk}/other-name.pdf").status_code == 404
    # The file is not under MEDIA_ROOT, so no web server serving MEDIA_URL can hand it out.
    assert not default_storage.exists(members_document.file.name)
    assert client.get(f"/media/{members_document.file.name}").status_code == 404


def test_public_document_is_served_to_anyone(client, db):
    doc = factories.document("Public checklist", name="public.pdf")
    assert client.get(doc.url).status_code == 200


# --- Images -------------------------------------------------------------------------------


def test_members_only_image_and_its_renditions_are_served_to_members_only(client, client_for, role_user, db):
    image = factories.image("Members chart", collection=factories.members_collection(), name="secret.png")
    rendition = image.get_rendition("width-20")
    for url in (image.file.url, rendition.url):
        assert url.startswith("/assets/")
        assert client_for(None).get(url).status_code == 404
        assert client_for(role_user("pending")).get(url).status_code == 404
        response = client_for(role_user("member")).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_public_image_is_cacheable_by_anyone(client, db):
    image = factories.image("Public chart", name="public.png")
    response = client.get(image.get_rendition("width-20").url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/assets/original_images/nothing.png",
        "/assets/images/nothing.width-800.png",
        "/assets/../config/settings.py",
        "/assets/original_images/../../db.sqlite3",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/assets/" + "a" * 3000,
    ],
)
def test_guessed_image_urls_are_not_found(client, db, path):
    factories.image("Members chart", collection=factories.members_collection(), name="secret.png")
    assert client.get(path).status_code == 404


def test_image_files_never_sit_under_media_root(db):
    image = factories.image("Chart", name="chart.png")
    assert not default_storage.exists(image.file.name)
    assert image.get_rendition("width-20").url.startswith("/assets/images/")
