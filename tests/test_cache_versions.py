"""config.cache_versions: the counters the knowledge base and the site search cache pages under."""

import pytest
from django.core.cache import cache

from config import cache_versions

KEY = "test:version"
pytestmark = pytest.mark.django_db


def test_a_number_stays_until_bumped_and_rises_again_at_commit(django_capture_on_commit_callbacks):
    before = cache_versions.current(KEY)
    assert cache_versions.current(KEY) == before
    with django_capture_on_commit_callbacks(execute=True):
        cache_versions.bump(KEY)
        during = cache_versions.current(KEY)
        # A request reading the database now would cache the old rows under this number...
        assert during == before + 1
    # ...so the commit raises it once more, and that entry is never read.
    assert cache_versions.current(KEY) == during + 1


def test_a_rolled_back_change_leaves_the_number_raised_once(django_capture_on_commit_callbacks):
    before = cache_versions.current(KEY)
    with django_capture_on_commit_callbacks(execute=False):  # no commit: the callback never runs
        cache_versions.bump(KEY)
    assert cache_versions.current(KEY) == before + 1  # harmless: a cache miss, never a stale hit


def test_a_lost_number_restarts_above_any_old_one(django_capture_on_commit_callbacks):
    cache.set(KEY, 5, None)
    old = cache_versions.current(KEY)
    cache.delete(KEY)  # evicted
    assert cache_versions.current(KEY) > old
    cache.delete(KEY)
    with django_capture_on_commit_callbacks(execute=True):
        cache_versions.bump(KEY)  # a bump on a missing number still lands above the old ones
    assert cache_versions.current(KEY) > old
