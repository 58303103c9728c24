"""Each pytest-xdist worker gets its own Redis database.

`make test` runs the suite on every core (pytest-xdist). pytest-django already gives each worker
its own test database (`test_<name>_gw0`, `test_<name>_gw1`, ...); this plugin does the same for
Redis, which tests empty (`cache.clear()`, a broker's `flushdb`) and would otherwise empty under
each other's feet. It is loaded with `-p tests.parallel` (pyproject's addopts), before Django's
settings are read, because the settings take their Redis addresses from the environment.

Worker N uses database `15 - 2N` of the configured server (gw0 keeps 15, gw1 gets 13, ...);
14 stays free for `make bench`. A run without xdist changes nothing.
"""

import os
import re

REDIS_VARIABLES = ("REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")


def worker_redis_url(url: str, worker: str) -> str:
    """The address `url` names, on worker `worker`'s own database number."""
    index = int(worker.removeprefix("gw"))
    database = 15 - 2 * index
    if database < 0:
        raise RuntimeError(f"too many test workers for Redis's 16 databases: {worker}")
    base = re.sub(r"/\d*$", "", url) if re.search(r"://[^/]+/\d*$", url) else url.rstrip("/")
    return f"{base}/{database}"


def _give_each_worker_its_redis() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    for name in REDIS_VARIABLES:
        url = os.environ.get(name, "")
        if url.startswith(("redis://", "rediss://")):
            os.environ[name] = worker_redis_url(url, worker)


_give_each_worker_its_redis()
