"""Wagtail's own privacy dialog keeps page privacy and asset privacy in step, like the page form does."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from cms import access
from members.roles import MEMBER, MODERATOR
from tests.cms import factories

pytestmark = pytest.mark.django_db


def set_privacy(client, page, restriction_type, groups=()):
    url = reverse("wagtailadmin_pages:set_privacy", args=[page.pk])
    data = {"restriction_type": restriction_type, "password": ""}
    if groups:
        data["groups"] = [Group.objects.get(name=name).pk for name in groups]
    response = client.post(url, data)
    assert response.status_code == 200
    return json.loads(response.content)


def with_image(page, image):
    page.body = [{"type": "image", "value": {"image": image.pk, "alt_text": "A chart", "caption": ""}}]
    return factories.publish(page)


def with_document(page, document):
    page.body = [{"type": "document", "value": {"document": document.pk, "link_text": "Template"}}]
    return factories.publish(page)


@pytest.fixture
def reviewer(client_for, role_user):
    return client_for(role_user("reviewer"))


def test_dialog_refuses_to_make_a_page_with_public_pictures_members_only(reviewer, indexes):
    page = with_image(factories.practice(indexes["practices"]), factories.image("Open chart"))

    result = set_privacy(reviewer, page, "groups", [MEMBER])

    assert result["step"] == "set_privacy"  # the dialog again, not "done"
    assert "Open chart" in result["html"]
    assert "public collection" in result["html"]
    assert "Nothing was changed." in result["html"]
    assert not PageViewRestriction.objects.filter(page=page).exists()


def test_dialog_refuses_to_make_a_page_with_members_only_documents_public(reviewer, indexes):
    page = factories.practice(indexes["practices"], title="Case review", slug="case-review")
    factories.make_members_only(page)
    secret = factories.document("Case review template", collection=factories.members_collection())
    page = with_document(page, secret)

    result = set_privacy(reviewer, page, "none")

    assert result["step"] == "set_privacy"
    assert "Case review template" in result["html"]
    assert "members-only, but this page is public" in result["html"]
    assert access.is_members_only(page)
    # The document is still only for members: an anonymous visitor cannot fetch it.
    reviewer.logout()
    response = reviewer.get(secret.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dialog_refuses_to_restrict_a_section_whose_pages_use_public_assets(reviewer, indexes):
    with_image(factories.practice(indexes["practices"], title="Hotel outreach"), factories.image("Lobby"))
    factories.practice(indexes["practices"], title="Plain practice", slug="plain")

    result = set_privacy(reviewer, indexes["practices"], "groups", [MEMBER])

    assert result["step"] == "set_privacy"
    assert "“Hotel outreach”" in result["html"]
    assert "Plain practice" not in result["html"]
    assert not PageViewRestriction.objects.filter(page=indexes["practices"]).exists()


def test_dialog_checks_the_unpublished_draft_too(reviewer, indexes):
    page = factories.practice(indexes["practices"])
    page.body = [
        {
            "type": "image",
            "value": {"image": factories.image("Draft chart").pk, "alt_text": "A chart", "caption": ""},
        }
    ]
    page.save_revision()  # a draft, not published

    result = set_privacy(reviewer, page, "groups", [MEMBER])

    assert result["step"] == "set_privacy"
    assert "Draft chart" in result["html"]


def test_dialog_changes_privacy_when_assets_agree(reviewer, indexes):
    members_image = factories.image("Members chart", collection=factories.members_collection())
    page = with_image(factories.practice(indexes["practices"]), members_image)
    factories.make_members_only(page)

    # Members-only assets are fine on a page restricted to a smaller group.
    result = set_privacy(reviewer, page, "groups", [MODERATOR])
    assert result["step"] == "set_privacy_done"
    restriction = PageViewRestriction.objects.get(page=page)
    assert list(restriction.groups.values_list("name", flat=True)) == [MODERATOR]

    plain = factories.practice(indexes["practices"], title="No pictures", slug="no-pictures")
    assert set_privacy(reviewer, plain, "groups", [MEMBER])["step"] == "set_privacy_done"
    assert access.is_members_only(plain)
    assert set_privacy(reviewer, plain, "none")["step"] == "set_privacy_done"
    assert not access.is_members_only(plain)


def test_page_made_public_under_a_members_only_section_keeps_members_only_assets(reviewer, indexes):
    # "Public" in the dialog under a restricted section means "inherit": the page stays members-only.
    section = indexes["briefs"]
    factories.make_members_only(section)
    members_image = factories.image("Members chart", collection=factories.members_collection())
    page = factories.brief(section)
    page.narrative = [{"type": "image", "value": {"image": members_image.pk, "alt_text": "x", "caption": ""}}]
    factories.publish(page)

    result = set_privacy(reviewer, page, "none")

    assert result["step"] == "set_privacy_done"
    assert access.is_members_only(page)


def test_editor_still_cannot_open_the_dialog(client_for, role_user, indexes):
    page = factories.practice(indexes["practices"])
    response = client_for(role_user("editor")).post(
        reverse("wagtailadmin_pages:set_privacy", args=[page.pk]), {"restriction_type": "none"}
    )
    assert response.status_code in {302, 403}
