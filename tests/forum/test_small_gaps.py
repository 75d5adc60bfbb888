"""Counts after a deleted topic, and quote links after a merge."""

import pytest

from forum import services
from forum.models import Category, Post
from forum.moderation import services as moderation
from tests.forum.factories import reply, start_topic

pytestmark = pytest.mark.django_db


def _counts(category):
    category = Category.objects.get(pk=category.pk)
    return category.topic_count, category.post_count, category.last_post_at


def test_deleting_a_topic_takes_it_off_its_categorys_counts_once(member, peer, moderator, open_category):
    older = start_topic(member, open_category, title="Older topic")
    reply(older, peer)
    newer = start_topic(member, open_category, title="Newer topic")
    reply(newer, peer)
    reply(newer, peer, "A second reply")
    assert _counts(open_category)[:2] == (2, 5)
    services.delete_topic(newer, by=moderator)
    older.refresh_from_db()
    assert _counts(open_category) == (1, 2, older.last_post_at)
    services.delete_topic(newer, by=moderator)  # again: nothing more to take off
    assert _counts(open_category)[:2] == (1, 2)
    moderation.restore_topic(newer, by=moderator)
    assert _counts(open_category)[:2] == (2, 5)


def test_quote_links_follow_merged_posts_to_their_new_topic(
    client_for, member, peer, moderator, open_category
):
    into = start_topic(member, open_category, title="Where the talk continues")
    reply(into, peer, "A first reply here")
    source = start_topic(member, open_category, title="The same question again")
    quoted = reply(source, peer, "Ask the shelter for a victim advocate at intake.")
    quote = services.quote_markdown(quoted, "Ask the shelter for a victim advocate")
    quoting = services.reply(source, by=member, body=quote + "Agreed.", quote_of=quoted)
    moderation.merge_topics(source, by=moderator, into=into)
    moved = Post.objects.get(pk=quoting.pk)
    new_number = Post.objects.get(pk=quoted.pk).number
    assert new_number == 4
    assert f"/forum/t/{source.pk}/" not in moved.body_markdown + moved.body_html
    assert f"(#{new_number})](/forum/t/{into.pk}/p/{new_number}/)" in moved.body_markdown
    assert f'href="/forum/t/{into.pk}/p/{new_number}/"' in moved.body_html
    assert f"wrote (#{new_number})" in moved.body_html
    response = client_for(peer).get(f"/forum/t/{into.pk}/p/{new_number}/")
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{new_number}")


def test_the_preferences_page_lists_each_visible_categorys_level(
    client_for, member, open_category, prosecutors
):
    from forum.models import WatchLevel
    from tests.forum.factories import CategoryFactory

    child = CategoryFactory(name="Labor cases", slug="labor-cases", parent=open_category)
    muted = CategoryFactory(name="Outreach", slug="outreach")
    services.set_category_watch_level(open_category, by=member, level=WatchLevel.WATCHING)
    services.set_category_watch_level(muted, by=member, level=WatchLevel.MUTED)
    html = client_for(member).get("/forum/preferences/").content.decode()
    table = html.split('id="categories-heading"', 1)[1].split("</table>", 1)[0]
    rows = [row for row in table.split("<tr>")[2:]]
    assert "Investigations" in rows[0] and "Watching: every new post" in rows[0]
    assert child.name in rows[1] and "(from “Investigations”)" in rows[1]
    assert "Outreach" in rows[2] and "Muted" in rows[2]
    assert "Prosecutors" not in table
