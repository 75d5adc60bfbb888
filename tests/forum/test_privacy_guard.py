"""The privacy guard asks before anything that looks victim- or case-identifying is posted."""

import pytest

from forum import services
from forum.models import Post, PrivacyConfirmation, Topic
from forum.privacy import find_identifiers, kinds_found
from tests.forum.factories import a_tag, reply, start_topic

FLAGGED = [
    ("Her number is 614-555-0123", "phone number"),
    ("call (212) 555 0199 after six", "phone number"),
    ("SSN 123-45-6789 was on the form", "social security number"),
    ("DOB 03/14/2005", "date of birth"),
    ("born on March 3, 2004", "date of birth"),
    ("she was at 1234 North Elm Street last week", "street address"),
    ("staying near 55 Oak Ave.", "street address"),
    ("her email is jane.doe@gmail.com", "email address"),
    ("filed as 2:23-cr-00123 in the district court", "case or docket number"),
    ("Case No. 23CR4567", "case or docket number"),
    ("docket # 2023-CF-001234", "case or docket number"),
    ("the van had plate ABC 1234", "licence plate"),
    ("license plate: 7XYZ123", "licence plate"),
]

NOT_FLAGGED = [
    "We had 3 cases in 2023 and served 40 survivors.",
    "See https://www.example.org/2023/05/01/report for the numbers.",
    "Call 911 or the hotline.",
    "Between 2019-2021 we trained 300 officers.",
    "Version 1.2.3 of the protocol has 5 main steps.",
    "The main roads in the county are patrolled nightly.",
]


@pytest.mark.parametrize("text,kind", FLAGGED)
def test_identifying_data_is_spotted(text, kind):
    assert kind in kinds_found(text), find_identifiers(text)


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_ordinary_practice_talk_is_not_flagged(text):
    assert find_identifiers(text) == []


@pytest.mark.django_db
def test_a_reply_with_a_phone_number_is_held_until_confirmed_and_logged(member, peer, open_category):
    topic = start_topic(member, open_category)
    with pytest.raises(services.PrivacyCheck, match="phone number") as refused:
        reply(topic, peer, "Her cell is 614-555-0123, call her.")
    assert refused.value.findings[0].excerpt == "614-555-0123"
    assert topic.posts.count() == 1
    post = services.reply(topic, by=peer, body="The hotline is 888-373-7888.", confirmed_private=True)
    confirmation = PrivacyConfirmation.objects.get()
    assert confirmation.post == post and confirmation.kinds == ["phone number"] and confirmation.user == peer
    # Only the kind is kept, never the text it protects.
    assert "888" not in str(confirmation.kinds)


@pytest.mark.django_db
def test_titles_are_checked_too(member, open_category):
    with pytest.raises(services.PrivacyCheck):
        start_topic(member, open_category, title="Victim at 1234 North Elm Street")
    assert not Topic.objects.exists()


@pytest.mark.django_db
def test_edits_are_checked(member, open_category):
    topic = start_topic(member, open_category)
    opening = topic.posts.get()
    with pytest.raises(services.PrivacyCheck):
        services.edit_post(opening, by=member, body="DOB 03/14/2005")
    assert Post.objects.get(pk=opening.pk).body_markdown == opening.body_markdown


@pytest.mark.django_db
def test_the_form_asks_then_accepts_the_confirmation(client_for, member, open_category):
    client = client_for(member)
    data = {
        "category": open_category.pk,
        "kind": "question",
        "title": "Victim contact after court",
        "tags": [a_tag().pk],
        "body": "She asked us to call 614-555-0123 after the hearing.",
    }
    response = client.post("/forum/new/", data)
    html = response.content.decode()
    assert response.status_code == 400 and not Topic.objects.exists()
    assert "may identify" in html and "614-555-0123" in html
    assert 'type="checkbox" name="confirm_private"' in html
    response = client.post("/forum/new/", {**data, "confirm_private": "on"})
    assert response.status_code == 302 and Topic.objects.count() == 1
    assert PrivacyConfirmation.objects.get().kinds == ["phone number"]


@pytest.mark.django_db
def test_the_confirmation_box_is_not_offered_before_anything_is_flagged(client_for, member, open_category):
    html = client_for(member).get("/forum/new/").content.decode()
    assert 'type="checkbox" name="confirm_private"' not in html


@pytest.mark.django_db
def test_only_moderators_see_the_confirmation_log(client_for, member, peer, moderator, open_category):
    topic = start_topic(member, open_category)
    services.reply(topic, by=peer, body="SSN 123-45-6789", confirmed_private=True)
    assert client_for(peer).get("/forum/moderation/privacy/").status_code == 404
    page = client_for(moderator).get("/forum/moderation/privacy/")
    assert page.status_code == 200 and b"social security number" in page.content
    assert b"123-45-6789" not in page.content
