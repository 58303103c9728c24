"""Health checks for /healthz: can the portal reach its database, its broker, its cache and its
files?"""

import logging
import time
import uuid
from collections.abc import Callable

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
    return "ok"


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


def check_cache() -> str:
    """Write and read back a key in the cache, or say it is this process's memory."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return "local"
    probe = f"healthz:{uuid.uuid4().hex}"
    cache.set(probe, PROBE_CONTENT, 10)
    try:
        if cache.get(probe) != PROBE_CONTENT:
            raise OSError("the probe key read back differs from what was written")
    finally:
        cache.delete(probe)
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "media_storage": check_media_storage,
}
# Reported, but the portal is healthy without them: every page is served without the cache,
# only slower (helsefellesskap/page_cache.py), so a restart would not help.
DEGRADED_ONLY = {"cache"}


def run_checks() -> tuple[bool, dict]:
    """Run every check; return whether all passed and each one's outcome.

    A failure names only the error's type: /healthz is public, the details go to the log.
    """
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            outcome = {"status": check()}
        except Exception as error:  # any failure of a dependency is reported
            logger.error("health_check_failed", exc_info=True, extra={"check": name})
            outcome = {"status": "fail", "error": type(error).__name__}
        outcome["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
        results[name] = outcome
    healthy = all(
        result["status"] != "fail" for name, result in results.items() if name not in DEGRADED_ONLY
    )
    return healthy, results
