"""Health checks for /healthz: can the portal reach its database, its broker, its cache and its
files?"""

import logging
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger("helsefellesskap.health")

PROBE_CONTENT = b"healthz"


def check_database() -> str:
    """Run a trivial query on the default database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    """Connect to the Celery broker, or say it is not used (tasks then run in-process)."""
    if not settings.CELERY_BROKER_URL:
        return "not_configured"
    from helsefellesskap.celery import app

    timeout = settings.HEALTHZ_BROKER_TIMEOUT
    with app.connection_for_write(connect_timeout=timeout) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    policy = redis_eviction_policy(settings.CELERY_BROKER_URL, timeout)
    details = {"eviction": policy} if policy else {}
    # A broker that evicts drops queued renders and reminders when it is full: say so.
    if policy and policy != "noeviction":
        return {"status": "evicts", **details}
    return {"status": "ok", **details}


def _redis_instance(url: str) -> tuple[str, int] | None:
    """(host, port) of a redis:// or rediss:// URL; None for anything else."""
    parsed = urlsplit(url)
    if parsed.scheme not in ("redis", "rediss"):
        return None
    return (parsed.hostname or "localhost", parsed.port or 6379)


def redis_eviction_policy(url: str, timeout: float) -> str | None:
    """The maxmemory-policy of the Redis at url, or None when it is not a Redis or does not
    say (managed Redis services often refuse CONFIG)."""
    if _redis_instance(url) is None:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return client.config_get("maxmemory-policy").get("maxmemory-policy")
    except redis.ResponseError:
        return None
    finally:
        client.close()


def check_media_storage() -> str:
    """Write, read back and delete a small file where uploads and reports are kept."""
    name = default_storage.save(f"healthz/probe-{uuid.uuid4().hex}.txt", ContentFile(PROBE_CONTENT))
    try:
        with default_storage.open(name, "rb") as probe:
            if probe.read() != PROBE_CONTENT:
                raise OSError("the probe file read back differs from what was written")
    finally:
        default_storage.delete(name)
    return "ok"


def check_cache() -> str | dict:
    """Write and read back a key in the cache, or say it is this process's memory.

    A Redis cache also reports its eviction policy and whether it is the broker's own Redis:
    maxmemory is per Redis server, so a cache sharing the broker's server either makes the
    broker evict queued tasks or leaves the cache unbounded (status "shares_broker")."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return "local"
    probe = f"healthz:{uuid.uuid4().hex}"
    cache.set(probe, PROBE_CONTENT, 10)
    try:
        if cache.get(probe) != PROBE_CONTENT:
            raise OSError("the probe key read back differs from what was written")
    finally:
        cache.delete(probe)
    location = settings.CACHES["default"].get("LOCATION", "")
    if isinstance(location, list | tuple):
        location = location[0] if location else ""
    instance = _redis_instance(location)
    if instance is None:
        return "ok"
    policy = redis_eviction_policy(location, settings.HEALTHZ_BROKER_TIMEOUT)
    shared = instance == _redis_instance(settings.CELERY_BROKER_URL or "")
    details = {"eviction": policy, "shared_with_broker": shared}
    return {"status": "shares_broker" if shared else "ok", **details}


CHECKS: dict[str, Callable[[], str | dict]] = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "media_storage": check_media_storage,
}
# Reported, but the portal is healthy without them: every page is served without the cache,
# only slower (helsefellesskap/page_cache.py), so a restart would not help.
DEGRADED_ONLY = {"cache"}
# Outcomes that work now but are set up against the production advice (.env.example): the
# portal answers 200 with status "degraded" and names them under "warnings".
WARNING_STATUSES = {"evicts", "shares_broker"}


def run_checks() -> tuple[bool, dict]:
    """Run every check; return whether all passed and each one's outcome.

    A failure names only the error's type: /healthz is public, the details go to the log.
    """
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            result = check()
            outcome = dict(result) if isinstance(result, dict) else {"status": result}
        except Exception as error:  # any failure of a dependency is reported
            logger.error("health_check_failed", exc_info=True, extra={"check": name})
            outcome = {"status": "fail", "error": type(error).__name__}
        outcome["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
        results[name] = outcome
    healthy = all(
        result["status"] != "fail" for name, result in results.items() if name not in DEGRADED_ONLY
    )
    return healthy, results
