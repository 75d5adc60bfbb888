"""A member's forum record on their profile: accepted answers and helpful marks per tag,
counted only in topics the viewer may read."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import services
from forum.access import PROSECUTORS
from forum.expertise import services as expertise
from members import expertise as declared_expertise
from taxonomy.models import Term
from tests.forum.factories import reply, start_topic

pytestmark = pytest.mark.django_db


def _two_tags():
    first, second = Term.objects.current().order_by("pk")[:2]
    return first, second


def _answer(
    asker, answerer, category, tags, *, accept=True, helpers=(), title="How do you run a joint interview?"
):
    topic = start_topic(asker, category, tags=list(tags), title=title)
    answer = reply(topic, answerer)
    if accept:
        services.accept_answer(topic, answer, by=asker)
    for helper in helpers:
        services.mark_helpful(answer, by=helper)
    return answer


def _section(html: str) -> str:
    start = html.find('id="forum-record-heading"')
    return html[start : html.find("</section>", start)]


def test_profile_shows_accepted_answers_and_helpful_marks_per_tag_with_links(
    client_for, member, peer, moderator, open_category
):
    first, second = _two_tags()
    _answer(member, peer, open_category, [first, second], helpers=[member, moderator], title="One")
    _answer(member, peer, open_category, [first], accept=False, helpers=[moderator], title="Two")

    assert expertise.record_for(member, peer) == [
        expertise.TagRecord(first.slug, first.name, accepted_answers=1, helpful=3),
        expertise.TagRecord(second.slug, second.name, accepted_answers=1, helpful=2),
    ]
    response = client_for(member).get(f"/members/{peer.pk}/")
    html = _section(response.content.decode())
    assert "<caption>" in html and '<th scope="col">Tag</th>' in html
    assert f'<th scope="row"><a href="/forum/tags/{first.slug}/">{first.name}</a></th>' in html
    assert '<td class="num">3</td>' in html


def test_subjects_declared_on_the_forum_show_once_on_the_profile(client_for, member, peer):
    # One declaration (User.expertise): the profile's "Areas of expertise" lists it; the forum's
    # section no longer repeats it.
    first, _ = _two_tags()
    client_for(peer).post("/forum/preferences/expertise/", {"terms": [first.pk]})
    page = client_for(member).get(f"/members/{peer.pk}/").content.decode()
    assert f'<span class="tag">{first.name}</span>' in page
    assert page.count(first.name) == 1
    assert "No accepted answers or helpful marks yet" in _section(page)


def test_a_prosecutors_only_answer_is_no_number_to_other_members(
    client_for, member, prosecutor, role_user, prosecutors, moderator
):
    first, _ = _two_tags()
    answerer = role_user("member", full_name="Ruth Baker")
    answerer.groups.add(Group.objects.get(name=PROSECUTORS))
    _answer(prosecutor, answerer, prosecutors, [first], helpers=[prosecutor])

    assert expertise.record_for(member, answerer) == []
    outsider = _section(client_for(member).get(f"/members/{answerer.pk}/").content.decode())
    assert "<table" not in outsider and first.name not in outsider
    assert expertise.record_for(prosecutor, answerer) == [
        expertise.TagRecord(first.slug, first.name, accepted_answers=1, helpful=1)
    ]
    inside = _section(client_for(prosecutor).get(f"/members/{answerer.pk}/").content.decode())
    assert first.name in inside


def test_hidden_and_deleted_answers_are_not_counted(member, peer, moderator, open_category):
    first, _ = _two_tags()
    hidden = _answer(member, peer, open_category, [first], helpers=[moderator], title="Hidden")
    deleted = _answer(member, peer, open_category, [first], helpers=[moderator], title="Deleted")
    services.set_post_visibility(hidden, by=moderator, hidden=True)
    services.set_post_visibility(deleted, by=moderator, deleted=True)
    assert expertise.record_for(member, peer) == []


def test_hostile_names_are_escaped_on_the_profile(client_for, member, role_user, open_category):
    hostile = role_user("member", full_name='<img src=x onerror="alert(1)">')
    first, _ = _two_tags()
    _answer(member, hostile, open_category, [first])
    html = client_for(member).get(f"/members/{hostile.pk}/").content.decode()
    assert '<img src=x onerror="alert(1)">' not in html and "&lt;img src=x" in html


def test_the_profile_costs_the_same_queries_for_a_short_or_long_record(
    client_for, member, peer, moderator, role_user, open_category, django_assert_num_queries
):
    terms = list(Term.objects.current().order_by("pk")[:6])
    _answer(member, peer, open_category, terms[:1], helpers=[moderator], title="Only one")
    client = client_for(member)
    url = f"/members/{peer.pk}/"
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for n, term in enumerate(terms):
        helpers = [role_user("member", full_name=f"Helper {n}"), moderator]
        _answer(member, peer, open_category, [term, terms[0]], helpers=helpers, title=f"Topic {n}")
    declared_expertise.set_expertise(peer, terms)
    with django_assert_num_queries(len(short)) as long:
        html = client.get(url).content.decode()
    # The forum's part: accepted answers and helpful marks in one query (the
    # other is the main header's unread notification count, which every member's page shows).
    forum_queries = [q["sql"] for q in long.captured_queries if "forum_" in q["sql"]]
    assert sum("forum_notification" not in sql for sql in forum_queries) == 1
    assert len(forum_queries) == 2
    assert _section(html).count("<tr>") == len(terms) + 1


def test_only_members_see_a_profile_and_moderators_see_every_category(
    client_for, role_user, member, prosecutor, prosecutors, moderator
):
    first, _ = _two_tags()
    answerer = role_user("member", full_name="Ruth Baker")
    answerer.groups.add(Group.objects.get(name=PROSECUTORS))
    _answer(prosecutor, answerer, prosecutors, [first])
    url = f"/members/{answerer.pk}/"
    assert client_for(None).get(url)["Location"].startswith("/accounts/login/")
    assert client_for(role_user("pending")).get(url)["Location"] == "/members/pending/"
    assert first.name in _section(client_for(moderator).get(url).content.decode())
    assert first.name not in _section(client_for(member).get(url).content.decode())
