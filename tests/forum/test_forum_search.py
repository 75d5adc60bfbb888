"""The forum's own search: only what the member may read, filtered by tag, with highlighted snippets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.forum.factories import a_tag, reply, start_topic

pytestmark = pytest.mark.django_db


def test_search_finds_topics_and_replies_with_highlights(
    client_for, member, peer, open_category, django_capture_on_commit_callbacks
):
    topic = start_topic(member, open_category, title="Interpreter scheduling for interviews")
    with django_capture_on_commit_callbacks(execute=True):  # a reply is indexed by its task (forum.tasks)
        reply(topic, peer, "We keep a roster of certified interpreters.")
    html = client_for(member).get("/forum/search/?q=interpreters").content.decode()
    assert f'href="/forum/t/{topic.pk}/"' in html
    assert f'href="/forum/t/{topic.pk}/p/2/"' in html
    assert "<mark>" in html


def test_search_never_shows_a_category_the_member_cannot_read(client_for, member, prosecutor, prosecutors):
    topic = start_topic(prosecutor, prosecutors, title="Suppression motion strategy")
    assert (
        f"/forum/t/{topic.pk}/".encode() not in client_for(member).get("/forum/search/?q=suppression").content
    )
    assert (
        f"/forum/t/{topic.pk}/".encode() in client_for(prosecutor).get("/forum/search/?q=suppression").content
    )


def test_tag_filter(client_for, member, open_category):
    tags = list(a_tag().__class__.objects.current().order_by("pk")[:2])
    first = start_topic(member, open_category, title="Roster of interpreters", tags=[tags[0]])
    second = start_topic(member, open_category, title="Interpreters for court", tags=[tags[1]])
    html = client_for(member).get(f"/forum/search/?q=interpreters&tag={tags[1].slug}").content.decode()
    assert f"/forum/t/{second.pk}/" in html and f"/forum/t/{first.pk}/" not in html


@pytest.mark.parametrize(
    "query", ["<script>alert(1)</script>", "' OR 1=1 --", '"unbalanced', "x" * 500, "NEAR(a b)"]
)
def test_hostile_queries_are_harmless(client_for, member, open_category, query):
    start_topic(member, open_category)
    response = client_for(member).get("/forum/search/", {"q": query})
    assert response.status_code == 200
    assert b"<script>alert" not in response.content


def test_search_queries_do_not_grow_with_hits(client_for, member, open_category):
    start_topic(member, open_category, title="Interpreters 0")
    client = client_for(member)
    client.get("/forum/search/?q=interpreters")
    # search/ caches result pages until the index changes: measure both searches just after a change.
    start_topic(member, open_category, title="Interpreters 1")
    with CaptureQueriesContext(connection) as one:
        client.get("/forum/search/?q=interpreters")
    for n in range(2, 26):
        start_topic(member, open_category, title=f"Interpreters {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/forum/search/?q=interpreters")
    assert len(one) == len(many)


def test_a_search_past_the_ranking_window_says_so_and_keeps_the_newest(
    client_for, member, open_category, monkeypatch
):
    """More matching topics than search ranks: the page says how to narrow it and shows the newest."""
    from search import fulltext
    from search import index as search_index

    monkeypatch.setattr(fulltext, "RANK_WINDOW", 3)
    monkeypatch.setattr(search_index, "RANK_WINDOW", 3)
    topics = [start_topic(member, open_category, title=f"Restitution order {n}") for n in range(5)]

    html = client_for(member).get("/forum/search/?q=restitution").content.decode()

    assert "only the newest 3 topics and 3 replies are ranked here" in html
    shown = {topic.pk for topic in topics if f'href="/forum/t/{topic.pk}/"' in html}
    assert shown == {topic.pk for topic in topics[-3:]}
    assert "3+ results" in html
