"""Server-side drafts: saved by a button or by script, restored, gone once posted. Nothing written is lost."""

import html as html_lib
import re

import pytest

from forum.drafts.services import MAX_DRAFT_BYTES
from forum.models import Draft, Post, Topic
from forum.services import MAX_POST_BYTES
from tests.forum.factories import a_tag, start_topic

pytestmark = pytest.mark.django_db


def _textarea(html: str) -> str:
    match = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.DOTALL)
    return html_lib.unescape(match.group(1)) if match else ""


def test_save_draft_button_keeps_a_reply_until_it_is_posted(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    saved = client.post(
        f"/forum/t/{topic.pk}/reply/", {"body": "Half-written: we call the advocate", "save_draft": "1"}
    )
    assert saved.status_code == 302 and saved["Location"] == f"/forum/t/{topic.pk}/reply/"
    form = client.get(f"/forum/t/{topic.pk}/reply/").content.decode()
    assert "Draft saved." in form and "is back in the form" in form
    assert _textarea(form) == "Half-written: we call the advocate"
    # The topic page's own reply box restores it too.
    assert "Half-written: we call the advocate" in _textarea(
        client.get(f"/forum/t/{topic.pk}/").content.decode()
    )
    # Saving again replaces it: one draft per member per topic.
    client.post(f"/forum/t/{topic.pk}/reply/", {"body": "We call the advocate first.", "save_draft": "1"})
    assert list(Draft.objects.values_list("body", flat=True)) == ["We call the advocate first."]
    # Someone else's reply form stays empty.
    assert _textarea(client_for(member).get(f"/forum/t/{topic.pk}/reply/").content.decode()) == ""
    client = client_for(peer)
    posted = client.post(f"/forum/t/{topic.pk}/reply/", {"body": "We call the advocate first."})
    assert posted.status_code == 302
    assert not Draft.objects.exists()


def test_a_quote_is_added_to_the_draft_not_in_place_of_it(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    client.post(f"/forum/t/{topic.pk}/reply/", {"body": "My own thoughts so far.", "save_draft": "1"})
    body = _textarea(client.get(f"/forum/t/{topic.pk}/reply/?quote=1").content.decode())
    assert body.startswith("My own thoughts so far.")
    assert "wrote (#1)" in body


def test_new_topic_draft_restores_every_field_and_goes_when_posted(client_for, member, open_category):
    tag = a_tag()
    client = client_for(member)
    fields = {
        "category": open_category.pk,
        "kind": "discussion",
        "title": "Draft title about hotel outreach",
        "tags": [tag.pk],
        "body": "Notes I have not finished.",
    }
    assert client.post("/forum/new/", {**fields, "save_draft": "1"}).status_code == 302
    page = client.get("/forum/new/").content.decode()
    assert 'value="Draft title about hotel outreach"' in page
    assert _textarea(page) == "Notes I have not finished."
    assert re.search(rf'<option value="{open_category.pk}"[^>]*selected', page)
    assert re.search(r'value="discussion"[^>]*checked', page)
    assert re.search(rf'<option value="{tag.pk}"[^>]*selected', page)
    assert client.post("/forum/new/", fields).status_code == 302
    assert Topic.objects.filter(title="Draft title about hotel outreach").exists()
    assert not Draft.objects.exists()


def test_the_script_saves_to_json_endpoints(client_for, member, peer, open_category, prosecutors):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    answer = client.post(f"/forum/t/{topic.pk}/draft/", {"body": "Typed so far"})
    assert answer.status_code == 200 and answer.json()["saved"] is True
    assert Draft.objects.get(user=peer, topic=topic).body == "Typed so far"
    # Clearing the box clears the draft.
    assert client.post(f"/forum/t/{topic.pk}/draft/", {"body": "   "}).json()["saved"] is False
    assert not Draft.objects.exists()
    new = client.post(
        "/forum/new/draft/",
        {
            "title": "<script>alert(1)</script>",
            "body": "x",
            "category": prosecutors.pk,
            "tags": ["1e9", "-3", "abc"],
        },
    )
    assert new.status_code == 200
    draft = Draft.objects.get(user=peer, topic__isnull=True)
    # Kept as typed (escaped when shown); a category they cannot start in, and bogus tags, are dropped.
    assert draft.title == "<script>alert(1)</script>" and draft.category_id is None and draft.tag_ids == []
    page = client.get("/forum/new/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert client.get(f"/forum/t/{topic.pk}/draft/").status_code == 405


def test_draft_endpoints_refuse_what_they_must(client_for, member, prosecutor, prosecutors):
    secret = start_topic(prosecutor, prosecutors)
    client = client_for(member)
    assert client.post(f"/forum/t/{secret.pk}/draft/", {"body": "probe"}).status_code == 404
    assert client.post("/forum/t/999999999/draft/", {"body": "probe"}).status_code == 404
    huge = "a" * (MAX_DRAFT_BYTES + 1)
    refused = client.post(f"/forum/t/{_open_topic(member).pk}/draft/", {"body": huge})
    assert refused.status_code == 400 and "too long to keep as a draft" in refused.json()["error"]
    assert not Draft.objects.exists()


def _open_topic(author):
    from tests.forum.factories import CategoryFactory

    return start_topic(author, CategoryFactory())


def test_a_reply_too_long_keeps_the_text_in_the_form(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    long_text = "Our protocol, step by step. " * (MAX_POST_BYTES // 20)
    response = client_for(peer).post(f"/forum/t/{topic.pk}/reply/", {"body": long_text})
    html = response.content.decode()
    assert response.status_code == 400
    assert "posts are limited to 100 KB" in html
    assert _textarea(html).strip() == long_text.strip()
    assert Post.objects.filter(topic=topic).count() == 1
    # And it can be kept as a draft while the member splits it.
    assert (
        client_for(peer)
        .post(f"/forum/t/{topic.pk}/reply/", {"body": long_text, "save_draft": "1"})
        .status_code
        == 302
    )
    assert Draft.objects.get(user=peer).body == long_text


def test_privacy_guard_keeps_the_text_and_title_in_the_form(client_for, member, open_category):
    text = "Call the survivor's cousin at 614-555-0199 before the hearing."
    response = client_for(member).post(
        "/forum/new/",
        {"category": open_category.pk, "kind": "discussion", "title": "Hearing logistics", "body": text},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "may identify" in html
    assert _textarea(html) == text and 'value="Hearing logistics"' in html
    assert not Topic.objects.exists()


def test_an_overlong_title_keeps_the_title_and_body(client_for, member, open_category):
    title = "T" * 300
    response = client_for(member).post(
        "/forum/new/",
        {"category": open_category.pk, "kind": "discussion", "title": title, "body": "Body I typed."},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "at most 200 characters" in html
    assert f'value="{title}"' in html and _textarea(html) == "Body I typed."


def test_an_empty_reply_is_refused_with_a_message(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    response = client_for(peer).post(f"/forum/t/{topic.pk}/reply/", {"body": "   "})
    assert response.status_code == 400 and "the post is empty" in response.content.decode()


def test_forms_load_the_draft_script_from_a_file_and_no_inline_script(
    client_for, member, open_category, django_assert_max_num_queries
):
    topic = start_topic(member, open_category)
    client = client_for(member)
    client.post(f"/forum/t/{topic.pk}/reply/", {"body": "A draft", "save_draft": "1"})
    client.get(f"/forum/t/{topic.pk}/")
    with django_assert_max_num_queries(15):
        topic_page = client.get(f"/forum/t/{topic.pk}/").content.decode()
    for html in (topic_page, client.get("/forum/new/").content.decode()):
        assert re.search(r'<script src="[^"]*forum/drafts\.js" defer></script>', html)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert 'name="save_draft"' in html
    assert "Your saved draft is in the form below." in topic_page
