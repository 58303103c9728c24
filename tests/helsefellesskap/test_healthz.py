"""/healthz: 200 when the database, the broker and the media storage answer; 503 naming the one
that failed."""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection


@contextmanager
def database_refusing_queries():
    """Every query fails as it does when the database server cannot be reached."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def test_healthz_is_ok_when_everything_answers(client, db, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["media_storage"]["status"] == "ok"
    # Without a broker the tasks run in-process; that is not a failure.
    assert body["checks"]["broker"]["status"] == "not_configured"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_names_the_database_when_it_is_down(client, db):
    with database_refusing_queries():
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == {
        "status": "fail",
        "error": "OperationalError",
        "duration_ms": body["checks"]["database"]["duration_ms"],
    }
    assert body["checks"]["media_storage"]["status"] == "ok"


def test_healthz_recovers_without_restart_when_the_database_is_back(client, db):
    with database_refusing_queries():
        assert client.get("/healthz").status_code == 503

    assert client.get("/healthz").status_code == 200


def test_healthz_names_the_broker_when_it_is_down(client, db, settings):
    # Nothing listens on port 1 of the loopback address.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.HEALTHZ_BROKER_TIMEOUT = 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


@pytest.mark.redis
def test_healthz_reaches_a_real_broker(client, db, settings):
    import os

    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["status"] == "ok"


def test_healthz_names_the_media_storage_when_it_cannot_write(client, db, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["media_storage"]


def test_healthz_leaves_no_probe_files_behind(client, db, settings):
    assert client.get("/healthz").status_code == 200

    probes = list((settings.MEDIA_ROOT / "healthz").iterdir())
    assert probes == []


def test_healthz_refuses_writes(client, db):
    assert client.post("/healthz").status_code == 405


def test_healthz_answers_over_plain_http_when_https_is_enforced(client, db, settings):
    """The container health check calls it from inside, without TLS."""
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code in {200, 503}
    assert client.get("/healthz").json()["checks"]["database"]["status"] == "ok"


def test_healthz_says_the_cache_is_this_process_when_no_redis_is_configured(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert client.get("/healthz").json()["checks"]["cache"]["status"] == "local"


@pytest.mark.redis
def test_healthz_reaches_a_real_cache(client, db, settings):
    import os

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

    settings.CELERY_BROKER_URL = ""

    assert client.get("/healthz").json()["checks"]["cache"]["status"] == "ok"


def test_a_cache_that_is_down_is_named_but_the_portal_stays_healthy(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["failing"] == ["cache"]


def _redis_cache(url: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


@pytest.mark.redis
def test_healthz_reports_each_redis_as_compose_configures_them(client, db, settings, redis_server):
    """docker-compose's redis-broker (noeviction) and redis-cache (maxmemory, LRU): all ok."""
    settings.CELERY_BROKER_URL = redis_server("--maxmemory-policy", "noeviction")
    settings.CACHES = _redis_cache(
        redis_server("--maxmemory", "8mb", "--maxmemory-policy", "allkeys-lru")
    )

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["failing"], body["warnings"]) == ("ok", [], [])
    assert body["checks"]["broker"]["eviction"] == "noeviction"
    assert body["checks"]["cache"]["eviction"] == "allkeys-lru"
    assert body["checks"]["cache"]["shared_with_broker"] is False


@pytest.mark.redis
def test_healthz_warns_of_a_broker_that_may_evict_queued_tasks(client, db, settings, redis_server):
    settings.CELERY_BROKER_URL = redis_server("--maxmemory-policy", "allkeys-lru")
    settings.CACHES = _redis_cache(redis_server("--maxmemory-policy", "allkeys-lru"))

    response = client.get("/healthz")

    body = response.json()
    # The tasks still run: 200, but named, so the monitoring shows the misconfiguration.
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["warnings"] == ["broker"]
    assert body["checks"]["broker"] == {
        "status": "evicts",
        "eviction": "allkeys-lru",
        "duration_ms": body["checks"]["broker"]["duration_ms"],
    }


@pytest.mark.redis
def test_healthz_warns_of_a_cache_in_the_brokers_redis_server(client, db, settings, redis_server):
    """Another database number on the same server is not enough: maxmemory is per server."""
    server = redis_server("--maxmemory-policy", "noeviction")
    settings.CELERY_BROKER_URL = server
    settings.CACHES = _redis_cache(server.rsplit("/", 1)[0] + "/3")

    body = client.get("/healthz").json()

    assert body["status"] == "degraded"
    assert body["warnings"] == ["cache"]
    assert body["checks"]["cache"]["status"] == "shares_broker"
    assert body["checks"]["cache"]["shared_with_broker"] is True
