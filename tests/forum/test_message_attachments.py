"""Files in private messages: the same checks as a post's, stored with the message, and sent only to
the conversation's current participants (forum.access.can_download_attachment), never to moderators."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.attachments import services as attachments
from forum.conversations import services as conversations
from forum.models import Attachment, ConversationMessage
from tests.forum.test_attachments import MINIMAL_PDF, image_bytes, jpeg_with_gps, stored_bytes, upload

pytestmark = pytest.mark.django_db

TEXT = "The victim-services contact list is attached; do not forward it."
TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def third(role_user):
    return role_user("coordinator", full_name="Cora Coordinator")


@pytest.fixture
def conversation(member, peer):
    return conversations.start_conversation(
        by=member, recipients=[peer], title="Contact list", body="Shall I send the list?"
    )


def _send(client, conversation, files, descriptions="", body=TEXT, **extra):
    data = {"body": body, "files": files, "image_descriptions": descriptions, **extra}
    return client.post(f"/forum/messages/{conversation.pk}/", data)


def _sent_file(member, conversation, name="contacts.pdf", data=MINIMAL_PDF, alt=""):
    checked = attachments.check_all([upload(data, name)], alt)
    message = conversations.send_message(conversation, by=member, body=TEXT, files=checked)
    return message.attachments.get()


def test_a_participant_sends_a_photo_and_a_pdf_and_both_show_in_the_conversation(
    client_for, member, peer, conversation
):
    client = client_for(member)
    page = client.get(f"/forum/messages/{conversation.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file" name="files"' in page
    files = [upload(jpeg_with_gps(), "office.jpg"), upload(MINIMAL_PDF, "contacts.pdf")]
    assert _send(client, conversation, files, "The office door").status_code == 302
    message = ConversationMessage.objects.get(conversation=conversation, number=2)
    image, pdf = message.attachments.order_by("id")
    assert image.post is None and (image.kind, image.alt_text) == ("image", "The office door")
    assert b"PhoneMaker" not in stored_bytes(image)
    html = client_for(peer).get(f"/forum/messages/{conversation.pk}/").content.decode()
    assert f'src="/forum/attachments/{image.pk}/" alt="The office door"' in html
    assert f'<a href="/forum/attachments/{pdf.pk}/">contacts.pdf</a>' in html


def test_a_new_conversation_can_carry_a_file(client_for, member, peer):
    data = {
        "to": [peer.pk],
        "title": "Contact list",
        "body": TEXT,
        "files": [upload(MINIMAL_PDF, "contacts.pdf")],
        "image_descriptions": "",
    }
    client = client_for(member)
    assert 'enctype="multipart/form-data"' in client.get("/forum/messages/new/").content.decode()
    assert client.post("/forum/messages/new/", data).status_code == 302
    assert Attachment.objects.get().message.conversation.title == "Contact list"


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"<html><script>alert(1)</script></html>", "photo.png", "Only images (PNG, JPEG, WebP or GIF)"),
        (b"", "empty.pdf", "The file is empty"),
        (b"%PDF-1.4\n" + b"0" * (TEN_MB + 1), "huge.pdf", "limited to 10 MB"),
        (
            MINIMAL_PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction 3 0 R"),
            "auto.pdf",
            "contains scripts",
        ),
    ],
    ids=["html-renamed-png", "empty", "over-10-MB", "pdf-with-an-action"],
)
def test_a_bad_file_keeps_the_message_text_and_sends_nothing(
    client_for, member, conversation, data, name, message
):
    response = _send(client_for(member), conversation, [upload(data, name)], "Description")
    html = response.content.decode()
    assert response.status_code == 400 and message in html and "choose the files again" in html
    assert "do not forward it" in html
    assert conversation.messages.count() == 1 and not Attachment.objects.exists()


def test_a_bad_file_on_a_new_conversation_keeps_everything_typed(client_for, member, peer):
    data = {"to": [peer.pk], "title": "Contact list", "body": TEXT, "files": [upload(b"", "x.png")]}
    response = client_for(member).post("/forum/messages/new/", data)
    html = response.content.decode()
    assert response.status_code == 400 and "The file is empty" in html
    assert 'value="Contact list"' in html and "do not forward it" in html
    assert f'name="to" value="{peer.pk}" checked' in html and peer.email not in html
    assert not ConversationMessage.objects.exists()


def test_a_hostile_file_name_is_made_harmless(client_for, member, peer, conversation):
    name = "..\\..\\<script>alert(1)</script>.pdf"
    assert _send(client_for(member), conversation, [upload(MINIMAL_PDF, name)]).status_code == 302
    added = Attachment.objects.get()
    assert "<" not in added.display_name and "\\" not in added.display_name
    html = client_for(peer).get(f"/forum/messages/{conversation.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    download = client_for(peer).get(f"/forum/attachments/{added.pk}/")
    assert "<" not in download["Content-Disposition"] and download["X-Content-Type-Options"] == "nosniff"


def test_only_current_participants_download_a_messages_file(
    client_for, role_user, member, peer, third, moderator, conversation
):
    added = _sent_file(member, conversation)
    url = f"/forum/attachments/{added.pk}/"
    mine = client_for(member).get(url)
    assert mine.status_code == 200 and b"".join(mine.streaming_content) == MINIMAL_PDF
    assert mine["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client_for(peer).get(url).status_code == 200
    assert client_for(third).get(url).status_code == 404
    assert client_for(moderator).get(url).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client_for(role_user("pending")).get(url)["Location"] == "/members/pending/"


def test_a_reported_messages_file_stays_with_the_participants(
    client_for, member, peer, moderator, conversation
):
    added = _sent_file(member, conversation)
    conversations.report_message(added.message, by=peer, reason="other")
    assert client_for(moderator).get(f"/forum/attachments/{added.pk}/").status_code == 404


def test_leaving_or_losing_membership_ends_access(client_for, member, peer, third):
    conversation = conversations.start_conversation(
        by=member, recipients=[peer, third], title="Three of us", body="Hello both"
    )
    added = _sent_file(member, conversation)
    url = f"/forum/attachments/{added.pk}/"
    conversations.leave(conversation, by=peer)
    assert client_for(peer).get(url).status_code == 404
    third.is_active = False
    third.save(update_fields=["is_active"])
    assert client_for(third).get(url).status_code in (302, 404)
    assert client_for(member).get(url).status_code == 200


def test_a_messages_file_cannot_be_removed_through_the_post_tools(client_for, member, conversation):
    added = _sent_file(member, conversation)
    assert client_for(member).post(f"/forum/attachments/{added.pk}/remove/").status_code == 404
    assert Attachment.objects.filter(pk=added.pk).exists()


def test_the_conversation_page_loads_every_file_in_one_query(client_for, member, peer, conversation):
    for n in range(3):
        conversations.send_message(conversation, by=peer, body=f"Message {n}")
    client = client_for(member)
    url = f"/forum/messages/{conversation.pk}/"
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(3):
        checked = attachments.check_all(
            [upload(image_bytes(), "a.png"), upload(MINIMAL_PDF, "b.pdf")], "Chart"
        )
        conversations.send_message(conversation, by=peer, body=f"With files {n}", files=checked)
    client.get(url)
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert len(after) == len(before) and html.count('class="forum-attachment-image"') == 3
