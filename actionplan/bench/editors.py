"""Concurrent editors against one host: up to how many keep p99 ≤ 200 ms.

Used by `manage.py bench_editors`. Each simulated editor is signed in, owns one measure of the
real plan and, as fast as the portal answers (no pause between requests), opens their
committee's page (`reads_per_save` times) and saves a new status for their measure (the
no-JavaScript form, answered by a redirect). Each save makes the committee page new, so the
next read of it is rendered afresh, not served from the cache. One host is gunicorn as
docker-compose runs it (2 sync workers) on loopback with the PostgreSQL and Redis of the
environment. The load generator runs on the same machine, so its own CPU is part of what is
measured.

With no fixed levels, the number of editors doubles (1, 2, 4, ...) until p99 passes 200 ms (or
a request fails), and is then halved between the last level that kept it and the first that
did not, so the figure reported is the largest number of editors that kept p99 ≤ 200 ms.
"""

import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from actionplan.bench.harness import (
    SERVER_ENV,
    _free_port,
    _wait_for_port,
    machine_load,
    percentile,
)

TARGET_P99_MS = 200


@dataclass
class EditorLevel:
    """What a number of concurrent editors got from one host."""

    editors: int
    seconds: float
    requests: int
    requests_per_s: float
    saves_per_s: float
    p50_ms: float
    p99_ms: float
    read_p99_ms: float
    save_p99_ms: float
    errors: int
    load_average: list[float]
    # CPU of gunicorn's processes per request (PostgreSQL's own not included): what a request
    # costs whatever else the machine runs, where the wall-clock figures depend on the load.
    server_cpu_ms_per_request: float = 0.0

    @property
    def keeps_target(self) -> bool:
        return self.errors == 0 and self.p99_ms <= TARGET_P99_MS

    def as_dict(self) -> dict:
        return {**asdict(self), "keeps_p99_200ms": self.keeps_target}


def _p99(values: list[float]) -> float:
    return round(percentile(sorted(values), 0.99), 1) if values else 0.0


class _Editor:
    """A signed-in editor's browser: their committee page and their measure's status form."""

    def __init__(self, user, measure, year, base_url):
        import requests

        client = Client()
        client.force_login(user)
        self.http = requests.Session()
        self.http.cookies.set("sessionid", client.cookies["sessionid"].value)
        self.base = base_url
        self.page = measure.goal.committee.get_absolute_url()
        self.form = reverse("actionplan:status_update", args=[measure.pk, year])
        response = self.http.get(self.base + self.form, timeout=60)
        if response.status_code != 200:
            raise RuntimeError(
                f"{self.form} answered {response.status_code}: {response.text[:300]}"
            )
        html = response.text
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        version = re.search(r'name="version" value="(\d+)"', html)
        if version is None:
            raise RuntimeError(f"{self.form} shows no status form: {html[:500]}")
        self.version = int(version.group(1))
        self.n = 0

    def read(self) -> bool:
        return self.http.get(self.base + self.page, timeout=60).status_code == 200

    def save(self) -> bool:
        self.n += 1
        data = {
            "csrfmiddlewaretoken": self.token,
            "status": ("done", "in_progress", "not_done")[self.n % 3],
            "note": f"last {self.n}",
            "version": self.version,
            "reason": "",
        }
        response = self.http.post(self.base + self.form, data, allow_redirects=False, timeout=60)
        if response.status_code == 302:
            self.version += 1
            return True
        return False


def ramp(results: list[EditorLevel], *, limit: int) -> int | None:
    """The next number of editors to measure, or None when the limit is found: double while
    every level keeps p99, then bisect between the last that kept it and the first that missed."""
    if not results:
        return 1
    measured = {row.editors for row in results}
    missed = [row.editors for row in results if not row.keeps_target]
    if not missed:
        last = max(measured)
        return None if last >= limit else min(last * 2, limit)
    high = min(missed)
    low = max((n for n in measured if n < high), default=0)
    middle = (low + high) // 2
    return None if low == 0 or middle in measured else middle


def last_kept(results: list[EditorLevel]) -> EditorLevel | None:
    """The largest level that kept p99 ≤ 200 ms below the first that did not."""
    missed = [row.editors for row in results if not row.keeps_target]
    below = min(missed, default=float("inf"))
    kept = [row for row in results if row.keeps_target and row.editors < below]
    return max(kept, key=lambda row: row.editors, default=None)


def _group_cpu_seconds(leader: int) -> float:
    """User + system CPU of a process and its children (gunicorn's master and workers)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid, ppid = int(stat.parent.name), int(fields[1])
        if leader in (pid, ppid):
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _drive(editor, deadline, latencies, errors, lock, reads_per_save):
    actions = [("read", editor.read)] * reads_per_save + [("save", editor.save)]
    while time.monotonic() < deadline:
        for kind, action in actions:
            started = time.perf_counter()
            try:
                ok = action()
            except Exception:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies[kind].append(elapsed)
                errors[0] += not ok


def measure_levels(
    pairs,
    year,
    *,
    levels: list[int] | Callable[[list[EditorLevel]], int | None],
    seconds,
    workers=2,
    reads_per_save=1,
    server_env=None,
    report: Callable[[EditorLevel], None] | None = None,
) -> list[EditorLevel]:
    """Serve the portal with gunicorn on loopback; for each number of editors, drive them.

    `levels` is a list, or a function of the results so far giving the next level (`ramp`);
    one editor per pair at most. `report` is told of each level as it is measured."""
    if callable(levels):
        next_level = levels
    else:
        fixed = list(levels)

        def next_level(results):
            return fixed[len(results)] if len(results) < len(fixed) else None

    port = _free_port()
    # The sessions are signed here: the server must share this process's key. No second
    # factor asked for: the editors are signed in already, as the tests sign people in.
    env = {
        **os.environ,
        **SERVER_ENV,
        "SECRET_KEY": settings.SECRET_KEY,
        "TWO_FACTOR_ENFORCED": "0",
        **(server_env or {}),
    }
    server = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments, loopback only
        [
            *(sys.executable, "-m", "gunicorn", "helsefellesskap.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"),
            *("--log-level", "warning"),
        ],
        env=env,
        start_new_session=True,
    )
    results = []
    try:
        _wait_for_port(port, timeout=90)
        base = f"http://127.0.0.1:{port}"
        editors = [_Editor(user, measure, year, base) for user, measure in pairs]
        for editor in editors[: workers * 2]:  # each worker has loaded its templates
            editor.read()
        while (level := next_level(results)) is not None:
            if level > len(editors):
                raise ValueError(f"{level} editors asked for, {len(editors)} signed in")
            latencies, errors, lock = {"read": [], "save": []}, [0], threading.Lock()
            cpu_before = _group_cpu_seconds(server.pid)
            started = time.monotonic()
            deadline = started + seconds
            threads = [
                threading.Thread(
                    target=_drive, args=(e, deadline, latencies, errors, lock, reads_per_save)
                )
                for e in editors[:level]
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            took = time.monotonic() - started
            every = latencies["read"] + latencies["save"]
            cpu_ms = (_group_cpu_seconds(server.pid) - cpu_before) * 1000
            results.append(
                EditorLevel(
                    editors=level,
                    seconds=round(took, 1),
                    requests=len(every),
                    requests_per_s=round(len(every) / took, 1),
                    saves_per_s=round(len(latencies["save"]) / took, 1),
                    p50_ms=round(statistics.median(every), 1) if every else 0.0,
                    p99_ms=_p99(every),
                    read_p99_ms=_p99(latencies["read"]),
                    save_p99_ms=_p99(latencies["save"]),
                    errors=errors[0],
                    load_average=machine_load(),
                    server_cpu_ms_per_request=round(cpu_ms / max(len(every), 1), 1),
                )
            )
            if report is not None:
                report(results[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results
