"""Every rate limit the site sets (config.ratelimit): the forum's posting and reporting limits per
member, and the contact form's per address; on the in-memory cache and on Redis.

For each: exactly N actions are allowed, the next is refused with its message and the seconds
until the window ends, the window ending lets the person go on, and two keys (two members, two
addresses) are counted apart. allauth's own limits are allauth's (tests/members).
"""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from cms import contact
from config import ratelimit
from config.errors import LimitReached, ServiceError
from forum import limits
from tests.test_config import redis_reachable

pytestmark = pytest.mark.django_db

# A moment in the middle of every window used here, so nothing starts a new window by chance.
START = 1_800_000_000.0 + 7.0
SPARE_REDIS = "redis://127.0.0.1:6379/15"  # the last of the 16: xdist workers count up from 1


@pytest.fixture(
    params=[
        "locmem",
        pytest.param(
            "redis",
            marks=[
                pytest.mark.redis,
                pytest.mark.skipif(not redis_reachable(), reason="needs Redis at 127.0.0.1:6379"),
            ],
        ),
    ]
)
def shared_cache(request, settings):
    """The default cache, as development (in memory) or production (Redis) has it."""
    if request.param == "locmem":
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"}
        }
        # Its store outlives the test, and the clock stands at the same moment in every test.
        caches["default"].clear()
    else:
        # The Redis database this test run already uses (each xdist worker has its own), else one
        # no run configures; a prefix per test, as parallel runs without REDIS_URL share it.
        configured = settings.CACHES["default"]
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": configured["LOCATION"] if "Redis" in configured["BACKEND"] else SPARE_REDIS,
                "KEY_PREFIX": f"test-ratelimit-{uuid.uuid4().hex}",
            }
        }
    return request.param


@pytest.fixture
def clock(monkeypatch):
    """The time the limiter reads, standing still until a test moves it on."""

    class Clock:
        now = START

        def advance(self, seconds):
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock.now)
    return clock


@dataclass
class Limit:
    """One of the site's limits, as the code that applies it calls it."""

    name: str
    allowed: int
    window: int
    message: str
    make_key: object  # (pytest request, n) -> a key: a member or a request from an address
    attempt: object  # (key) -> None, or raises LimitReached


def _member(request, n):
    return request.getfixturevalue("role_user")("member" if n == 0 else "other_task_force_member")


def _visitor(request, n):
    return RequestFactory().post("/contact/", REMOTE_ADDR=f"203.0.113.{n + 1}")


def _forum(action):
    allowed, window, message = limits.LIMITS[action]
    return Limit(f"forum {action}", allowed, window, message, _member, lambda user: limits.hit(user, action))


LIMITS = [
    _forum("post"),
    _forum("report"),
    Limit("contact form", 5, 3600, contact.RATE_LIMITED, _visitor, contact.count_submission),
]


@pytest.fixture(params=LIMITS, ids=[limit.name for limit in LIMITS])
def limit(request, shared_cache, clock):
    return request.param


def test_the_contact_limit_is_todays_setting(settings):
    assert settings.CONTACT_FORM_RATE == (5, 3600)


def test_exactly_n_are_allowed_and_the_next_is_refused_with_its_message(request, limit):
    key = limit.make_key(request, 0)
    for _ in range(limit.allowed):
        limit.attempt(key)
    with pytest.raises(LimitReached) as refused:
        limit.attempt(key)
    assert str(refused.value) == limit.message
    assert isinstance(refused.value, ServiceError)
    # START is 7 s into every window used here.
    assert refused.value.retry_after == limit.window - 7
    with pytest.raises(LimitReached):
        limit.attempt(key)


def test_the_window_ending_lets_the_person_go_on(request, limit, clock):
    key = limit.make_key(request, 0)
    for _ in range(limit.allowed):
        limit.attempt(key)
    clock.advance(limit.window - 8)  # the last second of the window
    with pytest.raises(LimitReached) as refused:
        limit.attempt(key)
    assert refused.value.retry_after == 1
    clock.advance(1)
    for _ in range(limit.allowed):
        limit.attempt(key)
    with pytest.raises(LimitReached):
        limit.attempt(key)


def test_two_keys_are_counted_apart(request, limit):
    first, second = limit.make_key(request, 0), limit.make_key(request, 1)
    for _ in range(limit.allowed):
        limit.attempt(first)
    with pytest.raises(LimitReached):
        limit.attempt(first)
    for _ in range(limit.allowed):
        limit.attempt(second)
    with pytest.raises(LimitReached):
        limit.attempt(second)


def test_forum_posting_and_reporting_are_counted_apart(role_user, shared_cache, clock):
    member = role_user("member")
    for _ in range(limits.LIMITS["post"][0]):
        limits.hit(member, "post")
    limits.hit(member, "report")


def test_moderators_are_not_limited(role_user, shared_cache, clock):
    moderator = role_user("moderator")
    for action, (allowed, _, _) in limits.LIMITS.items():
        for _ in range(allowed + 5):
            limits.hit(moderator, action)


def test_the_foundation_counts_scopes_apart_and_returns_the_count(shared_cache, clock):
    rule = {"limit": 2, "window": 60, "message": "Slow down."}
    assert ratelimit.hit("one", "k", **rule) == 1
    assert ratelimit.hit("one", "k", **rule) == 2
    assert ratelimit.hit("two", "k", **rule) == 1
    with pytest.raises(LimitReached, match=re.escape("Slow down.")):
        ratelimit.hit("one", "k", **rule)


def test_a_count_lost_from_the_cache_starts_again(shared_cache, clock):
    from django.core.cache import cache

    rule = {"limit": 1, "window": 60, "message": "Slow down."}
    ratelimit.hit("lost", "k", **rule)
    cache.clear()  # evicted, or Redis restarted: the limit forgets, it never refuses for ever
    assert ratelimit.hit("lost", "k", **rule) == 1
