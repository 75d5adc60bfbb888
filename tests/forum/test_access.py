"""Who sees what: anonymous and pending people get nothing, and a prosecutors-only category stays theirs."""

import pytest
from django.contrib.auth.models import Group

from forum import access
from tests.forum.factories import CategoryFactory, reply, start_topic

pytestmark = pytest.mark.django_db


def test_anonymous_and_pending_people_get_no_titles(client_for, role_user, member, open_category):
    topic = start_topic(member, open_category, title="Secret-ish title about interviews")
    for user, target in ((None, "/accounts/login/"), (role_user("pending"), "/members/pending/")):
        for url in ("/forum/", "/forum/latest/", f"/forum/t/{topic.pk}/", f"/forum/t/{topic.pk}/p/1/"):
            response = client_for(user).get(url)
            assert response.status_code == 302 and response["Location"].startswith(target)
            assert b"Secret-ish" not in response.content


def test_prosecutors_category_is_invisible_to_other_members(
    client_for, member, prosecutor, prosecutors, open_category
):
    topic = start_topic(prosecutor, prosecutors, title="Charging decisions under the state statute")
    client = client_for(member)
    for url in ("/forum/", "/forum/latest/", "/forum/unanswered/", f"/forum/tags/{topic.tags.get().slug}/"):
        page = client.get(url)
        assert page.status_code == 200
        assert b"Charging decisions" not in page.content and b"Prosecutors" not in page.content
    for url in (
        f"/forum/t/{topic.pk}/",
        f"/forum/c/{prosecutors.slug}/",
        f"/forum/t/{topic.pk}/reply/",
        f"/forum/t/{topic.pk}/p/1/",
    ):
        assert client.get(url).status_code == 404, url
    post = topic.posts.get()
    assert client.post(f"/forum/posts/{post.pk}/helpful/").status_code == 404
    search = client.get("/search/?q=charging+decisions")
    assert f'href="/forum/t/{topic.pk}/"'.encode() not in search.content


def test_prosecutors_see_read_and_find_their_category(client_for, prosecutor, prosecutors):
    topic = start_topic(prosecutor, prosecutors, title="Charging decisions under the state statute")
    client = client_for(prosecutor)
    assert b"Charging decisions" in client.get("/forum/latest/").content
    assert client.get(f"/forum/t/{topic.pk}/").status_code == 200
    # Titles come back highlighted word by word, so look for the link.
    assert f'href="/forum/t/{topic.pk}/"'.encode() in client.get("/search/?q=charging+decisions").content


def test_moderators_reach_every_category(client_for, moderator, prosecutor, prosecutors):
    topic = start_topic(prosecutor, prosecutors)
    assert client_for(moderator).get(f"/forum/t/{topic.pk}/").status_code == 200


def test_a_member_of_another_group_cannot_post_into_the_category(member, prosecutors):
    from forum import services

    with pytest.raises(services.NotAllowed):
        start_topic(member, prosecutors)


def test_see_without_read_lists_the_category_but_hides_its_topics(client_for, member, prosecutor):
    from forum.models import CategoryPermission

    category = CategoryFactory(name="Case reviews", slug="case-reviews")
    CategoryPermission.objects.create(
        category=category,
        group=Group.objects.get(name="Member"),
        can_read=False,
        can_start=False,
        can_reply=False,
    )
    CategoryPermission.objects.create(category=category, group=Group.objects.get(name="Prosecutors"))
    start_topic(prosecutor, category, title="Review of a dismissed case")
    client = client_for(member)
    assert b"Case reviews" in client.get("/forum/").content
    assert client.get("/forum/c/case-reviews/").status_code == 403
    assert b"Review of a dismissed" not in client.get("/forum/latest/").content


def test_a_sub_category_is_never_more_open_than_its_parent(member, prosecutors):
    child = CategoryFactory(name="Motions", slug="motions", parent=prosecutors)
    rights = access.forum_access(member)
    assert child.pk not in rights.see and prosecutors.pk not in rights.see


def test_rights_are_computed_in_one_query_and_cached(
    member, open_category, prosecutors, django_assert_num_queries
):
    member = type(member).objects.get(pk=member.pk)
    access.is_member(member)  # loads the member's groups
    with django_assert_num_queries(1):
        access.forum_access(member)
        access.forum_access(member)
        access.forum_scopes(member)


def test_search_scopes_are_the_readable_categories(member, prosecutor, open_category, prosecutors):
    assert access.forum_scopes(member) == {f"forum:{open_category.pk}"}
    assert access.forum_scopes(prosecutor) == {f"forum:{open_category.pk}", f"forum:{prosecutors.pk}"}
    assert access.forum_scopes(None) == set()


def test_hidden_posts_show_only_to_their_author_and_moderators(
    client_for, member, peer, moderator, open_category
):
    from forum.models import Post

    topic = start_topic(member, open_category)
    hidden = reply(topic, peer, "Something a moderator hid")
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    assert b"Something a moderator hid" not in client_for(member).get(f"/forum/t/{topic.pk}/").content
    assert b"Something a moderator hid" in client_for(peer).get(f"/forum/t/{topic.pk}/").content
    assert b"Something a moderator hid" in client_for(moderator).get(f"/forum/t/{topic.pk}/").content
