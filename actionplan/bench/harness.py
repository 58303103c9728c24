"""Measuring the portal: server time and SQL queries per page, and load under gunicorn.

Used by `manage.py bench`. Numbers are written to docs/benchmarks.md and a JSON file beside it,
with a description of the machine, so two runs can be compared.
"""

import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class PageTiming:
    """Server time and queries for one page, over warm requests."""

    name: str
    url: str
    status: int
    p50_ms: float
    p95_ms: float
    queries: int
    requests: int
    # CPU time of this process per request (the database's excluded): on a shared machine it
    # says what the page costs when the wall-clock figures are inflated by other work.
    cpu_p50_ms: float = 0.0
    # One request right after its caches were emptied (see time_page's `invalidate`).
    cold_ms: float = 0.0


@dataclass
class LoadResult:
    """What a load generator measured against one URL."""

    name: str
    url: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    connections: int
    seconds: int
    # wrk's own lines about errors (socket errors by kind, non-2xx responses), if any.
    error_detail: str = ""


@dataclass
class BenchRun:
    """Everything one `bench` run measured."""

    machine: dict
    pages: dict[str, list[PageTiming]] = field(default_factory=dict)
    references: dict[str, dict] = field(default_factory=dict)
    load: list[LoadResult] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def describe_machine() -> dict:
    """CPU model, cores, memory, Python and database: what the numbers depend on."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except OSError:
        mem_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "database": connection.vendor,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        # The machine is shared: the load at the start says how noisy the figures are.
        "load_average": machine_load(),
    }


def machine_load() -> list[float]:
    """The 1, 5 and 15 minute load averages (as `uptime` shows them)."""
    try:
        return [round(n, 2) for n in os.getloadavg()]
    except OSError:
        return []


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (p95 of 50 values is the 48th)."""
    rank = max(math.ceil(fraction * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def time_page(
    client: Client, name: str, url: str, *, requests: int = 50, warmup: int = 5, invalidate=None
):
    """Median and 95th percentile server time of a page, and its SQL query count.

    `invalidate()`, when given, empties the page's caches before the request whose queries are
    counted (and whose time is `cold_ms`), so the count is the uncached one."""
    return time_requests(
        name,
        url,
        lambda: client.get(url),
        requests=requests,
        warmup=warmup,
        invalidate=invalidate,
    )


def time_requests(name: str, url: str, send, *, requests=50, warmup=5, invalidate=None):
    """PageTiming of `send()` (one request, returning its response), as time_page describes."""
    for _ in range(warmup):
        send()
    if invalidate:
        invalidate()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = send()
    cold_ms = (time.perf_counter() - start) * 1000
    # Counted now: the next request empties connection.queries_log, and the context's list
    # is a slice of it.
    query_count = len(captured.captured_queries)
    durations, cpu = [], []
    for _ in range(requests):
        wall_ms, cpu_ms = _timed(send)
        durations.append(wall_ms)
        cpu.append(cpu_ms)
    durations.sort()
    return PageTiming(
        name=name,
        url=url,
        status=response.status_code,
        p50_ms=round(statistics.median(durations), 2),
        p95_ms=round(percentile(durations, 0.95), 2),
        queries=query_count,
        requests=requests,
        cpu_p50_ms=round(statistics.median(cpu), 2),
        cold_ms=round(cold_ms, 2),
    )


class StatusToggle:
    """Each call POSTs a status change of one measure and year as the page's htmx form does,
    alternating between two statuses so that every save is a real change (a new version, a
    history row, the content version bumped), and follows the version the save made."""

    STATUSES = ("done", "in_progress")

    def __init__(self, client: Client, url: str, *, status: str, version: int):
        self.client, self.url = client, url
        self.version = version
        # Start with the status that differs from the saved one.
        self.turn = 1 if status == self.STATUSES[0] else 0

    def __call__(self):
        status = self.STATUSES[self.turn % 2]
        response = self.client.post(
            self.url,
            {"status": status, "note": "", "version": self.version},
            HTTP_HX_REQUEST="true",
        )
        if response.status_code == 200:
            self.turn += 1
            self.version += 1  # a first save makes version 1 from 0, every later one adds 1
        return response


def _timed(fn) -> tuple[float, float]:
    """Wall and CPU milliseconds of one call."""
    start, start_cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def time_alternately(functions: dict, *, requests: int = 50, warmup: int = 5) -> dict:
    """Median wall and CPU milliseconds of each function, called in turn round after round,
    so that a change in the machine's load between them affects them alike."""
    for _ in range(warmup):
        for fn in functions.values():
            fn()
    wall = {name: [] for name in functions}
    cpu = {name: [] for name in functions}
    for _ in range(requests):
        for name, fn in functions.items():
            wall_ms, cpu_ms = _timed(fn)
            wall[name].append(wall_ms)
            cpu[name].append(cpu_ms)
    return {
        name: (round(statistics.median(wall[name]), 2), round(statistics.median(cpu[name]), 2))
        for name in functions
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port}")


_WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict:
    """Requests/s, p50, p99 and errors from `wrk --latency` output."""
    latencies = {p: float(v) * _UNITS_MS[u] for p, v, u in _WRK_LATENCY.findall(output)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "requests_per_s": float(rps.group(1)) if rps else 0.0,
        "p50_ms": round(latencies.get("50", 0.0), 2),
        "p99_ms": round(latencies.get("99", 0.0), 2),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def _warm_up(url: str, *, times: int) -> None:
    """A few requests first, so each worker has loaded its templates and filled its cache."""
    for _ in range(times):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
                response.read()
        except OSError:
            return  # wrk will count the failures


# gunicorn serves as production would (DEBUG off), but over plain HTTP on loopback: no HTTPS
# redirect or HSTS (wrk would count the redirects as errors), and no log line per request.
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-key-served-on-loopback-only",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "LOG_LEVEL": "WARNING",
}


def run_load(
    targets: list[tuple[str, str]],
    *,
    connections=32,
    seconds=20,
    workers=2,
    worker_class="sync",
    threads=1,
):
    """Serve the portal with gunicorn on loopback and drive each URL with wrk."""
    wrk = shutil.which("wrk")
    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    if not wrk or not os.path.exists(gunicorn):
        return [], "wrk or gunicorn is not installed (make bench installs them)"
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
        [
            gunicorn,
            "helsefellesskap.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        env={**os.environ, **SERVER_ENV},
        start_new_session=True,
    )
    results = []
    try:
        _wait_for_port(port)
        for name, path in targets:
            url = f"http://127.0.0.1:{port}{path}"
            _warm_up(url, times=workers * 3)
            out = subprocess.run(  # noqa: S603
                # A 10 s timeout (wrk's default is 2 s): a slow answer is measured as latency,
                # and only a real failure is an error.
                [
                    wrk,
                    "--latency",
                    "-t2",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    url,
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 30,
                check=False,
            ).stdout
            detail = "; ".join(
                line.strip() for line in out.splitlines() if re.search(r"errors|Non-2xx", line)
            )
            results.append(
                LoadResult(
                    name=name,
                    url=path,
                    connections=connections,
                    seconds=seconds,
                    error_detail=detail,
                    **parse_wrk(out),
                )
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return results, ""
