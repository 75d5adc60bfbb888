"""Other apps' additions to CMS pages (forum activity, related threads, topic items): members only."""

import pytest
from wagtail import hooks

from tests.cms import factories

pytestmark = pytest.mark.django_db


def recent_threads(user):
    return [{"title": "How do you staff a deconfliction desk?", "url": "/forum/t/1/"}]


def related(page, user):
    return [{"title": f"Discussing {page.title}", "url": "/forum/t/2/"}]


def topic_items(term, user):
    return [{"title": f"Thread about {term.name}", "url": "/forum/t/3/", "kind_label": "Forum thread"}]


def test_home_shows_recent_forum_activity_to_members_only(client_for, role_user):
    with hooks.register_temporarily("cms_recent_activity", recent_threads):
        assert "deconfliction desk" not in client_for(None).get("/").content.decode()
        assert "deconfliction desk" not in client_for(role_user("pending")).get("/").content.decode()
        html = client_for(role_user("member")).get("/").content.decode()
    assert "Recent forum activity" in html and 'href="/forum/t/1/"' in html


def test_without_forum_activity_the_section_is_not_shown(client_for, role_user):
    assert "Recent forum activity" not in client_for(role_user("member")).get("/").content.decode()


def test_practice_and_topic_pages_show_forum_items_to_members(client_for, role_user, indexes):
    page = factories.practice(indexes["practices"], title="Co-lead", slug="co-lead", topics=["coordination"])
    with (
        hooks.register_temporarily("cms_related_threads", related),
        hooks.register_temporarily("cms_topic_items", topic_items),
    ):
        anonymous = client_for(None)
        assert "Discussing Co-lead" not in anonymous.get(page.url).content.decode()
        assert "Thread about Coordination" not in anonymous.get("/topics/coordination/").content.decode()
        member = client_for(role_user("member"))
        assert "Discussing Co-lead" in member.get(page.url).content.decode()
        assert "Thread about Coordination" in member.get("/topics/coordination/").content.decode()
