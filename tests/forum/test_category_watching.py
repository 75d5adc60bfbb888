"""Per-category watch levels: watching, tracking, normal, muted. A topic's own level overrides them."""

import pytest

from forum import services
from forum.models import CategoryState, EmailFrequency, Notification, WatchLevel
from forum.notifications import services as notifications
from tests.forum.factories import CategoryFactory, reply, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def reader(role_user):
    return role_user("coordinator", full_name="Dana Whitfield")


def _post(topic, author, body, run_tasks):
    with run_tasks():
        return reply(topic, author, body)


def test_watching_a_category_brings_every_new_post_of_its_topics(
    member, peer, reader, open_category, run_tasks, mailoutbox
):
    services.set_category_watch_level(open_category, by=reader, level=WatchLevel.WATCHING)
    notifications.set_email_frequency(reader, EmailFrequency.IMMEDIATE)
    with run_tasks():
        topic = start_topic(member, open_category, title="Victim housing after an operation")
    _post(topic, peer, "County shelters hold two beds for us.", run_tasks)
    kinds = list(Notification.objects.filter(user=reader).values_list("post__number", "kind"))
    assert kinds == [(2, "watched_post"), (1, "watched_post")]
    # Fan-out respects the category for email too.
    assert [email.to for email in mailoutbox] == [[reader.email], [reader.email]]


def test_tracking_a_category_brings_only_mentions_and_replies_to_me(
    member, peer, reader, open_category, run_tasks
):
    services.set_category_watch_level(open_category, by=reader, level=WatchLevel.TRACKING)
    topic = start_topic(member, open_category)
    _post(topic, peer, "An ordinary reply.", run_tasks)
    assert not Notification.objects.filter(user=reader).exists()
    _post(topic, peer, "What does @dana-whitfield think?", run_tasks)
    assert Notification.objects.get(user=reader).kind == Notification.Kind.MENTION


def test_a_muted_category_is_silent_even_for_mentions(member, peer, reader, open_category, run_tasks):
    services.set_category_watch_level(open_category, by=reader, level=WatchLevel.MUTED)
    topic = start_topic(member, open_category)
    _post(topic, peer, "What does @dana-whitfield think?", run_tasks)
    assert not Notification.objects.filter(user=reader).exists()


def test_a_topics_own_level_overrides_the_categorys(member, peer, reader, open_category, run_tasks):
    services.set_category_watch_level(open_category, by=reader, level=WatchLevel.WATCHING)
    quiet = start_topic(member, open_category, title="Quiet one")
    loud = start_topic(member, open_category, title="Loud one")
    services.set_watch_level(quiet, by=reader, level=WatchLevel.NORMAL)
    _post(quiet, peer, "Nobody is told of this one.", run_tasks)
    assert not Notification.objects.filter(user=reader).exists()

    services.set_category_watch_level(open_category, by=reader, level=WatchLevel.MUTED)
    services.set_watch_level(loud, by=reader, level=WatchLevel.WATCHING)
    _post(loud, peer, "Watched despite the muted category.", run_tasks)
    assert Notification.objects.get(user=reader).topic == loud


def test_reading_a_topic_does_not_override_the_category(member, peer, reader, open_category, run_tasks):
    services.set_category_watch_level(open_category, by=reader, level=WatchLevel.WATCHING)
    topic = start_topic(member, open_category)
    # Opening the topic records a read position with the default level; it is not a choice.
    services.record_read(reader.pk, topic.pk, 1)
    _post(topic, peer, "Still heard.", run_tasks)
    assert Notification.objects.filter(user=reader).count() == 1


def test_a_sub_category_follows_its_parent_unless_it_has_its_own_level(
    member, peer, reader, open_category, run_tasks
):
    child = CategoryFactory(name="Labor", slug="labor", parent=open_category)
    other_child = CategoryFactory(name="Hotels", slug="hotels", parent=open_category)
    services.set_category_watch_level(open_category, by=reader, level=WatchLevel.WATCHING)
    services.set_category_watch_level(other_child, by=reader, level=WatchLevel.MUTED)
    followed = start_topic(member, child)
    muted = start_topic(member, other_child)
    _post(followed, peer, "Heard through the parent.", run_tasks)
    _post(muted, peer, "Not heard.", run_tasks)
    assert list(Notification.objects.filter(user=reader).values_list("topic", flat=True)) == [followed.pk]


def test_a_member_who_cannot_read_the_category_cannot_watch_it(member, prosecutors):
    with pytest.raises(services.NotAllowed):
        services.set_category_watch_level(prosecutors, by=member, level=WatchLevel.WATCHING)
    with pytest.raises(services.ForumError):
        services.set_category_watch_level(prosecutors, by=member, level="loud")
    assert not CategoryState.objects.exists()


def test_muted_categories_leave_latest_for_that_member_only(
    client_for, member, peer, open_category, django_assert_max_num_queries
):
    muted = CategoryFactory(name="Grant reporting", slug="grant-reporting")
    child = CategoryFactory(name="Quarterly numbers", slug="quarterly", parent=muted)
    start_topic(member, open_category, title="Kept in latest")
    start_topic(member, muted, title="Muted parent topic")
    start_topic(member, child, title="Muted child topic")
    services.set_category_watch_level(muted, by=peer, level=WatchLevel.MUTED)

    client = client_for(peer)
    client.get("/forum/latest/")
    with django_assert_max_num_queries(14):
        page = client.get("/forum/latest/").content.decode()
    assert "Kept in latest" in page
    assert "Muted parent topic" not in page and "Muted child topic" not in page
    # The category's own page still lists them; other members' Latest is untouched.
    assert "Muted parent topic" in client.get("/forum/c/grant-reporting/").content.decode()
    other = client_for(member).get("/forum/latest/").content.decode()
    assert "Muted parent topic" in other and "Muted child topic" in other


def test_category_page_sets_the_level_and_refuses_nonsense(client_for, member, open_category, prosecutors):
    client = client_for(member)
    page = client.get(f"/forum/c/{open_category.slug}/").content.decode()
    assert "Notifications for this category" in page
    response = client.post(f"/forum/c/{open_category.slug}/watch/", {"level": "watching"}, follow=True)
    assert "Notification level for the category saved." in response.content.decode()
    assert CategoryState.objects.get(user=member).watch_level == WatchLevel.WATCHING
    for hostile in ("loud", "<script>alert(1)</script>", "' OR 1=1 --", ""):
        response = client.post(f"/forum/c/{open_category.slug}/watch/", {"level": hostile}, follow=True)
        assert "Choose watching, tracking, normal or muted." in response.content.decode()
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert CategoryState.objects.get(user=member).watch_level == WatchLevel.WATCHING
    # Back to normal removes the row.
    client.post(f"/forum/c/{open_category.slug}/watch/", {"level": "normal"})
    assert not CategoryState.objects.exists()
    # A category the member cannot see: nothing to learn, nothing saved.
    assert client.post(f"/forum/c/{prosecutors.slug}/watch/", {"level": "watching"}).status_code == 404
    assert client.get(f"/forum/c/{open_category.slug}/watch/").status_code == 405


def test_topic_page_shows_the_level_inherited_from_the_category(
    client_for, member, peer, open_category, django_assert_max_num_queries
):
    topic = start_topic(member, open_category)
    services.set_category_watch_level(open_category, by=peer, level=WatchLevel.TRACKING)
    client = client_for(peer)
    client.get(f"/forum/t/{topic.pk}/")
    with django_assert_max_num_queries(15):
        page = client.get(f"/forum/t/{topic.pk}/").content.decode()
    assert "This level comes from the category" in page
    assert 'value="tracking" selected' in page
