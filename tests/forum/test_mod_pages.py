"""The moderation pages on the site: what a moderator sees and does, what members are kept from, bad input."""

import pytest
from django.utils import timezone

from forum.models import MemberWarning, ModerationAction, Post, Topic
from forum.moderation import services as moderation
from tests.forum.factories import CategoryFactory, reply, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(role_user):
    user = role_user("member", full_name="Nia Newcomer")
    user.decided_at = timezone.now()
    user.save(update_fields=["decided_at"])
    return user


def held_posts(newcomer, category, count):
    topics = [start_topic(newcomer, category, title=f"Held topic {n}") for n in range(count)]
    return [t.posts.get(number=1) for t in topics]


class TestApprovalQueuePage:
    def test_the_queue_lists_held_posts_in_constant_queries(
        self, newcomer, moderator, open_category, client_for, django_assert_max_num_queries, role_user
    ):
        held_posts(newcomer, open_category, 2)
        client = client_for(moderator)
        client.get("/forum/moderation/approvals/")
        with django_assert_max_num_queries(12) as few:
            response = client.get("/forum/moderation/approvals/")
        for n in range(3):
            other = role_user("member", full_name=f"Other Newcomer {n}")
            other.decided_at = timezone.now()
            other.save(update_fields=["decided_at"])
            held_posts(other, open_category, 2)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get("/forum/moderation/approvals/")
        assert response.status_code == 200
        assert response.content.decode().count('name="decision" value="approve"') == 8

    def test_approving_from_the_queue_publishes_and_says_so(
        self, newcomer, moderator, open_category, client_for
    ):
        (post,) = held_posts(newcomer, open_category, 1)
        client = client_for(moderator)
        response = client.post(
            f"/forum/moderation/approvals/{post.pk}/", {"decision": "approve"}, follow=True
        )
        assert "Approved post #1" in response.content.decode()
        assert not Topic.objects.get(pk=post.topic_id).awaiting_approval

    def test_a_second_decision_and_an_unknown_one_are_explained(
        self, newcomer, moderator, open_category, client_for
    ):
        (post,) = held_posts(newcomer, open_category, 1)
        client = client_for(moderator)
        bad = client.post(f"/forum/moderation/approvals/{post.pk}/", {"decision": "<script>"}, follow=True)
        assert "Choose approve or reject." in bad.content.decode()
        client.post(f"/forum/moderation/approvals/{post.pk}/", {"decision": "reject", "reason": "Spam"})
        again = client.post(f"/forum/moderation/approvals/{post.pk}/", {"decision": "approve"}, follow=True)
        assert "no longer waiting for approval" in again.content.decode()

    def test_members_do_not_learn_the_queue_exists(self, newcomer, member, open_category, client_for):
        (post,) = held_posts(newcomer, open_category, 1)
        client = client_for(member)
        assert client.get("/forum/moderation/approvals/").status_code == 404
        assert (
            client.post(f"/forum/moderation/approvals/{post.pk}/", {"decision": "approve"}).status_code == 404
        )
        assert Post.objects.get(pk=post.pk).awaiting_approval

    def test_the_author_sees_their_held_post_is_waiting(self, newcomer, open_category, client_for):
        (post,) = held_posts(newcomer, open_category, 1)
        response = client_for(newcomer).get(f"/forum/t/{post.topic_id}/")
        assert "Waiting for a moderator's approval" in response.content.decode()


class TestRedactPage:
    def test_redacting_from_the_page(self, member, moderator, open_category, client_for):
        post = start_topic(member, open_category, body="Victim is Mary Major, age 15.").posts.get(number=1)
        client = client_for(moderator)
        assert client.get(f"/forum/moderation/posts/{post.pk}/redact/").status_code == 200
        response = client.post(
            f"/forum/moderation/posts/{post.pk}/redact/",
            {"text": "Mary Major", "reason": "Identifies a minor"},
            follow=True,
        )
        assert "Redacted." in response.content.decode()
        assert "Mary Major" not in Post.objects.get(pk=post.pk).body_html

    def test_a_wrong_text_keeps_what_the_moderator_typed(self, member, moderator, open_category, client_for):
        post = start_topic(member, open_category).posts.get(number=1)
        response = client_for(moderator).post(
            f"/forum/moderation/posts/{post.pk}/redact/",
            {"text": "<script>alert(1)</script>", "reason": "My careful reason"},
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "That text is not in the post" in page
        assert "My careful reason" in page
        assert "<script>alert(1)</script>" not in page

    def test_members_cannot_redact(self, member, peer, open_category, client_for):
        post = start_topic(member, open_category).posts.get(number=1)
        client = client_for(peer)
        assert client.get(f"/forum/moderation/posts/{post.pk}/redact/").status_code == 404
        response = client.post(f"/forum/moderation/posts/{post.pk}/redact/", {"text": "joint", "reason": "x"})
        assert response.status_code == 404


class TestTopicTools:
    def test_move_merge_and_split_through_the_page(self, member, peer, moderator, open_category, client_for):
        elsewhere = CategoryFactory(name="Task force operations", slug="operations")
        topic = start_topic(member, open_category, title="To be moved")
        reply(topic, peer, "first reply")
        reply(topic, member, "second reply")
        client = client_for(moderator)
        url = f"/forum/moderation/topics/{topic.pk}/"
        assert client.get(url).status_code == 200

        moved = client.post(url, {"action": "move", "move-category": elsewhere.pk}, follow=True)
        assert "Moved to Task force operations." in moved.content.decode()

        split = client.post(
            url,
            {
                "action": "split",
                "split-numbers": "3",
                "split-title": "Second thread",
                "split-category": elsewhere.pk,
            },
        )
        new = Topic.objects.get(title="Second thread")
        assert split.status_code == 302 and split["Location"] == f"/forum/t/{new.pk}/"

        merged = client.post(url, {"action": "merge", "merge-into": new.pk}, follow=True)
        assert "Merged into “Second thread”" in merged.content.decode()
        assert Topic.objects.get(pk=new.pk).reply_count == 2

    def test_bad_tool_input_is_explained_and_kept(self, member, moderator, open_category, client_for):
        topic = start_topic(member, open_category)
        reply(topic, member)
        url = f"/forum/moderation/topics/{topic.pk}/"
        client = client_for(moderator)
        response = client.post(url, {"action": "merge", "merge-into": 999999})
        assert response.status_code == 400
        assert "no topic with that number" in response.content.decode()
        response = client.post(
            url,
            {
                "action": "split",
                "split-numbers": "1; DROP TABLE",
                "split-title": "Kept title",
                "split-category": open_category.pk,
            },
        )
        page = response.content.decode()
        assert response.status_code == 400 and "at least one reply" in page and "Kept title" in page
        response = client.post(url, {"action": "restore"}, follow=True)
        assert "This topic is not deleted." in response.content.decode()
        assert Topic.objects.count() == 1

    def test_members_do_not_see_the_tools(self, member, open_category, client_for):
        topic = start_topic(member, open_category)
        assert client_for(member).get(f"/forum/moderation/topics/{topic.pk}/").status_code == 404


class TestWarningsAndLog:
    def test_warn_from_a_post_then_the_member_reads_it(self, member, moderator, open_category, client_for):
        post = start_topic(member, open_category).posts.get(number=1)
        client = client_for(moderator)
        form = client.get(f"/forum/moderation/members/{member.pk}/warn/?post={post.pk}")
        assert form.status_code == 200
        empty = client.post(f"/forum/moderation/members/{member.pk}/warn/", {"post": post.pk, "reason": ""})
        assert empty.status_code == 400
        client.post(
            f"/forum/moderation/members/{member.pk}/warn/", {"post": post.pk, "reason": "Keep it civil."}
        )
        warning = MemberWarning.objects.get(member=member)
        assert warning.seen_at is None
        page = client_for(member).get("/forum/warnings/").content.decode()
        assert "Keep it civil." in page
        warning.refresh_from_db()
        assert warning.seen_at is not None

    def test_members_cannot_warn(self, member, peer, client_for):
        response = client_for(peer).post(f"/forum/moderation/members/{member.pk}/warn/", {"reason": "x"})
        assert response.status_code == 404
        assert not MemberWarning.objects.exists()

    def test_the_log_shows_actions_with_reasons_in_constant_queries(
        self, member, moderator, open_category, client_for, django_assert_max_num_queries
    ):
        topic = start_topic(member, open_category)
        moderation.warn_member(member, by=moderator, reason="First reason")
        client = client_for(moderator)
        client.get("/forum/moderation/log/")
        with django_assert_max_num_queries(12) as few:
            client.get("/forum/moderation/log/")
        for n in range(5):
            moderation.warn_member(member, by=moderator, reason=f"Reason {n}", post=topic.posts.get(number=1))
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get("/forum/moderation/log/")
        page = response.content.decode()
        assert "Reason 4" in page and "Warned member" in page
        assert ModerationAction.objects.count() == 6
