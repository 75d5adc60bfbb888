"""Forum pages as a member uses them: lists, the topic page, writing with preview, accepting, unread jumps."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.models import Post, Topic, TopicState
from tests.forum.factories import a_tag, reply, start_topic

pytestmark = pytest.mark.django_db

XSS_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>'


def _queries(client, url):
    # The first page of a run creates the site settings row; measure after it.
    client.get("/forum/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


LIST_URLS = ["/forum/", "/forum/latest/", "/forum/unanswered/", "/forum/mine/", "/forum/watched/"]


def test_list_pages_take_the_same_queries_for_1_or_30_topics(client_for, member, peer, open_category):
    tag = a_tag()
    start_topic(member, open_category)
    client = client_for(member)
    urls = [*LIST_URLS, f"/forum/tags/{tag.slug}/", f"/forum/c/{open_category.slug}/"]
    with_one = {url: _queries(client, url) for url in urls}
    for n in range(29):
        topic = start_topic(member, open_category, title=f"Question {n}")
        reply(topic, peer)
    for url in urls:
        assert _queries(client, url) == with_one[url], url
        assert with_one[url] <= 12, (url, with_one[url])


def test_the_topic_page_takes_the_same_queries_for_1_or_30_posts(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    url = f"/forum/t/{topic.pk}/"
    one = _queries(client, url)
    for n in range(19):
        reply(topic, peer, f"Reply {n}")
    answer = reply(topic, peer, "The answer")
    from forum import services

    services.accept_answer(topic, answer, by=member)
    for n in range(10):
        reply(topic, member, f"More {n}")
    assert _queries(client, url) == one
    assert _queries(client, url + "?page=2") == one
    assert one <= 11


def test_a_topic_page_shows_the_accepted_answer_right_under_the_question(
    client_for, member, peer, open_category
):
    from forum import services

    topic = start_topic(member, open_category)
    for n in range(25):
        reply(topic, peer, f"Reply number {n}")
    answer = Post.objects.get(topic=topic, number=26)
    services.accept_answer(topic, answer, by=member)
    html = client_for(member).get(f"/forum/t/{topic.pk}/").content.decode()
    question, rest = html.split('id="accepted-heading"', 1)
    assert "joint interviews" in question
    assert rest.index("Reply number 24") < rest.index('id="post-2"')


def test_hostile_titles_and_bodies_are_shown_as_text(client_for, member, open_category):
    topic = start_topic(
        member, open_category, title=XSS_TITLE, body=XSS_TITLE + "\n\n[x](javascript:alert(1))"
    )
    client = client_for(member)
    for url in ("/forum/latest/", f"/forum/t/{topic.pk}/"):
        html = client.get(url).content.decode()
        assert (
            "<script>alert" not in html
            and "<img src=x" not in html
            and "javascript:alert" not in html.replace("(javascript:alert(1))", "")
        )
        assert "&lt;script&gt;" in html


def test_new_topic_preview_renders_without_posting(client_for, member, open_category):
    client = client_for(member)
    data = {
        "category": open_category.pk,
        "kind": "question",
        "title": "Do you use a shared case tracker?",
        "tags": [a_tag().pk],
        "body": "We use **spreadsheets**.",
        "preview": "1",
    }
    response = client.post("/forum/new/", data)
    assert response.status_code == 200
    assert b"<strong>spreadsheets</strong>" in response.content
    assert not Topic.objects.exists()
    del data["preview"]
    response = client.post("/forum/new/", data)
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/forum/t/{topic.pk}/"


def test_new_topic_form_shows_clear_errors(client_for, member, open_category, prosecutors):
    client = client_for(member)
    base = {"category": open_category.pk, "kind": "question", "title": "T", "body": "x"}
    response = client.post("/forum/new/", base)
    assert response.status_code == 400 and b"at least one tag" in response.content
    response = client.post("/forum/new/", {**base, "tags": [a_tag().pk], "body": "y" * (101 * 1024)})
    assert response.status_code == 400 and b"limited to 100 KB" in response.content
    response = client.post("/forum/new/", {**base, "tags": [a_tag().pk], "category": prosecutors.pk})
    assert response.status_code == 400 and not Topic.objects.exists()
    offered = client.get("/forum/new/").context["form"].fields["category"].queryset
    assert list(offered) == [open_category]


def test_reply_with_preview_then_post_and_quote(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    form = client.get(f"/forum/t/{topic.pk}/reply/?quote=1").content.decode()
    assert f"[{member.full_name} wrote (#1)](/forum/t/{topic.pk}/p/1/)" in form
    response = client.post(f"/forum/t/{topic.pk}/reply/", {"body": "_Try_ this", "preview": "1"})
    assert b"<em>Try</em>" in response.content and topic.posts.count() == 1
    response = client.post(f"/forum/t/{topic.pk}/reply/", {"body": "> quoted\n\nTry this", "quote": "1"})
    assert response["Location"] == f"/forum/t/{topic.pk}/p/2/"
    assert client.get(response["Location"])["Location"] == f"/forum/t/{topic.pk}/?page=1#post-2"
    assert Post.objects.get(topic=topic, number=2).quoted_post.number == 1


def test_reply_to_a_locked_topic_is_refused_with_a_message(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)
    client = client_for(peer)
    response = client.post(f"/forum/t/{topic.pk}/reply/", {"body": "Let me in"}, follow=True)
    assert b"locked by a moderator" in response.content
    assert topic.posts.count() == 1


def test_reply_to_a_deleted_topic_is_not_found(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    Topic.objects.filter(pk=topic.pk).update(is_deleted=True)
    assert client_for(peer).post(f"/forum/t/{topic.pk}/reply/", {"body": "Hello"}).status_code == 404


def test_accept_and_helpful_through_the_page(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    answer = reply(topic, peer)
    client = client_for(member)
    assert client.get(f"/forum/posts/{answer.pk}/accept/").status_code == 405
    client.post(f"/forum/posts/{answer.pk}/accept/")
    client.post(f"/forum/posts/{answer.pk}/helpful/")
    client.post(f"/forum/posts/{answer.pk}/helpful/")
    topic.refresh_from_db()
    answer.refresh_from_db()
    assert topic.accepted_post == answer and answer.helpful_count == 1
    assert b"Answered" in client.get("/forum/latest/").content
    assert b"Unanswered questions" in client.get("/forum/unanswered/").content
    assert f"/forum/t/{topic.pk}/".encode() not in client.get("/forum/unanswered/").content


def test_another_member_cannot_accept_through_the_page(client_for, member, peer, role_user, open_category):
    topic = start_topic(member, open_category)
    answer = reply(topic, peer)
    response = client_for(peer).post(f"/forum/posts/{answer.pk}/accept/", follow=True)
    assert b"Only the person who asked" in response.content
    assert Topic.objects.get(pk=topic.pk).accepted_post is None


def test_unread_counts_and_the_jump_to_the_first_unread_post(
    client_for, member, peer, open_category, django_capture_on_commit_callbacks
):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    assert b"Unread" in client.get("/forum/latest/").content
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/forum/t/{topic.pk}/")
    assert TopicState.objects.get(user=peer, topic=topic).last_read_post_number == 1
    for n in range(22):
        reply(topic, member, f"Update {n}")
    html = client.get("/forum/latest/").content.decode()
    assert "22 new" in html
    assert f'href="/forum/t/{topic.pk}/?page=1#post-2"' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/forum/t/{topic.pk}/?page=2")
    assert TopicState.objects.get(user=peer, topic=topic).last_read_post_number == 23


def test_reading_writes_nothing_in_the_request(
    client_for, member, peer, open_category, django_capture_on_commit_callbacks
):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    client.get("/forum/")
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks() as callbacks:
        client.get(f"/forum/t/{topic.pk}/")
    writes = [q["sql"] for q in captured if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == [] and len(callbacks) == 1
    # Once read, re-reading queues nothing at all.
    TopicState.objects.create(user=peer, topic=topic, last_read_post_number=1)
    with django_capture_on_commit_callbacks() as callbacks:
        client.get(f"/forum/t/{topic.pk}/")
    assert callbacks == []


def test_reopening_a_page_before_the_worker_ran_queues_its_read_position_once(
    client_for, member, peer, open_category, django_capture_on_commit_callbacks, monkeypatch
):
    from forum import tasks

    queued = []

    class Queue:  # stands in for the task: records what would be queued
        enqueue = staticmethod(lambda *args: queued.append(args))

    monkeypatch.setattr(tasks, "record_read", Queue)
    topic = start_topic(member, open_category)
    client = client_for(peer)
    for _ in range(3):  # refreshes while the worker is behind: the position is still unrecorded
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(f"/forum/t/{topic.pk}/").status_code == 200
    assert queued == [(peer.pk, topic.pk, 1)]
    reply(topic, member, "A new answer")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/forum/t/{topic.pk}/")
    assert queued == [(peer.pk, topic.pk, 1), (peer.pk, topic.pk, 2)]  # a further post is queued again
    # Another member's reading is their own.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(member).get(f"/forum/t/{topic.pk}/")
    assert queued[2:] in ([], [(member.pk, topic.pk, 2)])


def test_edit_keeps_history_and_others_cannot_edit(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    opening = topic.posts.get()
    assert client_for(peer).post(f"/forum/posts/{opening.pk}/edit/", {"body": "Mine now"}).status_code == 302
    assert Post.objects.get(pk=opening.pk).body_markdown != "Mine now"
    client = client_for(member)
    response = client.post(
        f"/forum/posts/{opening.pk}/edit/", {"title": "Better title", "body": "Clearer body"}
    )
    assert response.status_code == 302
    assert Topic.objects.get(pk=topic.pk).title == "Better title"
    assert opening.revisions.count() == 1


def test_watch_level_form(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    client.post(f"/forum/t/{topic.pk}/watch/", {"level": "watching"})
    assert f"/forum/t/{topic.pk}/".encode() in client.get("/forum/watched/").content
    client.post(f"/forum/t/{topic.pk}/watch/", {"level": "muted"})
    assert f"/forum/t/{topic.pk}/".encode() not in client.get("/forum/watched/").content


def test_moderators_lock_and_delete_topics_and_members_cannot(client_for, member, moderator, open_category):
    topic = start_topic(member, open_category)
    assert client_for(member).post(f"/forum/t/{topic.pk}/moderate/", {"action": "lock"}).status_code == 404
    client_for(moderator).post(f"/forum/t/{topic.pk}/moderate/", {"action": "lock"})
    assert Topic.objects.get(pk=topic.pk).is_locked
    client_for(moderator).post(f"/forum/t/{topic.pk}/moderate/", {"action": "delete"})
    assert client_for(member).get(f"/forum/t/{topic.pk}/").status_code == 404
    assert client_for(moderator).get(f"/forum/t/{topic.pk}/").status_code == 200
