"""Writing in the forum: what members may post, and that counters, pointers and history stay right."""

import pytest

from forum import services
from forum.models import Category, Post, PostRevision, Topic, TopicState, WatchLevel
from search.models import IndexEntry
from tests.forum.factories import a_tag, reply, start_topic

pytestmark = pytest.mark.django_db


def test_starting_a_topic_stores_counters_pointers_and_watching(member, open_category):
    topic = start_topic(member, open_category)
    topic.refresh_from_db()
    opening = topic.posts.get()
    assert opening.number == 1
    assert "<strong>joint interviews</strong>" in opening.body_html
    assert topic.last_post == opening and topic.reply_count == 0 and topic.last_post_number == 1
    assert topic.last_poster_name == member.full_name == topic.author_name
    state = TopicState.objects.get(user=member, topic=topic)
    assert state.watch_level == WatchLevel.WATCHING and state.last_read_post_number == 1
    category = Category.objects.get(pk=open_category.pk)
    assert (category.topic_count, category.post_count) == (1, 1)


def test_replies_move_counters_and_the_last_post_pointer(member, peer, open_category):
    topic = start_topic(member, open_category)
    first = reply(topic, peer)
    second = reply(topic, member, "Thanks, that helps.")
    topic.refresh_from_db()
    assert (first.number, second.number) == (2, 3)
    assert topic.reply_count == 2 and topic.last_post_number == 3
    assert topic.last_post == second and topic.last_poster_name == member.full_name
    assert Category.objects.get(pk=open_category.pk).post_count == 3
    assert TopicState.objects.get(user=peer, topic=topic).watch_level == WatchLevel.WATCHING


@pytest.mark.parametrize("body", ["", "   \n\t  ", "\x00"])
def test_an_empty_post_is_refused(member, open_category, body):
    with pytest.raises(services.ForumError, match="empty"):
        start_topic(member, open_category, body=body)
    assert not Topic.objects.exists()


def test_a_post_over_100_kb_is_refused_with_its_size(member, peer, open_category):
    topic = start_topic(member, open_category)
    with pytest.raises(services.ForumError, match="limited to 100 KB"):
        reply(topic, peer, "x" * (100 * 1024 + 1))
    # Multi-byte text counts in bytes, as stored.
    with pytest.raises(services.ForumError, match="limited to 100 KB"):
        reply(topic, peer, "é" * (51 * 1024))
    reply(topic, peer, "x" * (100 * 1024))
    assert topic.posts.count() == 2


def test_a_question_needs_a_tag_but_a_discussion_does_not(member, open_category):
    with pytest.raises(services.ForumError, match="at least one tag"):
        start_topic(member, open_category, tags=[])
    start_topic(member, open_category, kind=Topic.Kind.DISCUSSION, tags=[])


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_bad_titles_are_refused(member, open_category, title):
    with pytest.raises(services.ForumError):
        start_topic(member, open_category, title=title)


@pytest.mark.parametrize(
    "flag,message", [("is_locked", "locked"), ("is_closed", "closed"), ("is_deleted", "deleted")]
)
def test_replies_to_locked_closed_or_deleted_topics_are_refused(member, peer, open_category, flag, message):
    topic = start_topic(member, open_category)
    Topic.objects.filter(pk=topic.pk).update(**{flag: True})
    with pytest.raises(
        services.ForumError, match=message if flag != "is_deleted" else "cannot reply|deleted"
    ):
        reply(topic, peer)
    topic.refresh_from_db()
    assert topic.reply_count == 0 and topic.posts.count() == 1


def test_the_asker_accepts_one_answer_and_another_member_cannot(member, peer, role_user, open_category):
    topic = start_topic(member, open_category)
    answer = reply(topic, peer)
    other = reply(topic, role_user("coordinator"))
    with pytest.raises(services.NotAllowed):
        services.accept_answer(topic, answer, by=peer)
    services.accept_answer(topic, answer, by=member)
    assert Topic.objects.get(pk=topic.pk).accepted_post == answer
    with pytest.raises(services.ForumError, match="already accepted"):
        services.accept_answer(topic, other, by=member)
    services.unaccept_answer(topic, by=member)
    services.accept_answer(topic, other, by=member)
    assert Topic.objects.get(pk=topic.pk).accepted_post == other


def test_a_moderator_may_accept_and_the_question_itself_cannot_be_the_answer(
    member, peer, moderator, open_category
):
    topic = start_topic(member, open_category)
    with pytest.raises(services.ForumError, match="Only a reply"):
        services.accept_answer(topic, topic.posts.get(number=1), by=member)
    answer = reply(topic, peer)
    services.accept_answer(topic, answer, by=moderator)
    assert Topic.objects.get(pk=topic.pk).accepted_post == answer


def test_a_discussion_has_no_accepted_answer(member, peer, open_category):
    topic = start_topic(member, open_category, kind=Topic.Kind.DISCUSSION, tags=[])
    with pytest.raises(services.NotAllowed):
        services.accept_answer(topic, reply(topic, peer), by=member)


def test_helpful_counts_once_per_member_and_never_for_ones_own_post(member, peer, open_category):
    topic = start_topic(member, open_category)
    answer = reply(topic, peer)
    assert services.mark_helpful(answer, by=member) is True
    assert services.mark_helpful(answer, by=member) is False
    with pytest.raises(services.NotAllowed):
        services.mark_helpful(answer, by=peer)
    assert Post.objects.get(pk=answer.pk).helpful_count == 1
    assert Topic.objects.get(pk=topic.pk).helpful_count == 1
    assert services.unmark_helpful(answer, by=member) is True
    assert Post.objects.get(pk=answer.pk).helpful_count == 0


def test_editing_keeps_the_old_text_as_a_revision_and_reindexes(member, open_category):
    topic = start_topic(member, open_category, title="Old title")
    opening = topic.posts.get()
    services.edit_post(opening, by=member, body="New **body** about advocates", title="New title")
    opening.refresh_from_db()
    topic.refresh_from_db()
    assert topic.title == "New title" and "<strong>body</strong>" in opening.body_html and opening.edited_at
    revision = PostRevision.objects.get(post=opening)
    assert revision.title == "Old title" and "joint interviews" in revision.body_markdown
    entry = IndexEntry.objects.get(kind="forum_topic", key=str(topic.pk))
    assert entry.title == "New title" and "advocates" in entry.text


def test_only_the_author_or_a_moderator_edits(member, peer, moderator, open_category):
    topic = start_topic(member, open_category)
    opening = topic.posts.get()
    with pytest.raises(services.NotAllowed):
        services.edit_post(opening, by=peer, body="Taken over")
    services.edit_post(opening, by=moderator, body="Tidied by a moderator")
    assert Post.objects.get(pk=opening.pk).body_markdown == "Tidied by a moderator"


def test_a_quote_links_back_to_the_quoted_post(member, peer, open_category):
    topic = start_topic(member, open_category)
    answer = reply(topic, peer, "Line one\n\nLine two")
    body = services.quote_markdown(answer, "Line two") + "Agreed."
    post = services.reply(topic, by=member, body=body, quote_of=answer)
    assert f'href="/forum/t/{topic.pk}/p/{answer.number}/"' in post.body_html
    assert (
        "<blockquote>" in post.body_html and "Line two" in post.body_html and "Line one" not in post.body_html
    )
    assert post.quoted_post == answer


def test_a_quote_from_another_topic_is_refused(member, peer, open_category):
    first = start_topic(member, open_category)
    second = start_topic(member, open_category, title="Another question")
    with pytest.raises(services.ForumError, match="same topic"):
        services.reply(second, by=peer, body="x", quote_of=first.posts.get())


def test_read_position_only_moves_forward(member, peer, open_category):
    topic = start_topic(member, open_category)
    services.record_read(peer.pk, topic.pk, 5)
    services.record_read(peer.pk, topic.pk, 3)
    assert TopicState.objects.get(user=peer, topic=topic).last_read_post_number == 5


def test_watch_levels_are_one_row_per_member_and_topic(member, peer, open_category):
    topic = start_topic(member, open_category)
    services.set_watch_level(topic, by=peer, level=WatchLevel.TRACKING)
    services.set_watch_level(topic, by=peer, level=WatchLevel.MUTED)
    assert TopicState.objects.get(user=peer, topic=topic).watch_level == WatchLevel.MUTED
    with pytest.raises(services.ForumError):
        services.set_watch_level(topic, by=peer, level="everything")
    # A muted member who replies stays muted.
    reply(topic, peer)
    assert TopicState.objects.get(user=peer, topic=topic).watch_level == WatchLevel.MUTED


def test_retired_tags_cannot_be_chosen(member, open_category):
    from taxonomy.models import Term

    tag = a_tag()
    Term.objects.filter(pk=tag.pk).update(retired=True)
    tag.refresh_from_db()
    with pytest.raises(services.ForumError, match="Retired"):
        start_topic(member, open_category, tags=[tag])


def test_posts_are_indexed_in_their_category_scope_and_leave_with_a_deleted_topic(
    member, peer, moderator, open_category, django_capture_on_commit_callbacks
):
    topic = start_topic(member, open_category)
    with django_capture_on_commit_callbacks(execute=True):  # a reply is indexed by its task (forum.tasks)
        answer = reply(topic, peer, "Use a trauma-informed interview room.")
    scope = f"forum:{open_category.pk}"
    assert IndexEntry.objects.get(kind="forum_topic", key=str(topic.pk)).scope == scope
    assert IndexEntry.objects.get(kind="forum_post", key=str(answer.pk)).scope == scope
    services.delete_topic(topic, by=moderator)
    assert not IndexEntry.objects.filter(kind__startswith="forum_").exists()
