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
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

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
    # Median of `requests` requests, each right after its caches were emptied (0: not taken).
    uncached_p50_ms: float = 0.0
    uncached_cpu_p50_ms: float = 0.0
    # Who asked: "anonymous", "editor" (a committee editor) or "secretariat".
    who: str = "anonymous"


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
    who: str = "anonymous"
    scale: int = 1
    # "cached" (the anonymous page cache may answer), "rendered" (never cached: a logged-in
    # user, or the API) or "new query" (every request a query string not asked before).
    kind: str = "cached"


@dataclass
class LoadTarget:
    """One URL for wrk: `cookie` logs the requests in; `paths`, when given, are sent in turn
    instead of `path`, each once (the first request of each query string)."""

    name: str
    path: str
    who: str = "anonymous"
    kind: str = "cached"
    cookie: str = ""
    paths: tuple[str, ...] = ()


@dataclass
class BenchRun:
    """Everything one `bench` run measured."""

    machine: dict
    pages: dict[str, list[PageTiming]] = field(default_factory=dict)
    # Logged-in editors, uncached requests and the API, per scale.
    rendered: dict[str, list[PageTiming]] = field(default_factory=dict)
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


def write_between_markers(path: Path, start: str, end: str, section: str) -> None:
    """Put `section` between the two marker lines of a Markdown file, replacing what was there
    (the rest of the file is left as written by hand), or add it with its markers at the end."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{section.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


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
    client: Client,
    name: str,
    url: str,
    *,
    requests: int = 50,
    warmup: int = 5,
    invalidate=None,
    uncached_requests: int = 15,
    who: str = "anonymous",
):
    """Median and 95th percentile server time of a page, and its SQL query count.

    `invalidate()`, when given, empties the page's caches before the request whose queries are
    counted (and whose time is `cold_ms`), so the count is the uncached one; and before each of
    `uncached_requests` more, whose median is `uncached_p50_ms` (the first request after an
    edit)."""
    return time_requests(
        name,
        url,
        lambda: client.get(url),
        requests=requests,
        warmup=warmup,
        invalidate=invalidate,
        uncached_requests=uncached_requests,
        who=who,
    )


def time_requests(
    name: str,
    url: str,
    send,
    *,
    requests=50,
    warmup=5,
    invalidate=None,
    uncached_requests=15,
    who="anonymous",
):
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
    uncached, uncached_cpu = [], []
    if invalidate:
        for _ in range(uncached_requests):
            invalidate()  # not timed: the edit is not the page's cost
            wall_ms, cpu_ms = _timed(send)
            uncached.append(wall_ms)
            uncached_cpu.append(cpu_ms)
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
        uncached_p50_ms=round(statistics.median(uncached), 2) if uncached else 0.0,
        uncached_cpu_p50_ms=round(statistics.median(uncached_cpu), 2) if uncached else 0.0,
        who=who,
    )


def time_first_requests(client: Client, name: str, urls: list[str], *, who="anonymous"):
    """PageTiming of one request to each URL in turn, each asked for the first time (a query
    string nobody asked before): p50, p95 and CPU are over them all, the queries the first's."""
    sent = iter(urls)
    timing = time_requests(
        name, urls[0], lambda: client.get(next(sent)), requests=len(urls) - 1, warmup=0, who=who
    )
    timing.uncached_p50_ms, timing.uncached_cpu_p50_ms = timing.p50_ms, timing.cpu_p50_ms
    return timing


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


def _warm_up(url: str, *, times: int, cookie: str = "") -> str:
    """A few requests first, so each worker has loaded its templates and filled its cache.
    Returns what went wrong ("" if nothing): an error, or a log-in that did not hold."""
    headers = {"Cookie": cookie} if cookie else {}
    for _ in range(times):
        try:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
                if response.url != url:
                    return f"redirected to {urllib.parse.urlsplit(response.url).path}"
        except OSError as error:
            return str(error)  # wrk will count the failures
    return ""


# Each wrk thread sends its share of the paths in turn, each once while they last.
_WRK_PATHS_SCRIPT = """local paths = {%s}
local threads, counter = 0, 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
function init(args)
  counter = offset
end
function request()
  local path = paths[(counter %% #paths) + 1]
  counter = counter + %d
  return wrk.format(nil, path)
end
"""
WRK_THREADS = 2


def wrk_paths_script(paths) -> str:
    """A wrk Lua script sending `paths` in turn (split between wrk's threads)."""
    quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    return _WRK_PATHS_SCRIPT % (quoted, WRK_THREADS)


# gunicorn serves as production would (DEBUG off), but over plain HTTP on loopback: no HTTPS
# redirect or HSTS (wrk would count the redirects as errors), and no log line per request. The
# API's per-address limit is lifted (wrk sends everything from one address); its counter still
# runs on every request, so its cost is measured.
SERVER_ENV = {
    "DEBUG": "0",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "LOG_LEVEL": "WARNING",
    "API_RATE_LIMIT": "100000000",
}


def run_load(
    targets: list[LoadTarget],
    *,
    connections=32,
    seconds=20,
    workers=2,
    worker_class="sync",
    threads=1,
    scale=1,
    secret_key="",
):
    """Serve the portal with gunicorn on loopback and drive each URL with wrk.

    `secret_key` must be the one the targets' session cookies were made with (the session
    carries a hash of the user's password keyed on it)."""
    wrk = shutil.which("wrk")
    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    if not wrk or not os.path.exists(gunicorn):
        return [], "wrk or gunicorn is not installed (make bench installs them)"
    port = _free_port()
    env = {**os.environ, **SERVER_ENV}
    env["SECRET_KEY"] = secret_key or os.environ.get("SECRET_KEY") or "bench-only-key-on-loopback"
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
        env=env,
        start_new_session=True,
    )
    results = []
    try:
        _wait_for_port(port)
        for target in targets:
            base = f"http://127.0.0.1:{port}"
            # The query-string run warms up on its bare path, not on the queries it measures.
            problem = _warm_up(base + target.path, times=workers * 3, cookie=target.cookie)
            out = "" if problem else _wrk(wrk, base, target, connections, seconds)
            detail = problem or "; ".join(
                line.strip() for line in out.splitlines() if re.search(r"errors|Non-2xx", line)
            )
            figures = parse_wrk(out)
            if problem:
                figures["errors"] = max(figures["errors"], 1)
            results.append(
                LoadResult(
                    name=target.name,
                    url=target.path,
                    connections=connections,
                    seconds=seconds,
                    error_detail=detail,
                    who=target.who,
                    kind=target.kind,
                    scale=scale,
                    **figures,
                )
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return results, ""


def _wrk(wrk: str, base: str, target: LoadTarget, connections: int, seconds: int) -> str:
    """wrk's output for one target."""
    # A 10 s timeout (wrk's default is 2 s): a slow answer is measured as latency, and only a
    # real failure is an error.
    command = [
        wrk,
        "--latency",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
    ]
    if target.cookie:
        command += ["-H", f"Cookie: {target.cookie}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if target.paths:
            script.write(wrk_paths_script(target.paths))
            script.flush()
            command += ["-s", script.name]
        command.append(base + target.path)
        return subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=seconds + 30, check=False
        ).stdout
