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
        queue = broker.SimpleQueue("reports")
        for number in range(50):
            queue.put({"report": number})

        for number in range(1000):
            assert client.get(f"/big/?utm_source=mail-{number}").status_code == 200
        assert cache_server.dbsize() == 0  # a parameter no page reads makes no copy

        for number in range(1000):
            assert client.get(f"/big/?q=word{number}").status_code == 200
        memory = cache_server.info("memory")
        stats = cache_server.info("stats")

        received = []
        while len(received) < 50:
            message = queue.get(timeout=5)
            received.append(message.payload["report"])
            message.ack()
        queue.close()

    assert memory["used_memory"] <= BUDGET + SLACK
    assert stats["evicted_keys"] > 0  # the budget was reached and kept
    assert 0 < cache_server.dbsize() < 1000
    assert sorted(received) == list(range(50))  # the broker lost nothing
    # What is still stored is served: the newest copy without rendering again.
    renders = len(pages.RENDERS)
    assert client.get("/big/?q=word999").status_code == 200
    assert len(pages.RENDERS) == renders
