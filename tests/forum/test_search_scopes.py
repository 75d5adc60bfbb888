"""Forum search by category, and search following category permissions the moment they change."""

import pytest
from django.contrib.auth.models import Group

from forum.access import PROSECUTORS, scope_for
from forum.models import CategoryPermission
from forum.search_provider import POST_KIND, TOPIC_KIND
from search.models import IndexEntry
from tests.forum.factories import CategoryFactory, reply, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _found(client, url, topic):
    return f'href="/forum/t/{topic.pk}/"' in client.get(url).content.decode()


def test_category_filter_takes_in_sub_categories_only(
    client_for, member, open_category, django_assert_max_num_queries
):
    child = CategoryFactory(name="Labor cases", slug="labor-cases", parent=open_category)
    elsewhere = CategoryFactory(name="Training", slug="training")
    parent_topic = start_topic(member, open_category, title="Interpreters for parent")
    child_topic = start_topic(member, child, title="Interpreters for labor")
    other_topic = start_topic(member, elsewhere, title="Interpreters for training")
    client = client_for(member)
    url = f"/forum/search/?q=interpreters&category={open_category.slug}"
    client.get(url)
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert f'href="/forum/t/{parent_topic.pk}/"' in html and f'href="/forum/t/{child_topic.pk}/"' in html
    assert f'href="/forum/t/{other_topic.pk}/"' not in html
    assert "in “Investigations”" in html
    only_child = client.get(f"/forum/search/?q=interpreters&category={child.slug}").content.decode()
    assert f'href="/forum/t/{child_topic.pk}/"' in only_child
    assert f'href="/forum/t/{parent_topic.pk}/"' not in only_child
    # The select lists sub-categories under their parent.
    select = html[html.index('id="forum-category"') :]
    assert select.index(">Investigations<") < select.index(">— Labor cases<") < select.index(">Training<")


@pytest.mark.parametrize(
    "category", ["no-such-category", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 5000]
)
def test_an_unknown_or_hostile_category_searches_everything_readable(
    client_for, member, open_category, category
):
    topic = start_topic(member, open_category, title="Interpreters roster")
    response = client_for(member).get("/forum/search/", {"q": "interpreters", "category": category})
    assert response.status_code == 200
    assert f'href="/forum/t/{topic.pk}/"' in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_choosing_a_category_one_cannot_read_finds_nothing_in_it(client_for, member, prosecutor, prosecutors):
    topic = start_topic(prosecutor, prosecutors, title="Suppression motion strategy")
    html = client_for(member).get("/forum/search/?q=suppression&category=prosecutors").content.decode()
    assert f'href="/forum/t/{topic.pk}/"' not in html
    categories = html[html.index('id="forum-category"') :]
    assert "Prosecutors" not in categories[: categories.index("</select>")]


def test_search_follows_permission_changes_at_once(
    client_for, member, peer, prosecutor, prosecutors, run_tasks
):
    topic = start_topic(prosecutor, prosecutors, title="Suppression motion strategy")
    reply(topic, prosecutor, "Suppression hearings: what we prepare.")
    client = client_for(member)
    assert not _found(client, "/search/?q=suppression", topic)
    # Opening the category to everyone: no reindex needed, the member finds it now.
    with run_tasks():
        CategoryPermission.objects.filter(category=prosecutors).delete()
    client = client_for(member)
    assert _found(client, "/search/?q=suppression", topic)
    assert _found(client, "/forum/search/?q=suppression", topic)
    # Closing it again, to a group the member is not in.
    with run_tasks():
        CategoryPermission.objects.create(category=prosecutors, group=Group.objects.get(name=PROSECUTORS))
    client = client_for(member)
    assert not _found(client, "/search/?q=suppression", topic)
    assert not _found(client, "/forum/search/?q=suppression", topic)
    assert _found(client_for(prosecutor), "/forum/search/?q=suppression", topic)
    # Taking reading away from the prosecutors too (they may still see the category's name).
    with run_tasks():
        permission = CategoryPermission.objects.get(category=prosecutors)
        permission.can_read = False
        permission.save()
    assert not _found(client_for(prosecutor), "/forum/search/?q=suppression", topic)


def test_a_category_moved_under_a_restricted_parent_drops_out_of_search(
    client_for, member, open_category, prosecutors, run_tasks
):
    topic = start_topic(member, open_category, title="Interpreters for depositions")
    assert _found(client_for(member), "/forum/search/?q=interpreters", topic)
    with run_tasks():
        open_category.parent = prosecutors
        open_category.save()
    assert not _found(client_for(member), "/forum/search/?q=interpreters", topic)
    assert not _found(client_for(member), "/search/?q=interpreters", topic)


def test_a_permission_change_puts_the_categorys_scope_back_on_stray_entries(
    member, peer, open_category, prosecutors, run_tasks
):
    topic = start_topic(member, open_category, title="Interpreters for depositions")
    with run_tasks():  # a reply is indexed by its task (forum.tasks)
        post = reply(topic, peer, "We use the court's list of interpreters.")
    # An entry left with another category's scope (say, a move that forgot to reindex).
    IndexEntry.objects.filter(kind__in=[TOPIC_KIND, POST_KIND]).update(scope=scope_for(prosecutors.pk))
    with run_tasks():
        CategoryPermission.objects.create(category=open_category, group=Group.objects.get(name="Member"))
    scopes = dict(IndexEntry.objects.filter(kind__in=[TOPIC_KIND, POST_KIND]).values_list("key", "scope"))
    assert scopes == {str(topic.pk): scope_for(open_category.pk), str(post.pk): scope_for(open_category.pk)}
