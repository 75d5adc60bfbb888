"""What a new member, a moderator and a tagger see: held posts say they wait for a moderator, the
Approvals link carries the number waiting, and topics are tagged only with forum subjects."""

import pytest
from django.utils import timezone

from forum import services
from forum.models import FORUM_TAG_FACETS, Topic
from taxonomy.models import Term
from tests.forum.factories import a_tag, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(role_user):
    """A member just approved through the membership application: their first posts are held."""
    user = role_user("member", full_name="Nia Newcomer")
    user.decided_at = timezone.now()
    user.save(update_fields=["decided_at"])
    return user


def _topic_data(category, title="Who do you call first after a tip?"):
    return {
        "category": category.pk,
        "kind": "question",
        "title": title,
        "tags": [a_tag().pk],
        "body": "We are a new task force and want to get the first hours right.",
    }


class TestHeldPosts:
    def test_a_new_members_first_topic_says_it_waits_for_a_moderator(
        self, client_for, newcomer, open_category
    ):
        page = client_for(newcomer).post("/forum/new/", _topic_data(open_category), follow=True)
        html = page.content.decode()
        assert Topic.objects.get().awaiting_approval
        assert "Your post waits for a moderator" in html
        assert "Your topic is posted." not in html

    def test_a_new_members_reply_says_it_waits_too(self, client_for, newcomer, member, open_category):
        topic = start_topic(member, open_category)
        page = client_for(newcomer).post(
            f"/forum/t/{topic.pk}/reply/", {"body": "Call the advocate."}, follow=True
        )
        assert "Your post waits for a moderator" in page.content.decode()

    def test_an_established_member_is_told_it_is_posted(self, client_for, member, open_category):
        page = client_for(member).post("/forum/new/", _topic_data(open_category), follow=True)
        assert "Your topic is posted." in page.content.decode()

    def test_moderators_see_the_number_waiting_beside_approvals(
        self, client_for, newcomer, moderator, member, open_category
    ):
        client_for(newcomer).post("/forum/new/", _topic_data(open_category, "First question"))
        client_for(newcomer).post("/forum/new/", _topic_data(open_category, "Second question"))
        html = client_for(moderator).get("/forum/latest/").content.decode()
        assert 'Approvals <span class="forum-new">2<span class="visually-hidden"> waiting</span>' in html
        assert "Approvals" not in client_for(member).get("/forum/latest/").content.decode()

    def test_no_number_when_nothing_waits(self, client_for, moderator):
        html = client_for(moderator).get("/forum/latest/").content.decode()
        assert ">Approvals</a>" in html


class TestForumVocabulary:
    def test_cms_block_and_resource_types_are_not_offered_as_subjects(
        self, client_for, member, open_category
    ):
        html = client_for(member).get("/forum/new/").content.decode()
        for name in ("Smart tip", "Key term", "Webinar"):
            assert Term.objects.filter(name=name).exists(), name
            assert f">{name}</option>" not in html, name
        for facet in FORUM_TAG_FACETS:
            term = Term.objects.current().filter(facet=facet).first()
            assert f">{term.name}</option>" in html, facet

    def test_a_resource_type_is_refused_as_a_tag(self, member, open_category):
        webinar = Term.objects.get(name="Webinar")
        with pytest.raises(services.ForumError, match="subjects"):
            start_topic(member, open_category, tags=[webinar])

    def test_the_forum_search_page_offers_only_forum_subjects(self, client_for, member):
        html = client_for(member).get("/forum/search/").content.decode()
        assert "Smart tip" not in html and "Webinar" not in html


class TestLists:
    def test_forum_search_results_show_tag_names_not_slugs(self, client_for, member, open_category):
        tag = a_tag()
        assert tag.name != tag.slug
        start_topic(member, open_category, title="Payroll subpoenas in labor cases", tags=[tag])
        html = client_for(member).get("/forum/search/?q=payroll").content.decode()
        results = html.split('class="forum-topics"', 1)[1]
        assert f">{tag.name}</a>" in results
        assert f">{tag.slug}</a>" not in results

    def test_the_home_lists_the_latest_topics_in_a_fixed_number_of_queries(
        self, client_for, member, peer, open_category, django_assert_max_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        start_topic(member, open_category, title="The first topic")
        client = client_for(member)
        client.get("/forum/")
        with CaptureQueriesContext(connection) as one:
            client.get("/forum/")
        for n in range(12):
            start_topic(peer, open_category, title=f"Later topic {n}")
        with django_assert_max_num_queries(len(one)):
            html = client.get("/forum/").content.decode()
        latest = html.split('id="latest-heading"', 1)[1]
        assert "Later topic 11" in latest and "The first topic" not in latest
        assert latest.count('class="forum-avatar') == 8
        # Relative times, with the exact time on hover and for screen readers.
        assert 'just now<span class="visually-hidden"> (' in latest and 'title="' in latest

    def test_lists_show_relative_times_and_initials(self, client_for, member, open_category):
        from datetime import timedelta

        topic = start_topic(member, open_category, title="Hotels")
        Topic.objects.filter(pk=topic.pk).update(last_post_at=timezone.now() - timedelta(hours=3))
        html = client_for(member).get("/forum/latest/").content.decode()
        assert '3 hours ago<span class="visually-hidden">' in html
        initials = "".join(word[0] for word in member.full_name.split()[:: len(member.full_name.split()) - 1])
        assert f'aria-hidden="true">{initials.upper()}</span>' in html
