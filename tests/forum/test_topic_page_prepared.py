"""The topic page's reads are compiled once (config.prepared.PreparedQuery): only the SQL is kept.

What is kept is the statement, never a result, so a new post, an edit, a read
position, a watch level, a draft or a permission change shows on the very next
request; and access is still decided by forum.access for every request.
"""

import pytest
from django.db.models import Model

from forum import services, views
from forum.drafts import services as drafts
from forum.forms import ReplyForm
from forum.models import Topic, TopicState
from tests.forum.factories import prosecutors_category, reply, start_topic

pytestmark = pytest.mark.django_db


def _fields(obj):
    """What a page can read from a loaded topic or post: its columns, annotations and select_related rows."""
    values = {}
    for name, value in vars(obj).items():
        if name != "_state":
            values[name] = value
    for name, related in obj._state.fields_cache.items():
        values[name] = None if related is None else _fields(related)
    return values


def _same(prepared, queryset):
    assert len(prepared) == len(queryset)
    for one, other in zip(prepared, queryset, strict=True):
        assert isinstance(one, Model) and type(one) is type(other)
        assert _fields(one) == _fields(other)
        assert one._state.db == other._state.db and not one._state.adding


def test_the_prepared_topic_query_gives_what_the_queryset_gives_for_every_member(member, peer, open_category):
    topic = start_topic(member, open_category)
    answer = reply(topic, peer, "The answer")
    services.accept_answer(topic, answer, by=member)
    services.set_watch_level(topic, by=peer, level="muted")
    services.set_category_watch_level(open_category, by=member, level="watching")
    drafts.save_reply_draft(peer, topic, body="Half a thought")
    TopicState.objects.filter(user=peer, topic=topic).update(last_read_post_number=2)
    # The same compiled statement serves both members (and both drafts variants).
    for user in (member, peer, member):
        _same(views._TOPIC.run(user=user, pk=topic.pk), list(views._topic_with_state(user, topic.pk)))
        for last in (1, 20):
            _same(
                views._TOPIC_PAGE.run(user=user, pk=topic.pk, last=last),
                list(views._topic_for_page(user, topic.pk, last)),
            )
    found = views._TOPIC_PAGE.run(user=peer, pk=topic.pk, last=20)[0]
    assert (found.last_read, found.watch_level, found.draft_body) == (2, "muted", "Half a thought")
    assert found.accepted_post.pk == answer.pk and found.category.pk == open_category.pk
    assert views._TOPIC.run(user=peer, pk=topic.pk + 1000) == []


def test_the_prepared_posts_query_gives_what_the_queryset_gives(member, peer, open_category):
    topic = start_topic(member, open_category)
    for n in range(4):
        reply(topic, peer, f"Reply {n}")
    services.mark_helpful(topic.posts.get(number=3), by=member)
    for user, first, last in ((member, 1, 3), (peer, 2, 5), (member, 4, 9)):
        _same(
            views._PAGE_POSTS.run(user=user, topic=topic.pk, first=first, last=last),
            list(views._page_posts(user, topic.pk, first, last)),
        )
    helpful = [p.marked_helpful for p in views._PAGE_POSTS.run(user=member, topic=topic.pk, first=1, last=5)]
    assert helpful == [False, False, True, False, False]


def test_changes_show_on_the_next_request(client_for, member, peer, open_category):
    topic = start_topic(member, open_category)
    client = client_for(peer)
    url = f"/forum/t/{topic.pk}/"
    page = client.get(url).content.decode()
    assert "Fresh reply" not in page and "Your saved draft" not in page
    assert '<option value="normal" selected>' in page
    reply(topic, member, "Fresh reply")
    services.set_watch_level(topic, by=peer, level="watching")
    drafts.save_reply_draft(peer, topic, body="Kept for later")
    page = client.get(url).content.decode()
    assert "Fresh reply" in page and "Your saved draft" in page and "Kept for later" in page
    assert '<option value="watching" selected>' in page
    services.edit_post(topic.posts.get(number=2), by=member, body="Edited reply", title=None)
    assert "Edited reply" in client.get(url).content.decode()


def test_access_is_decided_on_every_request(client_for, member, peer, moderator, prosecutor, open_category):
    """The prepared query is not filtered by access: the view's check must refuse what readable_by would."""
    closed = start_topic(prosecutor, prosecutors_category())
    url = f"/forum/t/{closed.pk}/"
    assert client_for(prosecutor).get(url).status_code == 200
    assert client_for(member).get(url).status_code == 404
    Topic.objects.filter(pk=closed.pk).update(is_deleted=True)
    assert client_for(prosecutor).get(url).status_code == 404
    assert client_for(moderator).get(url).status_code == 200
    held = start_topic(member, open_category)
    Topic.objects.filter(pk=held.pk).update(awaiting_approval=True)
    url = f"/forum/t/{held.pk}/"
    assert client_for(member).get(url).status_code == 200
    assert client_for(peer).get(url).status_code == 404
    assert client_for(moderator).get(url).status_code == 200
    for path in ("reply/", "watch/", "moderate/", "unaccept/"):
        response = client_for(peer).post(f"{url}{path}", {"level": "watching", "action": "lock"})
        assert response.status_code == 404, path
    Topic.objects.filter(pk=held.pk).update(awaiting_approval=False)
    assert client_for(peer).get(url).status_code == 200


def test_a_key_no_topic_can_have_is_a_404(client_for, member):
    client = client_for(member)
    assert client.get(f"/forum/t/{2**63}/").status_code == 404
    assert client.get(f"/forum/t/{10**30}/").status_code == 404
    assert client.get("/forum/t/0/").status_code == 404


def _squeezed(html):
    return " ".join(html.split()).replace("> <", "><")


def test_the_reply_forms_file_fields_are_the_markup_as_field_group_gives(client_for, member, open_category):
    topic = start_topic(member, open_category)
    page = _squeezed(client_for(member).get(f"/forum/t/{topic.pk}/").content.decode())
    form = ReplyForm()
    for name in ("files", "image_descriptions"):
        assert f"<div>{_squeezed(str(form[name].as_field_group()))}</div>" in page, name


def test_the_prepared_tags_are_the_topics_tags(member, open_category):
    from forum.models import forum_vocabulary

    tags = list(forum_vocabulary().order_by("-name")[:3])
    topic = start_topic(member, open_category, tags=tags)
    _same(views._TOPIC_TAGS.run(topic=topic.pk), list(topic.tags.all()))
    assert len(views._TOPIC_TAGS.run(topic=topic.pk)) == 3
    topic.tags.remove(tags[0])
    _same(views._TOPIC_TAGS.run(topic=topic.pk), list(topic.tags.all()))


def test_the_unread_count_in_the_menu_is_fresh_on_every_page(client_for, member, peer, open_category):
    from forum.models import Notification
    from forum.notifications.services import mark_all_read, unread_count
    from forum.templatetags.forum_tags import _UNREAD

    topic = start_topic(member, open_category)
    client = client_for(member)
    assert _UNREAD.rows(user=member) == [] and unread_count(member) == 0
    assert "unread</span>" not in client.get(f"/forum/t/{topic.pk}/").content.decode()
    for n in range(3):
        post = reply(topic, peer, f"Reply {n}")
        Notification.objects.create(
            user=member, kind="reply", topic=topic, post=post, actor_name=peer.full_name
        )
    assert _UNREAD.rows(user=member) == [(3,)] == [(unread_count(member),)]
    assert _UNREAD.rows(user=peer) == []
    # The replies are posts 2 to 4.
    found = views._TOPIC_PAGE.run(user=member, pk=topic.pk, last=4)[0]
    assert (found.unread_notifications, found.unread_here) == (3, 3)
    assert views._TOPIC_PAGE.run(user=member, pk=topic.pk, last=3)[0].unread_here == 2
    assert views._TOPIC_PAGE.run(user=peer, pk=topic.pk, last=20)[0].unread_notifications == 0
    # Other forum pages show the count through the tag; the topic page loads it with the topic,
    # less the notifications about the posts it shows (reading them marks them read).
    page = client.get("/forum/latest/").content.decode()
    assert '<span class="forum-new">3<span class="visually-hidden"> unread</span>' in page
    assert "unread</span>" not in client.get(f"/forum/t/{topic.pk}/").content.decode()
    mark_all_read(member)
    for url in (f"/forum/t/{topic.pk}/", "/forum/latest/"):
        assert "unread</span>" not in client.get(url).content.decode(), url


def test_forum_url_gives_what_url_gives():
    from django.urls import reverse

    from forum.templatetags.forum_tags import forum_url

    for name, args in (
        ("forum:index", ()),
        ("forum:new_topic", ()),
        ("forum:reply", (7,)),
        ("forum:reply", (123456,)),
        ("forum:post", (12, 345)),
        ("forum:tag", ("child-labour",)),
        ("forum:category", ("a-category",)),
    ):
        assert forum_url(name, *args) == reverse(name, args=args), (name, args)
