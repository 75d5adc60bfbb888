"""Protected files: streamed by default; with PROTECTED_MEDIA_ACCEL_PREFIX, sent by nginx after the check."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from config import protected_files
from forum.attachments import services as attachments
from research.storage import research_storage
from tests.forum.factories import CategoryFactory, prosecutors_category, start_topic
from tests.forum.test_attachments import MINIMAL_PDF as PDF


@pytest.fixture
def post(role_user):
    member = role_user("member")
    return member, start_topic(member, CategoryFactory(name="Investigations", slug="inv")).posts.get(number=1)


def attach(post, member, name="plan.pdf"):
    return attachments.attach(post, by=member, upload=SimpleUploadedFile(name, PDF, "application/pdf"))


def test_by_default_django_streams_the_file(post, client_for, settings):
    member, first = post
    added = attach(first, member)
    response = client_for(member).get(f"/forum/attachments/{added.pk}/")
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF


def test_with_the_prefix_nginx_sends_it_after_the_check(post, client_for, settings, role_user):
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = "/_protected/"
    member, first = post
    added = attach(first, member, 'x"; evil=.pdf')
    response = client_for(member).get(f"/forum/attachments/{added.pk}/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/forum/{added.stored_name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="x__ evil_.pdf"'
    # The view's own headers still go out (nginx keeps them).
    assert response["Cache-Control"] == "private, max-age=3600"
    assert "sandbox" in response["Content-Security-Policy"]


def test_with_the_prefix_the_check_still_comes_first(role_user, client_for, settings):
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = "/_protected/"
    prosecutor = role_user("member", full_name="Alicia Chen")
    from django.contrib.auth.models import Group

    from forum.access import PROSECUTORS

    prosecutor.groups.add(Group.objects.get_or_create(name=PROSECUTORS)[0])
    secret = start_topic(prosecutor, prosecutors_category()).posts.get(number=1)
    added = attach(secret, prosecutor)
    for attacker in (role_user("other_task_force_member"), None):
        response = client_for(attacker).get(f"/forum/attachments/{added.pk}/")
        assert response.status_code in (302, 404)
        assert "X-Accel-Redirect" not in response


def test_a_missing_file_is_a_404_not_a_redirect_to_nothing(post, client_for, settings):
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = "/_protected/"
    member, first = post
    added = attach(first, member)
    attachments.attachment_storage().delete(added.stored_name)
    response = client_for(member).get(f"/forum/attachments/{added.pk}/")
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_names_are_url_quoted_and_only_files_under_the_root_are_handed_over(settings, tmp_path):
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected"
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = "/_protected"
    storage = research_storage()
    name = storage.save("runs/a b%?#.csv", ContentFile(b"a,b\n"))
    response = protected_files.file_response(storage, name, content_type="text/csv", filename="a.csv")
    assert name == "runs/a b%?#.csv"
    assert response["X-Accel-Redirect"] == "/_protected/research/runs/a%20b%25%3F%23.csv"
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("secret")
    assert protected_files._accel_uri(str(outside)) is None
    assert protected_files._accel_uri(str(tmp_path / "protected" / ".." / "elsewhere.txt")) is None


def test_wagtails_document_view_uses_the_same_backend(settings, tmp_path):
    from django.test import RequestFactory

    settings.PROTECTED_MEDIA_ROOT = tmp_path
    path = tmp_path / "documents" / "guide.pdf"
    path.parent.mkdir()
    path.write_bytes(PDF)
    request = RequestFactory().get("/documents/1/guide.pdf")
    streamed = protected_files.sendfile(request, str(path), mimetype="application/pdf")
    assert b"".join(streamed.streaming_content) == PDF
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = "/_protected/"
    handed = protected_files.sendfile(request, str(path), mimetype="application/pdf")
    assert handed["X-Accel-Redirect"] == "/_protected/documents/guide.pdf"
    assert handed.content == b""


@pytest.mark.parametrize("accel", ["", "/_protected/"])
def test_an_empty_or_missing_name_is_file_not_found_in_both_modes(settings, tmp_path, accel):
    settings.PROTECTED_MEDIA_ROOT = tmp_path
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = accel
    storage = research_storage()
    for name in ("", "nothing-here.csv"):
        with pytest.raises(FileNotFoundError):
            protected_files.file_response(storage, name, content_type="text/csv")
