"""config.rq_queues: RQ's queues reach REDIS_URL through a client that retries, and back to a URL."""

import pytest
from redis.retry import Retry

from config.rq_queues import address, queue_settings

RETRY = {"retry": Retry(backoff=None, retries=3), "retry_on_error": []}


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "redis://cache.internal:6380/2",
        "rediss://commons:p%40ss%3Aword@redis.example.org:6380/5",
    ],
)
def test_the_parts_give_back_the_same_address(url):
    queue = queue_settings(url, RETRY)
    assert "URL" not in queue, "django-rq passes the client's retry only with the parts of the address"
    assert queue["REDIS_CLIENT_KWARGS"] is RETRY
    assert address(queue) == url


def test_a_password_with_reserved_characters_is_decoded_for_the_client():
    queue = queue_settings("rediss://commons:p%40ss%3Aword@redis.example.org:6380/5", RETRY)
    assert (queue["USERNAME"], queue["PASSWORD"], queue["SSL"], queue["DB"]) == (
        "commons",
        "p@ss:word",
        True,
        5,
    )


@pytest.mark.parametrize("url", ["unix:///run/redis/redis.sock?db=1", "redis://127.0.0.1:6379/not-a-number"])
def test_other_forms_are_kept_or_default_to_database_zero(url):
    queue = queue_settings(url, RETRY)
    if url.startswith("unix:"):
        assert queue == {"URL": url} and address(queue) == url
    else:
        assert queue["DB"] == 0


def test_django_rq_builds_its_client_with_the_retry(settings):
    """The client django-rq makes from the setting carries the retry (it opens no connection to build it)."""
    from django_rq.connection_utils import get_redis_connection

    retry = Retry(backoff=None, retries=6)
    client = get_redis_connection(queue_settings("redis://127.0.0.1:6399/3", {"retry": retry}))
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["retry"].get_retries() == 6  # redis-py keeps a copy of it
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("127.0.0.1", 6399, 3)
