"""The site index holds only the live revision of a live page, for those the page's privacy admits.

Each test searches for a word only the hidden text has, as an anonymous
visitor and as a member, and looks at the index rows themselves.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cms.models import PracticePage
from search.index import search
from search.models import IndexEntry
from tests.cms import factories

pytestmark = pytest.mark.django_db

LIVE_WORD = "deconfliction"
DRAFT_WORD = "zeppelin"


@pytest.fixture
def visitors(role_user):
    return {"anonymous": factories.anonymous_user(), "member": role_user("member")}


def found(query, visitors):
    """What each visitor's search returns, as {visitor: [url, ...]}."""
    return {name: [hit.url for hit in search(query, user=user).results] for name, user in visitors.items()}


def nobody_finds(query, visitors):
    return found(query, visitors) == {name: [] for name in visitors}


def live_practice(indexes, **fields):
    return factories.practice(
        indexes["practices"],
        title="Deconfliction before every operation",
        slug="deconfliction",
        body=factories.body(f"Check each target with the regional {LIVE_WORD} system."),
        **fields,
    )


def indexed_text(page):
    entry = IndexEntry.objects.filter(kind=page.search_kind, key=str(page.pk)).first()
    return None if entry is None else f"{entry.title} {entry.text}"


def test_a_draft_that_was_never_published_is_not_found(indexes, visitors):
    factories.practice(
        indexes["practices"], title=f"The {DRAFT_WORD} draft", slug="draft", live=False, summary=DRAFT_WORD
    )
    assert nobody_finds(DRAFT_WORD, visitors)
    assert not IndexEntry.objects.filter(kind="practice").exists()


def test_a_page_in_review_is_found_by_its_live_text_never_its_draft(indexes, visitors, role_user):
    page = live_practice(indexes)
    draft = page.get_latest_revision_as_object()
    draft.title = f"Deconfliction and the {DRAFT_WORD} rule"
    draft.summary = f"The {DRAFT_WORD} rule, not yet approved."
    revision = draft.save_revision(user=role_user("editor"))
    page.get_workflow().start(page, role_user("editor"))

    assert nobody_finds(DRAFT_WORD, visitors)
    assert DRAFT_WORD not in indexed_text(page)
    assert found(LIVE_WORD, visitors) == {"anonymous": [page.url], "member": [page.url]}

    revision.publish()
    assert found(DRAFT_WORD, visitors) == {"anonymous": [page.url], "member": [page.url]}


def test_an_unpublished_page_is_not_found(indexes, visitors):
    page = live_practice(indexes)
    page.unpublish()
    assert nobody_finds(LIVE_WORD, visitors)


def test_a_page_saved_as_not_live_by_any_path_leaves_the_index(indexes, visitors):
    """As the stale second approval did: the row saved back as a draft, without Wagtail's unpublish signal."""
    page = live_practice(indexes)
    stale = PracticePage.objects.get(pk=page.pk)
    stale.live = False
    stale.save()
    assert nobody_finds(LIVE_WORD, visitors)
    assert Client().get("/search/", {"q": LIVE_WORD}).content.decode().count(page.title) == 0


def test_an_expired_page_is_not_found_even_before_the_scheduler_unpublishes_it(
    indexes, visitors, monkeypatch
):
    start = timezone.now()
    page = live_practice(indexes, expire_at=start + timedelta(days=1))
    members_page = factories.make_members_only(
        factories.practice(
            indexes["practices"],
            title="Deconfliction for members",
            slug="members-deconfliction",
            expire_at=start + timedelta(days=1),
        )
    )
    before = found(LIVE_WORD, visitors)
    assert before["anonymous"] == [page.url]
    assert set(before["member"]) == {page.url, members_page.url}

    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(days=2))
    page.refresh_from_db()
    assert page.live, "the scheduler has not run"
    assert nobody_finds(LIVE_WORD, visitors)


def test_a_page_published_already_expired_is_not_indexed(indexes, visitors):
    page = live_practice(indexes, live=False)
    page.expire_at = timezone.now() - timedelta(minutes=1)
    page.save_revision().publish()
    assert indexed_text(page) is None
    assert nobody_finds(LIVE_WORD, visitors)


def test_a_page_scheduled_to_go_live_is_not_found_until_it_does(indexes, visitors):
    page = live_practice(indexes, live=False)
    page.go_live_at = timezone.now() + timedelta(days=1)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    assert nobody_finds(LIVE_WORD, visitors)


def test_a_live_page_with_a_scheduled_revision_is_found_by_its_live_text(indexes, visitors):
    page = live_practice(indexes)
    draft = page.get_latest_revision_as_object()
    draft.summary = f"The {DRAFT_WORD} rule, from next week."
    draft.go_live_at = timezone.now() + timedelta(days=7)
    draft.save_revision().publish()
    assert nobody_finds(DRAFT_WORD, visitors)
    assert found(LIVE_WORD, visitors)["anonymous"] == [page.url]


def test_a_members_only_page_never_reaches_anonymous_results(indexes, visitors):
    page = factories.make_members_only(live_practice(indexes))
    assert found(LIVE_WORD, visitors) == {"anonymous": [], "member": [page.url]}
    html = Client().get("/search/", {"q": LIVE_WORD}).content.decode()
    assert page.title not in html
