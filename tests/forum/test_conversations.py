"""Private messages: only participants read them, unread counts, leaving, reports, emails, bad input."""

import pytest
from django.core import mail

from forum.conversations import services as conversations
from forum.models import ConversationParticipant, MessageReport, ModerationAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(role_user):
    return role_user("coordinator", full_name="Cora Coordinator")


def start(by, *others, title="Joint interview protocol", body="Can we compare notes privately?"):
    return conversations.start_conversation(by=by, recipients=list(others), title=title, body=body)


def row(conversation, user):
    return ConversationParticipant.objects.get(conversation=conversation, user=user)


class TestWhoReads:
    def test_participants_read_and_nobody_else_not_even_moderators(
        self, member, peer, third, moderator, client_for
    ):
        conversation = start(member, peer)
        url = f"/forum/messages/{conversation.pk}/"
        assert client_for(member).get(url).status_code == 200
        assert client_for(peer).get(url).status_code == 200
        assert client_for(third).get(url).status_code == 404
        assert client_for(moderator).get(url).status_code == 404
        assert client_for(None).get(url).status_code == 302
        page = client_for(third).get("/forum/messages/").content.decode()
        assert "Joint interview protocol" not in page

    def test_someone_who_stops_being_a_member_loses_access_and_gets_no_email(
        self, member, peer, client_for, django_capture_on_commit_callbacks
    ):
        conversation = start(member, peer)
        peer.is_active = False
        peer.save(update_fields=["is_active"])
        with django_capture_on_commit_callbacks(execute=True):
            conversations.send_message(conversation, by=member, body="Are you still there?")
        assert mail.outbox == []
        assert conversations.participant_for(conversation.pk, peer) is None
        assert conversations.unread_conversations(peer) == 0

    def test_a_participant_who_leaves_loses_it_and_the_others_keep_it(self, member, peer, third, client_for):
        conversation = start(member, peer, third)
        client = client_for(peer)
        response = client.post(f"/forum/messages/{conversation.pk}/leave/", follow=True)
        assert "You have left" in response.content.decode()
        assert client.get(f"/forum/messages/{conversation.pk}/").status_code == 404
        with pytest.raises(conversations.NotAllowed):
            conversations.send_message(conversation, by=peer, body="Back again")
        conversations.send_message(conversation, by=third, body="Still here")
        page = client_for(member).get(f"/forum/messages/{conversation.pk}/").content.decode()
        assert "Still here" in page and "(left)" in page


class TestUnreadAndEmails:
    def test_unread_counts_follow_messages_and_reading(
        self, member, peer, client_for, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            conversation = start(member, peer)
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [peer.email]
        assert "Joint interview" not in mail.outbox[0].body + mail.outbox[0].subject
        assert "Can we compare" not in mail.outbox[0].body
        assert conversations.unread_conversations(peer) == 1
        assert conversations.unread_conversations(member) == 0
        conversations.send_message(conversation, by=member, body="And one more thing.")
        assert row(conversation, peer).unread_count == 2
        inbox = client_for(peer).get("/forum/messages/").content.decode()
        assert "1 conversation with unread messages" in inbox
        client_for(peer).get(f"/forum/messages/{conversation.pk}/")
        assert conversations.unread_conversations(peer) == 0

    def test_replying_from_the_page_lands_on_the_new_message(self, member, peer, client_for):
        conversation = start(member, peer)
        response = client_for(peer).post(
            f"/forum/messages/{conversation.pk}/", {"body": "Happy to help **today**."}
        )
        assert response.status_code == 302 and response["Location"].endswith("?page=1#m-2")
        page = client_for(member).get(f"/forum/messages/{conversation.pk}/").content.decode()
        assert "Happy to help <strong>today</strong>." in page


class TestWriting:
    def test_starting_from_the_page_with_members_picked_by_name(self, member, peer, third, client_for):
        response = client_for(member).post(
            "/forum/messages/new/",
            {"to": [peer.pk, third.pk], "title": "Three of us", "body": "Hello both"},
        )
        assert response.status_code == 302
        conversation = conversations.Conversation.objects.get(title="Three of us")
        assert set(conversation.participants.values_list("user_id", flat=True)) == {
            member.pk,
            peer.pk,
            third.pk,
        }

    def test_the_to_link_prefills_a_member_by_name_never_by_address(self, member, peer, client_for):
        page = client_for(member).get(f"/forum/messages/new/?to={peer.pk}").content.decode()
        assert f'name="to" value="{peer.pk}" checked> {peer.full_name}' in page
        assert peer.email not in page

    @pytest.mark.parametrize(
        "to,message",
        [
            (["999999"], "Someone you chose can no longer receive messages"),
            ([], "Add at least one member to write to"),
            (["'; DROP TABLE users; --"], "Someone you chose can no longer receive messages"),
        ],
    )
    def test_unknown_or_hostile_recipients_are_refused_keeping_the_text(
        self, member, client_for, to, message
    ):
        response = client_for(member).post(
            "/forum/messages/new/", {"to": to, "title": "Kept subject", "body": "My long careful message"}
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert message in page
        assert "My long careful message" in page and "Kept subject" in page
        assert not conversations.Conversation.objects.exists()

    def test_writing_to_pending_or_disabled_people_or_yourself_is_refused(self, member, peer, role_user):
        pending = role_user("pending")
        with pytest.raises(conversations.ForumError, match="can no longer receive messages"):
            conversations.find_recipients([pending.pk], by=member)
        peer.is_active = False
        peer.save(update_fields=["is_active"])
        with pytest.raises(conversations.ForumError, match="can no longer receive messages"):
            conversations.find_recipients([peer.pk], by=member)
        with pytest.raises(conversations.ForumError, match="already"):
            conversations.find_recipients([member.pk], by=member)


class TestAddressingByName:
    """The directory never shows email addresses, so members find each other by name."""

    def test_suggestions_as_you_type_give_names_and_task_forces_only(
        self, member, peer, third, role_user, client_for
    ):
        pending = role_user("pending", full_name="Cora Pending")
        disabled = role_user("member", full_name="Cora Disabled")
        disabled.is_active = False
        disabled.save(update_fields=["is_active"])
        response = client_for(member).get("/forum/messages/recipients/?q=cora")
        assert response["Content-Type"] == "application/json"
        results = response.json()["results"]
        assert [r["name"] for r in results] == ["Cora Coordinator"]
        assert results[0]["id"] == third.pk and results[0]["detail"]
        assert "@" not in response.content.decode()
        assert pending.full_name not in response.content.decode()

    def test_suggestions_leave_out_the_sender_and_need_two_letters(self, member, client_for):
        client = client_for(member)
        assert client.get(f"/forum/messages/recipients/?q={member.full_name}").json() == {"results": []}
        assert client.get("/forum/messages/recipients/?q=c").json() == {"results": []}

    def test_suggestions_are_for_members_only(self, role_user, client_for):
        response = client_for(role_user("pending")).get("/forum/messages/recipients/?q=cora")
        assert response.status_code in (302, 403)

    def test_without_javascript_a_search_step_finds_and_keeps_what_was_written(
        self, member, peer, third, client_for
    ):
        client = client_for(member)
        found = client.post(
            "/forum/messages/new/",
            {"find": "Cora", "find_members": "1", "title": "Interview rooms", "body": "Draft so far"},
        )
        html = found.content.decode()
        assert found.status_code == 200
        assert "1 member found for “Cora”" in html
        assert f'name="to" value="{third.pk}" checked> Cora Coordinator' in html
        assert 'value="Interview rooms"' in html and "Draft so far" in html
        assert "This field is required" not in html and third.email not in html
        sent = client.post(
            "/forum/messages/new/", {"to": [third.pk], "title": "Interview rooms", "body": "Draft so far"}
        )
        assert sent.status_code == 302
        conversation = conversations.Conversation.objects.get(title="Interview rooms")
        assert set(conversation.participants.values_list("user_id", flat=True)) == {member.pk, third.pk}

    def test_pressing_send_with_only_a_name_typed_searches_instead(self, member, third, client_for):
        response = client_for(member).post(
            "/forum/messages/new/", {"find": "coordinator", "title": "Hi", "body": "Hello"}
        )
        assert response.status_code == 200 and "Cora Coordinator" in response.content.decode()
        assert not conversations.Conversation.objects.exists()

    def test_a_search_with_no_match_says_so(self, member, client_for):
        html = (
            client_for(member)
            .post("/forum/messages/new/", {"find": "Zebulon", "find_members": "1", "title": "", "body": ""})
            .content.decode()
        )
        assert "No member’s name contains “Zebulon”" in html

    def test_every_profile_has_a_message_button(self, member, peer, client_for):
        html = client_for(member).get(f"/members/{peer.pk}/").content.decode()
        assert f'href="/forum/messages/new/?to={peer.pk}"' in html
        assert ">Message</a>" in html
        own = client_for(member).get(f"/members/{member.pk}/").content.decode()
        assert "/forum/messages/new/?to=" not in own

    def test_the_privacy_guard_asks_before_sending(self, member, peer, client_for):
        conversation = start(member, peer)
        client = client_for(member)
        body = "The victim's phone is 614-555-0199."
        response = client.post(f"/forum/messages/{conversation.pk}/", {"body": body})
        page = response.content.decode()
        assert response.status_code == 400 and "Check before sending" in page and "614-555-0199" in page
        assert conversation.messages.count() == 1
        response = client.post(f"/forum/messages/{conversation.pk}/", {"body": body, "confirm_private": "on"})
        assert response.status_code == 302 and conversation.messages.count() == 2

    def test_empty_huge_and_xss_messages(self, member, peer, client_for):
        conversation = start(member, peer)
        client = client_for(member)
        empty = client.post(f"/forum/messages/{conversation.pk}/", {"body": "   "})
        assert empty.status_code == 400
        huge = client.post(f"/forum/messages/{conversation.pk}/", {"body": "x" * (101 * 1024)})
        assert huge.status_code == 400 and "posts are limited to 100 KB" in huge.content.decode()
        client.post(
            f"/forum/messages/{conversation.pk}/",
            {"body": '<img src=x onerror="alert(1)"><script>alert(2)</script>'},
        )
        page = client_for(peer).get(f"/forum/messages/{conversation.pk}/").content.decode()
        assert "<script>alert(2)" not in page and "<img src=x" not in page


class TestReports:
    def test_a_reported_message_and_only_it_reaches_the_moderators(self, member, peer, moderator, client_for):
        conversation = start(member, peer, body="First, harmless message")
        bad = conversations.send_message(conversation, by=member, body="You are useless")
        response = client_for(peer).post(
            f"/forum/messages/m/{bad.pk}/report/", {"reason": "abusive"}, follow=True
        )
        assert "A moderator will read this one message" in response.content.decode()
        page = client_for(moderator).get("/forum/moderation/messages/").content.decode()
        assert "You are useless" in page and "First, harmless message" not in page
        report = MessageReport.objects.get()
        client_for(moderator).post(f"/forum/moderation/messages/{report.pk}/resolve/")
        report.refresh_from_db()
        assert report.resolved_at is not None
        assert ModerationAction.objects.filter(action="message_report").count() == 1

    def test_reports_from_outsiders_of_own_messages_and_twice_are_refused(
        self, member, peer, third, client_for
    ):
        conversation = start(member, peer)
        first = conversation.messages.get(number=1)
        assert (
            client_for(third).post(f"/forum/messages/m/{first.pk}/report/", {"reason": "spam"}).status_code
            == 404
        )
        with pytest.raises(conversations.ForumError, match="your own"):
            conversations.report_message(first, by=member, reason="spam")
        conversations.report_message(first, by=peer, reason="spam")
        with pytest.raises(conversations.ForumError, match="already reported"):
            conversations.report_message(first, by=peer, reason="spam")
        with pytest.raises(conversations.ForumError, match="reason"):
            conversations.report_message(first, by=peer, reason="<script>")

    def test_members_do_not_see_the_reported_messages_list(self, member, client_for):
        assert client_for(member).get("/forum/moderation/messages/").status_code == 404


class TestQueryCounts:
    def test_the_inbox_pages_by_number_in_constant_queries(
        self, member, peer, client_for, django_assert_max_num_queries
    ):
        start(peer, member, title="Conversation 0")
        client = client_for(member)
        client.get("/forum/messages/")
        with django_assert_max_num_queries(12) as few:
            client.get("/forum/messages/")
        for n in range(1, 30):
            start(peer, member, title=f"Conversation {n}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            first = client.get("/forum/messages/").content.decode()
        assert first.count("/forum/messages/") >= 25 and "Conversation 29" in first
        assert "Conversation 0" not in first
        second = client.get("/forum/messages/?page=2").content.decode()
        assert "Conversation 0" in second and 'aria-current="page">2<' in second

    def test_a_long_conversation_pages_in_constant_queries(
        self, member, peer, client_for, django_assert_max_num_queries
    ):
        conversation = start(member, peer)
        client = client_for(member)
        client.get(f"/forum/messages/{conversation.pk}/")
        with django_assert_max_num_queries(16) as few:
            client.get(f"/forum/messages/{conversation.pk}/")
        for n in range(40):
            conversations.send_message(conversation, by=peer if n % 2 else member, body=f"Message {n}")
        with django_assert_max_num_queries(len(few.captured_queries) + 1):
            page = client.get(f"/forum/messages/{conversation.pk}/?page=2").content.decode()
        assert "Message 39" in page and "Message 0<" not in page


def test_name_suggestions_cost_the_same_queries_for_few_or_many_members(
    member, role_user, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    role_user("coordinator", full_name="Cora Coordinator")
    client = client_for(member)
    client.get("/forum/messages/recipients/?q=cora")
    with CaptureQueriesContext(connection) as few:
        client.get("/forum/messages/recipients/?q=cora")
    for n in range(12):
        role_user("member", full_name=f"Cora Member {n}")
    with django_assert_max_num_queries(len(few)):
        results = client.get("/forum/messages/recipients/?q=cora").json()["results"]
    assert len(results) == conversations.MAX_SUGGESTIONS
