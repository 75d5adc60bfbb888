"""Renaming a term's slug: search filters, the topic page and shared links follow the new slug."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse

from search.documents import IndexDocument
from search.index import index_documents, search
from search.models import IndexEntry
from taxonomy.models import FormerSlug, Term
from tests.cms import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged_practice():
    indexes = factories.index_pages()
    return factories.practice(
        indexes["practices"],
        title="Farmworker outreach with labor inspectors",
        slug="farmworker-outreach",
        topics=["labor-trafficking", "labor-trafficking-agriculture", "coordination"],
    )


def rename(slug, new_slug):
    term = Term.objects.get(slug=slug)
    term.slug = new_slug
    term.save()
    return term


def topics_of(kind, key):
    return IndexEntry.objects.get(kind=kind, key=str(key)).topic_slugs


def test_rename_rewrites_the_slug_in_every_apps_index_entries(tagged_practice):
    # An entry another app indexed (as the forum does), carrying the same slug.
    index_documents(
        [
            IndexDocument(
                kind="forum_topic",
                key="41",
                title="Working with farm labor contractors",
                text="Who has worked a case with a farm labor contractor?",
                url="/forum/t/41/",
                scope="forum:3",
                topics=("labor-trafficking", "training"),
            )
        ]
    )

    rename("labor-trafficking", "labour-exploitation")

    assert sorted(topics_of("practice", tagged_practice.pk)) == [
        "coordination",
        "labor-trafficking-agriculture",  # a longer slug that starts the same is left alone
        "labour-exploitation",
    ]
    assert sorted(topics_of("forum_topic", 41)) == ["labour-exploitation", "training"]
    found = search("farmworker", user=AnonymousUser(), topics=["labour-exploitation"])
    assert [result.title for result in found.results] == ["Farmworker outreach with labor inspectors"]
    assert search("farmworker", user=AnonymousUser(), topics=["labor-trafficking"]).total == 0


def test_topic_page_moves_to_the_new_slug_and_the_old_link_redirects(client, tagged_practice):
    rename("coordination", "multi-agency-coordination")

    response = client.get("/topics/multi-agency-coordination/")
    assert response.status_code == 200
    assert "Farmworker outreach with labor inspectors" in response.content.decode()

    old = client.get("/topics/coordination/")
    assert old.status_code == 301
    assert old["Location"] == "/topics/multi-agency-coordination/"
    assert client.get("/topics/never-a-topic/").status_code == 404


def test_filter_links_shared_before_a_rename_still_filter(client, tagged_practice):
    indexes = factories.index_pages()
    factories.practice(indexes["practices"], title="Tip line triage", slug="tip-line", topics=["training"])
    rename("coordination", "multi-agency-coordination")

    page = client.get("/practices/?practice_area=coordination").content.decode()

    assert "Farmworker outreach with labor inspectors" in page
    assert "Tip line triage" not in page


def test_renaming_back_and_forth_keeps_one_live_owner_per_slug(client, tagged_practice):
    rename("coordination", "joint-working")
    rename("joint-working", "coordination")

    assert not FormerSlug.objects.filter(slug="coordination").exists()
    assert FormerSlug.objects.get(slug="joint-working").term.slug == "coordination"
    assert client.get("/topics/coordination/").status_code == 200
    assert client.get("/topics/joint-working/")["Location"] == "/topics/coordination/"
    assert "coordination" in topics_of("practice", tagged_practice.pk)


def test_a_rename_rolled_back_leaves_the_index_as_it_was(tagged_practice):
    with pytest.raises(RuntimeError), transaction.atomic():
        rename("coordination", "joint-working")
        raise RuntimeError("the admin request failed after saving")

    assert "coordination" in topics_of("practice", tagged_practice.pk)
    assert not FormerSlug.objects.exists()


def test_saving_a_term_without_changing_its_slug_touches_nothing(tagged_practice):
    term = Term.objects.get(slug="coordination")
    term.description = "Working together across agencies."
    term.save()

    assert not FormerSlug.objects.exists()
    assert "coordination" in topics_of("practice", tagged_practice.pk)


def term_form(term, **changes):
    data = {
        "facet": term.facet,
        "name": term.name,
        "slug": term.slug,
        "parent": term.parent_id or "",
        "description": term.description,
        "sort_order": term.sort_order,
    }
    data.update(changes)
    return data


def test_staff_rename_a_slug_in_the_admin_and_bad_slugs_are_refused(client_for, role_user, tagged_practice):
    client = client_for(role_user("superuser"))
    term = Term.objects.get(slug="coordination")
    url = reverse("wagtailsnippets_taxonomy_term:edit", args=[term.pk])

    taken = client.post(url, term_form(term, slug="training"))
    assert taken.status_code == 200
    assert "already exists" in taken.content.decode()

    hostile = client.post(url, term_form(term, slug="<script>alert(1)</script>"))
    assert hostile.status_code == 200
    assert "<script>alert(1)</script>" not in hostile.content.decode()
    assert Term.objects.get(pk=term.pk).slug == "coordination"
    assert "coordination" in topics_of("practice", tagged_practice.pk)

    response = client.post(url, term_form(term, slug="interagency-coordination"))
    assert response.status_code == 302
    assert "interagency-coordination" in topics_of("practice", tagged_practice.pk)
    assert client.get("/topics/coordination/")["Location"] == "/topics/interagency-coordination/"


def test_facet_form_shows_the_new_slug_at_once_though_it_is_cached(client, tagged_practice):
    before = client.get("/practices/").content.decode()
    assert 'value="coordination"' in before

    rename("coordination", "multi-agency-coordination")

    after = client.get("/practices/").content.decode()
    assert 'value="multi-agency-coordination"' in after
    assert 'value="coordination"' not in after


def test_a_result_page_cached_before_a_rename_is_not_served_after_it(tagged_practice):
    anonymous = AnonymousUser()
    assert search("farmworker", user=anonymous, topics=["coordination"]).total == 1
    assert search("farmworker", user=anonymous, topics=["joint-working"]).total == 0  # cached too

    rename("coordination", "joint-working")

    assert search("farmworker", user=anonymous, topics=["coordination"]).total == 0
    assert search("farmworker", user=anonymous, topics=["joint-working"]).total == 1


def test_search_reaches_the_vocabulary_only_through_the_setting(settings):
    from search import topics
    from taxonomy import signals

    # search names no app; the project points it at taxonomy's vocabulary.
    assert settings.SEARCH_TOPIC_VOCABULARY == "taxonomy.topics"
    assert topics.vocabulary().slug_changed is signals.term_slug_changed
    assert topics.names(["coordination", "never-a-topic"]) == {"coordination": "Coordination"}

    settings.SEARCH_TOPIC_VOCABULARY = None
    assert topics.names(["coordination"]) == {}  # shown as the slug
    assert topics.moved(["coordination"]) == {}
