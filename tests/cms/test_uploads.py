"""Uploading images and documents in the admin: allowed types only, size limits, protected storage."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.cms import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, role_user):
    client.force_login(role_user("editor"))
    return client


def upload_document(client, name, content, collection):
    return client.post(
        "/admin/documents/add/",
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": collection.pk, "tags": ""},
    )


def upload_image(client, name, content, collection, content_type="image/png"):
    return client.post(
        "/admin/images/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": collection.pk,
            "tags": "",
        },
    )


def test_editor_uploads_a_pdf_into_the_members_only_collection(editor_client):
    response = upload_document(editor_client, "template.pdf", b"%PDF-1.4 x", factories.members_collection())
    assert response.status_code == 302
    document = get_document_model().objects.get(title="template.pdf")
    assert document.collection.name == "Members only"


@pytest.mark.parametrize("name", ["payload.exe", "page.html", "script.js", "drawing.svg", "noextension"])
def test_disallowed_document_types_are_refused(editor_client, name):
    response = upload_document(
        editor_client, name, b"<script>alert(1)</script>", factories.public_collection()
    )
    assert response.status_code == 200
    assert "File extension" in response.content.decode() and "is not allowed" in response.content.decode()
    assert not get_document_model().objects.exists()


def test_svg_images_are_refused(editor_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload_image(editor_client, "logo.svg", svg, factories.public_collection(), "image/svg+xml")
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


def test_a_file_that_only_claims_to_be_an_image_is_refused(editor_client):
    response = upload_image(editor_client, "chart.png", b"not an image at all", factories.public_collection())
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


def test_huge_images_are_refused_with_the_limit(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    big = factories.png_bytes(width=800, height=800, colour="white") + b"\0" * 2048
    response = upload_image(editor_client, "big.png", big, factories.public_collection())
    assert response.status_code == 200
    assert "This file is too big" in response.content.decode()
    assert not get_image_model().objects.exists()
