"""The admin page listing as an editor: the same queries for 3 pages or 13, and the buttons Wagtail gives."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import GroupPagePermission, PagePermissionTester

from cms.models import PracticePage
from tests.cms import factories
from tests.factories import make_role

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def listing_queries(client, index):
    url = reverse("wagtailadmin_explore", args=[index.pk])
    client.get(url)  # session and caches warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def add_practices(index, count, start=0, **fields):
    return [
        factories.practice(index, title=f"Listed practice {n:02d}", **fields)
        for n in range(start, start + count)
    ]


def test_an_editors_page_listing_makes_the_same_queries_for_more_pages(role_user, indexes):
    index = indexes["practices"]
    client = signed_in(role_user("editor"))
    add_practices(index, 3)
    few, _ = listing_queries(client, index)
    add_practices(index, 10, start=3)
    many, html = listing_queries(client, index)

    assert html.count("Listed practice") >= 13
    # Wagtail asked the database, for each row, whether the page or anything under it was live.
    assert many == few


def test_an_editor_may_delete_and_move_drafts_but_not_live_pages(role_user, indexes):
    editor = role_user("editor")
    index = indexes["practices"]
    live = factories.practice(index, title="Live practice")
    draft = factories.practice(index, title="Draft practice", live=False)

    _, html = listing_queries(signed_in(editor), index)

    assert reverse("wagtailadmin_pages:delete", args=[draft.pk]) in html
    assert reverse("wagtailadmin_pages:move", args=[draft.pk]) in html
    assert reverse("wagtailadmin_pages:delete", args=[live.pk]) not in html
    assert reverse("wagtailadmin_pages:move", args=[live.pk]) not in html


@pytest.fixture
def adder(db):
    """Someone who may add pages but not change other people's: Wagtail's "add"-only case."""
    user = make_role("member")
    group, _ = Group.objects.get_or_create(name="Bench adders")
    home = factories.home()
    GroupPagePermission.objects.create(group=group, page=home, permission_type="add")
    user.groups.add(group)
    return user


def test_every_answer_matches_wagtails_own_tester(role_user, indexes, adder):
    editor, reviewer, superuser = role_user("editor"), role_user("reviewer"), role_user("superuser")
    index = indexes["practices"]
    pages = [
        factories.practice(index, title="Live, the editor's", slug="live-editor", owner=editor),
        factories.practice(index, title="Draft, the editor's", slug="draft-editor", live=False, owner=editor),
        factories.practice(index, title="Draft, the adder's", slug="draft-adder", live=False, owner=adder),
        factories.practice(index, title="Live, the adder's", slug="live-adder", owner=adder),
        factories.practice(index, title="Draft, nobody's", slug="draft-nobody", live=False),
        index,  # not a leaf: Wagtail's own answer, whatever it is
    ]
    inactive = role_user("editor", is_active=False)
    for page in PracticePage.objects.filter(pk__in=[p.pk for p in pages[:-1]]):
        for user in (editor, reviewer, superuser, adder, inactive):
            ours, wagtails = page.permissions_for_user(user), PagePermissionTester(user, page)
            for ignore_bulk in (False, True):
                assert ours.can_delete(ignore_bulk) == wagtails.can_delete(ignore_bulk), (page.title, user)
            assert ours.can_move() == wagtails.can_move(), (page.title, user)


def test_a_reviewers_listing_makes_the_same_queries_for_more_pages_in_review(role_user, indexes):
    """Each row in review once cost a query for its workflow task; now the tasks come in one."""
    index = indexes["practices"]
    editor = role_user("editor")
    client = signed_in(role_user("reviewer"))

    def send_to_review(pages):
        for page in pages:
            page.title = f"{page.title} (revised)"
            page.save_revision(user=editor)
            page.get_workflow().start(page, editor)

    send_to_review(add_practices(index, 2))
    few, _ = listing_queries(client, index)
    send_to_review(add_practices(index, 10, start=2))
    many, html = listing_queries(client, index)

    assert html.count("(revised)") >= 12
    assert html.count("In Moderation") + html.count("in moderation") >= 12
    assert many == few
