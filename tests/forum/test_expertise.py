"""Expertise per tag and Find a peer: declared subjects and accepted answers, as far as the viewer reads."""

import pytest
from django.contrib.auth.models import Group

from forum import services
from forum.expertise import services as expertise
from members import expertise as declared_expertise
from members.models import User
from members.roles import MEMBER
from taxonomy.models import Term
from tests.forum.factories import a_tag, reply, start_topic

pytestmark = pytest.mark.django_db


def _accepted(asker, answerer, category, tag, title="How do you run a joint interview?"):
    topic = start_topic(asker, category, tags=[tag], title=title)
    answer = reply(topic, answerer)
    services.accept_answer(topic, answer, by=asker)
    topic.refresh_from_db()
    return topic


def _rows(html: str) -> str:
    start = html.find("<tbody>")
    return html[start : html.find("</tbody>")] if start >= 0 else ""


def test_members_declare_subjects_on_their_preferences(client_for, member):
    terms = list(Term.objects.current().order_by("pk")[:3])
    client = client_for(member)
    response = client.post("/forum/preferences/expertise/", {"terms": [t.pk for t in terms[:2]]}, follow=True)
    assert "Your subjects are saved." in response.content.decode()
    assert sorted(declared_expertise.declared_term_ids(member)) == sorted(t.pk for t in terms[:2])
    client.post("/forum/preferences/expertise/", {"terms": [terms[2].pk]})
    assert declared_expertise.declared_term_ids(member) == [terms[2].pk]
    page = client.get("/forum/preferences/").content.decode()
    assert f'value="{terms[2].pk}"' in page and "Your expertise" in page


@pytest.mark.parametrize(
    "terms, message",
    [
        (["999999"], "do not exist any more"),
        (["<script>alert(1)</script>"], "do not exist any more"),
        (["' OR 1=1 --"], "do not exist any more"),
        ("many", "Choose at most 10"),
    ],
)
def test_bad_expertise_input_is_refused_with_a_message(client_for, member, terms, message):
    declared = a_tag()
    declared_expertise.set_expertise(member, [declared])
    if terms == "many":
        terms = [t.pk for t in Term.objects.current()[:11]]
    response = client_for(member).post("/forum/preferences/expertise/", {"terms": terms}, follow=True)
    html = response.content.decode()
    assert message in html and "<script>alert(1)</script>" not in html
    assert declared_expertise.declared_term_ids(member) == [declared.pk]


def test_find_a_peer_ranks_by_accepted_answers_then_declared(
    client_for, member, peer, role_user, open_category, django_assert_max_num_queries
):
    tag = a_tag()
    other_tag = Term.objects.current().exclude(pk=tag.pk).first()
    coordinator = role_user("coordinator", full_name="Marcus Ortega")
    declared_only = role_user("member", full_name="Aaron Declared")
    _accepted(member, peer, open_category, tag, title="First")
    _accepted(member, peer, open_category, tag, title="Second")
    _accepted(peer, coordinator, open_category, tag, title="Third")
    _accepted(member, coordinator, open_category, other_tag, title="Elsewhere")
    declared_expertise.set_expertise(declared_only, [tag])
    declared_expertise.set_expertise(coordinator, [tag])

    client = client_for(member)
    url = f"/forum/peers/?tag={tag.slug}"
    client.get(url)
    # Sign-in, MFA and forum rights (5), the menu's unread count, then the page's own five.
    with django_assert_max_num_queries(13):
        html = client.get(url).content.decode()
    rows = _rows(html)
    assert rows.index(peer.full_name) < rows.index("Marcus Ortega") < rows.index("Aaron Declared")
    assert peer.task_force.name in rows
    peers = {p.user.pk: p for p in expertise.find_peers(member, tag)}
    assert (peers[peer.pk].accepted_answers, peers[peer.pk].declared) == (2, False)
    assert (peers[coordinator.pk].accepted_answers, peers[coordinator.pk].declared) == (1, True)
    assert (peers[declared_only.pk].accepted_answers, peers[declared_only.pk].declared) == (0, True)
    assert member.pk not in peers


def test_the_page_costs_the_same_queries_for_few_or_many_peers(
    client_for, member, role_user, open_category, django_assert_max_num_queries
):
    tag = a_tag()
    client = client_for(member)
    url = f"/forum/peers/?tag={tag.slug}"
    declared_expertise.set_expertise(role_user("member", full_name="One Peer"), [tag])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Twice: the site's layout caches its settings over the first requests.
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(15):
        declared_expertise.set_expertise(role_user("member", full_name=f"Peer {n}"), [tag])
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many) == len(one)
    assert _rows(html).count("<tr>") == 16


def test_answers_in_a_category_the_viewer_cannot_read_are_not_counted(
    client_for, member, prosecutor, role_user, prosecutors
):
    tag = a_tag()
    other_prosecutor = role_user("member", full_name="Ruth Baker")
    other_prosecutor.groups.add(Group.objects.get(name="Prosecutors"))
    _accepted(prosecutor, other_prosecutor, prosecutors, tag)
    assert expertise.find_peers(member, tag) == []
    html = client_for(member).get(f"/forum/peers/?tag={tag.slug}").content.decode()
    assert "Ruth Baker" not in html and "Nobody has declared" in html
    [seen] = expertise.find_peers(prosecutor, tag)
    assert (seen.user.pk, seen.accepted_answers) == (other_prosecutor.pk, 1)


def test_former_members_and_hidden_answers_are_left_out(member, peer, moderator, role_user, open_category):
    tag = a_tag()
    gone = role_user("member", full_name="Gone Member")
    left_group = role_user("member", full_name="Left Group")
    declared_expertise.set_expertise(gone, [tag])
    declared_expertise.set_expertise(left_group, [tag])
    User.objects.filter(pk=gone.pk).update(is_active=False)
    left_group.groups.remove(Group.objects.get(name=MEMBER))
    topic = _accepted(member, peer, open_category, tag)
    services.set_post_visibility(topic.accepted_post, by=moderator, hidden=True)
    assert expertise.find_peers(member, tag) == []


def test_no_tag_or_an_unknown_or_hostile_tag_shows_the_chooser_only(client_for, member):
    client = client_for(member)
    for url in (
        "/forum/peers/",
        "/forum/peers/?tag=no-such",
        "/forum/peers/?tag=%3Cscript%3E",
        "/forum/peers/?tag=" + "x" * 5000,
    ):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and "Choose a subject" in html and "<tbody>" not in html
    assert User.expertise.through.objects.count() == 0
