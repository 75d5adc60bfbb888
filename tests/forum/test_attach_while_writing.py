"""Attaching images and PDFs while writing: the reply form (on the topic page and its own page) and the
new-topic form. Files are checked before anything is posted; a refusal keeps the text and names the file."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.attachments import services as attachments
from forum.models import Attachment, Post, Topic
from tests.forum.factories import a_tag, prosecutors_category, reply, start_topic
from tests.forum.test_attachments import MINIMAL_PDF, image_bytes, jpeg_with_gps, stored_bytes, upload

pytestmark = pytest.mark.django_db

TEXT = "Here is the **intake checklist** we use with the advocate present."
TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def topic(member, open_category):
    return start_topic(member, open_category)


def _reply(client, topic, files, descriptions="", body=TEXT, **extra):
    data = {"body": body, "files": files, "image_descriptions": descriptions, **extra}
    return client.post(f"/forum/t/{topic.pk}/reply/", data)


def test_the_topic_pages_reply_form_takes_files(client_for, peer, topic):
    html = client_for(peer).get(f"/forum/t/{topic.pk}/").content.decode()
    form = html[html.index('id="reply-heading"') :]
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file" name="files"' in form and " multiple" in form
    assert 'accept="image/png,image/jpeg,image/webp,image/gif,application/pdf' in form
    assert 'name="image_descriptions"' in form


def test_a_reply_with_an_image_and_a_pdf_shows_both_under_it(client_for, peer, topic):
    client = client_for(peer)
    files = [upload(jpeg_with_gps(), "scene.jpg"), upload(MINIMAL_PDF, "checklist.pdf")]
    response = _reply(client, topic, files, "Photo of the intake room")
    assert response.status_code == 302
    post = Post.objects.get(topic=topic, number=2)
    image, pdf = Attachment.objects.filter(post=post).order_by("id")
    assert (image.kind, image.alt_text, image.display_name) == (
        "image",
        "Photo of the intake room",
        "scene.jpg",
    )
    assert b"PhoneMaker" not in stored_bytes(image)
    assert (pdf.kind, pdf.display_name, pdf.alt_text) == ("pdf", "checklist.pdf", "")
    html = client.get(f"/forum/t/{topic.pk}/").content.decode()
    assert f'src="/forum/attachments/{image.pk}/" alt="Photo of the intake room"' in html
    assert f'<a href="/forum/attachments/{pdf.pk}/">checklist.pdf</a>' in html


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"<html><script>alert(1)</script></html>", "photo.png", "Only images (PNG, JPEG, WebP or GIF)"),
        (b"", "empty.png", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (TEN_MB + 1), "huge.png", "limited to 10 MB"),
        (b"MZ\x90\x00 not a document", "report.pdf", "Only images (PNG, JPEG, WebP or GIF)"),
    ],
    ids=["html-renamed-png", "empty", "over-10-MB", "executable-renamed-pdf"],
)
def test_a_bad_file_keeps_the_reply_text_and_posts_nothing(client_for, peer, topic, data, name, message):
    response = _reply(client_for(peer), topic, [upload(data, name)], "A description")
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and name in html
    assert "choose the files again" in html
    assert "Here is the **intake checklist**" in html
    assert Post.objects.filter(topic=topic).count() == 1 and not Attachment.objects.exists()


def test_one_bad_file_among_good_ones_stores_none_of_them(client_for, peer, topic):
    files = [upload(image_bytes(), "good.png"), upload(b"GIF89a broken", "bad.gif")]
    response = _reply(client_for(peer), topic, files, "A chart")
    assert response.status_code == 400 and "bad.gif" in response.content.decode()
    assert not Attachment.objects.exists() and Post.objects.filter(topic=topic).count() == 1


def test_an_image_without_a_description_is_refused_with_its_name(client_for, peer, topic):
    response = _reply(client_for(peer), topic, [upload(image_bytes(), "chart.png")])
    html = response.content.decode()
    assert response.status_code == 400 and "chart.png: describe this image" in html
    assert not Attachment.objects.exists()


def test_more_than_ten_files_are_refused(client_for, peer, topic):
    files = [upload(MINIMAL_PDF, f"f{n}.pdf") for n in range(attachments.MAX_PER_POST + 1)]
    response = _reply(client_for(peer), topic, files)
    assert response.status_code == 400 and "at most 10 files" in response.content.decode()


def test_a_hostile_file_name_is_cleaned_and_never_a_path(client_for, peer, topic):
    name = '../../etc/<img src=x onerror=alert(1)>".png'
    response = _reply(client_for(peer), topic, [upload(image_bytes(), name)], "<script>alert(2)</script>")
    assert response.status_code == 302
    added = Attachment.objects.get()
    assert "/" not in added.display_name and "<" not in added.display_name and ".." not in added.stored_name
    html = client_for(peer).get(f"/forum/t/{topic.pk}/").content.decode()
    assert "<script>alert(2)</script>" not in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_the_privacy_guard_keeps_the_text_and_asks_for_the_files_again(client_for, peer, topic):
    response = _reply(
        client_for(peer), topic, [upload(MINIMAL_PDF, "a.pdf")], body="Call her on 614-555-0123"
    )
    html = response.content.decode()
    assert response.status_code == 400 and "614-555-0123" in html and "choose the files again" in html
    assert not Attachment.objects.exists()


def test_a_preview_says_the_files_must_be_chosen_again(client_for, peer, topic):
    response = _reply(client_for(peer), topic, [upload(MINIMAL_PDF, "a.pdf")], preview="1")
    html = response.content.decode()
    assert "choose the files again" in html and "intake checklist" in html
    assert not Attachment.objects.exists()


def test_a_reply_without_files_still_works(client_for, peer, topic):
    assert _reply(client_for(peer), topic, []).status_code == 302
    assert Post.objects.filter(topic=topic).count() == 2 and not Attachment.objects.exists()


def test_who_may_reply_with_files(client_for, role_user, member, peer, moderator, prosecutor, topic):
    pdf = MINIMAL_PDF
    anonymous = _reply(client_for(None), topic, [upload(pdf, "a.pdf")])
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    pending = _reply(client_for(role_user("pending")), topic, [upload(pdf, "a.pdf")])
    assert pending.status_code == 302 and pending["Location"] == "/members/pending/"
    closed = start_topic(prosecutor, prosecutors_category(), title="For prosecutors")
    assert _reply(client_for(member), closed, [upload(pdf, "a.pdf")]).status_code == 404
    assert _reply(client_for(moderator), topic, [upload(pdf, "m.pdf")]).status_code == 302
    assert not Attachment.objects.filter(post__topic=closed).exists()
    assert Attachment.objects.get().uploader == moderator


def test_a_locked_topic_takes_no_files(client_for, peer, moderator, topic):
    from forum import services

    services.set_topic_flags(topic, by=moderator, is_locked=True)
    response = _reply(client_for(peer), topic, [upload(MINIMAL_PDF, "a.pdf")])
    assert response.status_code == 302 and not Attachment.objects.exists()


def test_the_topic_page_costs_the_same_queries_with_files_on_every_post(client_for, member, peer, topic):
    for n in range(3):
        reply(topic, peer, body=f"Reply {n}")
    client = client_for(member)
    url = f"/forum/t/{topic.pk}/"
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for post in Post.objects.filter(topic=topic, number__gt=1):
        attachments.attach(post, by=peer, upload=upload(MINIMAL_PDF, "a.pdf"))
        attachments.attach(post, by=peer, upload=upload(image_bytes(), "b.png"), alt_text="Chart")
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    # One query loads the page's files, whether there are none or many.
    assert len(after) <= len(before) + 1 and html.count('class="forum-attachment-image"') == 3


def test_a_new_topic_with_a_file(client_for, member, open_category):
    data = {
        "category": open_category.pk,
        "kind": Topic.Kind.QUESTION,
        "title": "Intake checklists",
        "tags": [a_tag().pk],
        "body": TEXT,
        "files": [upload(MINIMAL_PDF, "checklist.pdf")],
        "image_descriptions": "",
    }
    client = client_for(member)
    form = client.get("/forum/new/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'type="file" name="files"' in form
    response = client.post("/forum/new/", data)
    assert response.status_code == 302
    created = Topic.objects.get(title="Intake checklists")
    assert Attachment.objects.get().post == created.posts.get(number=1)


def test_a_bad_file_on_a_new_topic_keeps_title_and_text(client_for, member, open_category):
    data = {
        "category": open_category.pk,
        "kind": Topic.Kind.QUESTION,
        "title": "Intake checklists",
        "tags": [a_tag().pk],
        "body": TEXT,
        "files": [upload(b"<svg onload=alert(1)>", "chart.png")],
    }
    response = client_for(member).post("/forum/new/", data)
    html = response.content.decode()
    assert response.status_code == 400 and "Only images" in html and "choose the files again" in html
    assert 'value="Intake checklists"' in html and "intake checklist" in html
    assert not Topic.objects.filter(title="Intake checklists").exists() and not Attachment.objects.exists()
