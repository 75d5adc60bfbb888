"""The notification fan-out checks every recipient's rights in a constant number of queries."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import access, services
from forum.access import PROSECUTORS
from forum.models import Notification, WatchLevel
from forum.notifications import services as notifications
from tests.forum.factories import reply, start_topic

pytestmark = pytest.mark.django_db


def _watchers(role_user, count, start, groups=()):
    users = []
    for n in range(start, start + count):
        user = role_user("member", full_name=f"Watcher {n}")
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        users.append(user)
    return users


def _fan_out_queries(post):
    access.permissions_changed()  # every run starts from nothing shared, as after a deploy
    with CaptureQueriesContext(connection) as captured:
        created = notifications.fan_out(post.pk)
    return created, len(captured)


def _watch(topic, users):
    for user in users:
        services.set_watch_level(topic, by=user, level=WatchLevel.WATCHING)


def test_the_fan_out_takes_the_same_queries_for_2_or_12_watchers(role_user, member, peer, open_category):
    topic = start_topic(member, open_category)
    _watch(topic, _watchers(role_user, 2, 0))
    created, few = _fan_out_queries(reply(topic, peer, "First reply"))
    assert created == 3  # two watchers and the author, who watches what they start
    _watch(topic, _watchers(role_user, 10, 2))
    created, many = _fan_out_queries(reply(topic, peer, "Second reply"))
    assert created == 13
    assert many == few


def test_watchers_who_cannot_read_the_category_get_nothing(role_user, prosecutor, prosecutors):
    topic = start_topic(prosecutor, prosecutors)
    readers = _watchers(role_user, 3, 0, groups=[PROSECUTORS])
    outsiders = _watchers(role_user, 3, 3)
    # They watched while they could read it; then the category closed to them.
    _watch(topic, readers)
    for user in outsiders:
        user.groups.add(Group.objects.get(name=PROSECUTORS))
    _watch(topic, outsiders)
    for user in outsiders:
        user.groups.remove(Group.objects.get(name=PROSECUTORS))
    post = reply(topic, readers[0], "Reply for prosecutors only")
    notifications.fan_out(post.pk)
    notified = set(Notification.objects.filter(post=post).values_list("user_id", flat=True))
    assert notified == {prosecutor.pk, readers[1].pk, readers[2].pk}
