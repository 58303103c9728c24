"""The cache stays within its budget however many distinct URLs are asked for, and the broker,
a Redis of its own, loses nothing meanwhile (docker-compose's `redis-cache` and `redis-broker`
services).

Two real Redis servers are started for the test, configured as docker-compose configures them:
the cache with a small maxmemory and allkeys-lru, the broker with noeviction. 2 000 distinct
query strings are then sent as anonymous visitors: half with a parameter no page reads (never
stored), half with distinct search words (stored, compressed, and evicted once the budget is
reached).
"""

import pytest
import redis
from kombu import Connection

from tests.helsefellesskap import urls_page_cache as pages

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db,
    pytest.mark.urls("tests.helsefellesskap.urls_page_cache"),
]

BUDGET = 4 * 1024 * 1024
# Redis counts a little of its own bookkeeping beside the keys when it compares with maxmemory.
SLACK = 512 * 1024


def _queue_fifty(broker):
    """Fifty report jobs waiting on the broker, as Celery would leave them."""
    queue = broker.SimpleQueue("reports")
    for number in range(50):
        queue.put({"report": number})
    return queue


def _drain(queue) -> list[int]:
    """The fifty jobs read back (acknowledged)."""
    received = []
    while len(received) < 50:
        message = queue.get(timeout=5)
        received.append(message.payload["report"])
        message.ack()
    queue.close()
    return received


def test_two_thousand_distinct_query_strings_stay_within_the_budget_and_spare_the_broker(
    client, settings, redis_server
):
    cache_url = redis_server("--maxmemory", str(BUDGET), "--maxmemory-policy", "allkeys-lru")
    broker_url = redis_server("--maxmemory-policy", "noeviction")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
    cache_server = redis.Redis.from_url(cache_url)
    with Connection(broker_url) as broker:
        queue = _queue_fifty(broker)

        for number in range(1000):
            assert client.get(f"/big/?utm_source=mail-{number}").status_code == 200
        assert cache_server.dbsize() == 0  # a parameter no page reads makes no copy

        for number in range(1000):
            assert client.get(f"/big/?q=word{number}").status_code == 200
        memory = cache_server.info("memory")
        stats = cache_server.info("stats")

        received = _drain(queue)

    assert memory["used_memory"] <= BUDGET + SLACK
    assert stats["evicted_keys"] > 0  # the budget was reached and kept
    assert 0 < cache_server.dbsize() < 1000
    assert sorted(received) == list(range(50))  # the broker lost nothing
    # What is still stored is served: the newest copy without rendering again.
    renders = len(pages.RENDERS)
    assert client.get("/big/?q=word999").status_code == 200
    assert len(pages.RENDERS) == renders


def _copies_bytes(server) -> int:
    """What the stored page copies take in Redis, as Redis counts each key."""
    return sum(server.memory_usage(key) for key in server.scan_iter(match="*anonymous-page:*"))


def test_the_portal_keeps_its_own_budget_on_a_redis_without_maxmemory(
    client, settings, redis_server
):
    """A Redis shared with the broker and with no maxmemory (as before docker-compose split
    them): 2 000 distinct searches stay within PAGE_CACHE_BUDGET_BYTES, nothing of the broker's
    is evicted, and the bare page is still stored once the budget is spent."""
    server_url = redis_server("--maxmemory-policy", "noeviction")
    cache_url = server_url.rsplit("/", 1)[0] + "/1"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
    budget = 2 * 1024 * 1024
    settings.PAGE_CACHE_BUDGET_BYTES = budget
    cache_server = redis.Redis.from_url(cache_url)
    with Connection(server_url) as broker:
        queue = _queue_fifty(broker)

        for number in range(2000):
            assert client.get(f"/big/?q=word{number}").status_code == 200
        stored = _copies_bytes(cache_server)
        copies = sum(1 for _ in cache_server.scan_iter(match="*anonymous-page:*"))

        received = _drain(queue)

    # Without the budget the 2 000 copies of 32 KB would take over 64 MB.
    assert stored <= budget
    # Half the budget per window: about 30 copies of 32 KB, then none.
    assert 20 <= copies <= budget // 2 // (32 * 1024)
    assert sorted(received) == list(range(50))
    assert cache_server.info("stats")["evicted_keys"] == 0
    # The first searches are served from their copies; the budget only stops new ones.
    renders = len(pages.RENDERS)
    assert client.get("/big/?q=word0").status_code == 200
    assert client.get("/big/?q=word1999").status_code == 200
    assert len(pages.RENDERS) == renders + 1
    # The bare page is stored even now.
    client.get("/big/")
    client.get("/big/")
    assert len(pages.RENDERS) == renders + 2


def test_a_new_window_has_a_new_half_of_the_budget(settings):
    """Copies live one window (PAGE_SECONDS): a window's spent half does not stop the next."""
    from helsefellesskap.page_cache import PAGE_SECONDS, within_budget

    settings.PAGE_CACHE_BUDGET_BYTES = 1000
    start = 100 * PAGE_SECONDS
    assert within_budget(400, now=start)
    assert not within_budget(400, now=start + 10)
    assert within_budget(400, now=start + PAGE_SECONDS)
