"""Moderation actions: approval queue for new members, redaction, move, merge, split, restore, warnings.

Every action must leave the stored counters equal to what a recount of the rows
gives, land in the moderation log, and keep search in step.
"""

import pytest
from django.core import mail
from django.utils import timezone

from forum import services
from forum.models import Category, MemberWarning, ModerationAction, Post, PostRevision, Topic
from forum.moderation import services as moderation
from search.index import search as site_search
from tests.forum.factories import CategoryFactory, reply, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(role_user):
    """A member just approved through the membership application."""
    user = role_user("member", full_name="Nia Newcomer")
    user.decided_at = timezone.now()
    user.save(update_fields=["decided_at"])
    return user


def fresh(obj):
    obj.refresh_from_db()
    return obj


def assert_counters_exact(*topics):
    """Stored counters equal a recount of the rows, for each topic and its category."""
    for topic in topics:
        topic = fresh(topic)
        listed = Post.objects.filter(topic=topic, is_hidden=False, is_deleted=False, awaiting_approval=False)
        assert topic.reply_count == listed.filter(number__gt=1).count(), topic.title
        last = listed.order_by("-number").first()
        if last is not None:
            assert topic.last_post_id == last.pk
            assert topic.last_poster_name == last.author_name
        category = fresh(topic.category)
        topics = Topic.objects.filter(category=category, is_deleted=False, awaiting_approval=False)
        assert category.topic_count == topics.count(), category.name
        expected_posts = sum(1 + t.reply_count for t in topics)
        assert category.post_count == expected_posts, category.name


def logged(action):
    return ModerationAction.objects.filter(action=action)


class TestApprovalQueue:
    def test_a_new_members_first_two_posts_wait_and_nobody_else_sees_them(
        self, newcomer, member, peer, moderator, open_category
    ):
        topic = start_topic(newcomer, open_category, title="First question from a new member")
        assert fresh(topic).awaiting_approval
        assert not Topic.objects.visible_to(peer).filter(pk=topic.pk).exists()
        assert Topic.objects.visible_to(newcomer).filter(pk=topic.pk).exists()
        assert fresh(open_category).topic_count == 0
        assert site_search("First question", user=peer).total == 0

        existing = start_topic(member, open_category, title="An established topic")
        held_reply = reply(existing, newcomer, "My second post, also held.")
        assert fresh(held_reply).awaiting_approval
        assert fresh(existing).reply_count == 0
        assert fresh(existing).last_poster_name == existing.author_name
        assert_counters_exact(existing)

        moderation.approve_post(topic.posts.get(number=1), by=moderator)
        moderation.approve_post(held_reply, by=moderator)
        assert not fresh(topic).awaiting_approval
        assert Topic.objects.visible_to(peer).filter(pk=topic.pk).exists()
        assert fresh(existing).reply_count == 1
        assert fresh(existing).last_poster_name == "Nia Newcomer"
        assert_counters_exact(topic, existing)
        assert logged(moderation.Action.APPROVE_POST).count() == 2

        third = reply(existing, newcomer, "Now trusted: this goes straight up.")
        assert not fresh(third).awaiting_approval
        assert fresh(existing).reply_count == 2

    def test_established_members_and_moderators_are_never_held(self, member, moderator, open_category):
        moderator.decided_at = timezone.now()
        moderator.save(update_fields=["decided_at"])
        assert not fresh(start_topic(member, open_category)).awaiting_approval
        assert not fresh(start_topic(moderator, open_category)).awaiting_approval

    def test_watchers_hear_of_a_held_reply_only_once_it_is_approved(
        self, newcomer, member, moderator, open_category, django_capture_on_commit_callbacks
    ):
        from forum.models import Notification

        topic = start_topic(member, open_category)
        with django_capture_on_commit_callbacks(execute=True):
            held = reply(topic, newcomer, "Held reply")
        assert not Notification.objects.filter(user=member, post=held).exists()
        with django_capture_on_commit_callbacks(execute=True):
            moderation.approve_post(held, by=moderator)
        assert Notification.objects.filter(user=member, post=held).exists()

    def test_rejecting_a_held_topic_deletes_it_for_good(self, newcomer, peer, moderator, open_category):
        topic = start_topic(newcomer, open_category)
        moderation.reject_post(topic.posts.get(number=1), by=moderator, reason="Spam")
        topic = fresh(topic)
        assert topic.is_deleted and not topic.awaiting_approval
        assert not Topic.objects.visible_to(newcomer).filter(pk=topic.pk).exists()
        entry = logged(moderation.Action.REJECT_POST).get()
        assert entry.note.reason == "Spam"
        assert_counters_exact(topic)

    def test_deciding_twice_is_refused(self, newcomer, moderator, open_category):
        topic = start_topic(newcomer, open_category)
        post = topic.posts.get(number=1)
        moderation.approve_post(post, by=moderator)
        with pytest.raises(moderation.ModerationError, match="no longer waiting"):
            moderation.reject_post(post, by=moderator)

    def test_members_cannot_approve(self, newcomer, member, open_category):
        topic = start_topic(newcomer, open_category)
        with pytest.raises(services.NotAllowed):
            moderation.approve_post(topic.posts.get(number=1), by=member)


class TestRedaction:
    def test_redaction_removes_the_text_from_post_history_title_and_search(
        self, member, peer, moderator, open_category
    ):
        topic = start_topic(
            member,
            open_category,
            title="Interview with Jane Roe",
            body="We met Jane Roe at the shelter on Monday.",
        )
        post = topic.posts.get(number=1)
        services.edit_post(post, by=member, body="We met Jane Roe at the shelter on Tuesday.")
        assert site_search("Roe", user=peer).total >= 1

        moderation.redact_post(post, by=moderator, text="Jane Roe", reason="Names a victim")

        post = fresh(post)
        assert "Jane Roe" not in post.body_markdown and "Jane Roe" not in post.body_html
        assert moderation.REDACTED in post.body_markdown
        assert "Jane Roe" not in fresh(topic).title
        assert not PostRevision.objects.filter(post=post, body_markdown__contains="Jane Roe").exists()
        assert site_search("Roe", user=peer).total == 0
        entry = logged(moderation.Action.REDACT_POST).get()
        assert entry.post_id == post.pk and entry.note.reason == "Names a victim"
        assert "Jane Roe" not in str(entry.note.detail)

    def test_text_not_in_the_post_and_missing_reason_are_refused(self, member, moderator, open_category):
        post = start_topic(member, open_category).posts.get(number=1)
        with pytest.raises(moderation.ModerationError, match="not in the post"):
            moderation.redact_post(post, by=moderator, text="nothing like this", reason="x")
        with pytest.raises(moderation.ModerationError, match="reason"):
            moderation.redact_post(post, by=moderator, text="joint", reason="   ")
        assert not logged(moderation.Action.REDACT_POST).exists()


class TestMoveMergeSplit:
    def test_move_keeps_both_categories_counters_exact_and_search_scoped(
        self, member, peer, prosecutor, moderator, open_category, prosecutors
    ):
        topic = start_topic(member, open_category, title="Sealed plea agreements")
        reply(topic, peer)
        reply(topic, member, "And a second reply")
        other = start_topic(member, open_category, title="Stays put")
        moderation.move_topic(topic, by=moderator, to=prosecutors, reason="Prosecutors only")
        assert fresh(topic).category_id == prosecutors.pk
        assert fresh(open_category).topic_count == 1 and fresh(open_category).post_count == 1
        assert fresh(prosecutors).topic_count == 1 and fresh(prosecutors).post_count == 3
        assert_counters_exact(topic, other)
        assert site_search("plea", user=peer).total == 0
        assert site_search("plea", user=prosecutor).total >= 1
        entry = logged(moderation.Action.MOVE_TOPIC).get()
        assert entry.note.detail == {"source": open_category.pk, "target": prosecutors.pk}

    def test_merge_appends_posts_and_keeps_counters_exact(self, member, peer, moderator, open_category):
        elsewhere = CategoryFactory(name="Victim services", slug="victim-services")
        target = start_topic(member, open_category, title="Target")
        reply(target, peer, "target reply")
        source = start_topic(peer, elsewhere, title="Duplicate")
        reply(source, member, "source reply one")
        reply(source, peer, "source reply two")

        merged = moderation.merge_topics(source, by=moderator, into=target, reason="Duplicate")

        numbers = list(Post.objects.filter(topic=target).order_by("number").values_list("number", flat=True))
        assert numbers == [1, 2, 3, 4, 5]
        assert merged.reply_count == 4 and merged.last_post_number == 5
        assert fresh(source).is_deleted
        assert fresh(elsewhere).topic_count == 0 and fresh(elsewhere).post_count == 0
        assert fresh(open_category).post_count == 5
        assert_counters_exact(target)
        assert site_search("source reply", user=member).total == 2

    def test_split_moves_replies_into_a_new_topic_with_exact_counters(
        self, member, peer, moderator, open_category
    ):
        topic = start_topic(member, open_category, title="Original")
        for n in range(4):
            reply(topic, peer if n % 2 else member, f"reply number {n}")
        services.accept_answer(topic, topic.posts.get(number=3), by=member)

        new = moderation.split_topic(topic, by=moderator, numbers=["3", "5"], title="Split off")

        assert list(new.posts.order_by("number").values_list("number", "body_markdown")) == [
            (1, "reply number 1"),
            (2, "reply number 3"),
        ]
        assert new.author_name == peer.full_name and new.reply_count == 1
        topic = fresh(topic)
        assert topic.reply_count == 2 and topic.accepted_post_id is None
        assert fresh(open_category).topic_count == 2 and fresh(open_category).post_count == 5
        assert_counters_exact(topic, new)
        assert logged(moderation.Action.SPLIT_TOPIC).get().note.detail["numbers"] == [3, 5]

    def test_split_refuses_the_opening_post_and_unknown_numbers(self, member, moderator, open_category):
        topic = start_topic(member, open_category)
        reply(topic, member)
        with pytest.raises(moderation.ModerationError, match="at least one reply"):
            moderation.split_topic(topic, by=moderator, numbers=["1", "x"], title="T")
        with pytest.raises(moderation.ModerationError, match="not in this topic"):
            moderation.split_topic(topic, by=moderator, numbers=["2", "99"], title="T")
        with pytest.raises(moderation.ModerationError, match="title"):
            moderation.split_topic(topic, by=moderator, numbers=["2"], title="   ")
        assert Topic.objects.count() == 1

    def test_merging_a_topic_into_itself_is_refused(self, member, moderator, open_category):
        topic = start_topic(member, open_category)
        with pytest.raises(moderation.ModerationError, match="different topic"):
            moderation.merge_topics(topic, by=moderator, into=topic)

    def test_restore_brings_a_deleted_topic_back_into_lists_and_counts(
        self, member, peer, moderator, open_category
    ):
        topic = start_topic(member, open_category, title="Restorable topic")
        reply(topic, peer)
        services.delete_topic(topic, by=moderator)
        assert not Topic.objects.visible_to(peer).filter(pk=topic.pk).exists()
        moderation.restore_topic(topic, by=moderator)
        assert Topic.objects.visible_to(peer).filter(pk=topic.pk).exists()
        assert fresh(open_category).topic_count == 1 and fresh(open_category).post_count == 2
        assert site_search("Restorable", user=peer).total >= 1
        assert logged(moderation.Action.RESTORE_TOPIC).count() == 1
        with pytest.raises(moderation.ModerationError, match="not deleted"):
            moderation.restore_topic(topic, by=moderator)

    def test_members_cannot_move_merge_or_split(self, member, open_category):
        topic = start_topic(member, open_category)
        other = Category.objects.create(name="Other", slug="other")
        with pytest.raises(services.NotAllowed):
            moderation.move_topic(topic, by=member, to=other)
        with pytest.raises(services.NotAllowed):
            moderation.split_topic(topic, by=member, numbers=["2"], title="x")


class TestWarnings:
    def test_a_warned_member_is_emailed_and_the_warning_logged(
        self, member, moderator, open_category, django_capture_on_commit_callbacks
    ):
        post = start_topic(member, open_category).posts.get(number=1)
        with django_capture_on_commit_callbacks(execute=True):
            moderation.warn_member(member, by=moderator, reason="Please keep case details out.", post=post)
        assert MemberWarning.objects.get(member=member).reason == "Please keep case details out."
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]
        assert "Please keep case details out." in mail.outbox[0].body
        entry = logged(moderation.Action.WARN_MEMBER).get()
        assert entry.post_id == post.pk and entry.note.detail["member"] == member.pk

    def test_a_member_who_left_before_the_email_went_gets_none(
        self, member, moderator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            moderation.warn_member(member, by=moderator, reason="Mind the rules.")
        member.is_active = False
        member.save(update_fields=["is_active"])
        for callback in callbacks:
            callback()
        assert mail.outbox == []

    def test_empty_reasons_and_self_warnings_are_refused(self, member, moderator):
        with pytest.raises(moderation.ModerationError, match="reason"):
            moderation.warn_member(member, by=moderator, reason="  ")
        with pytest.raises(moderation.ModerationError, match="yourself"):
            moderation.warn_member(moderator, by=moderator, reason="x")
        with pytest.raises(services.NotAllowed):
            moderation.warn_member(moderator, by=member, reason="x")
        assert not MemberWarning.objects.exists()
