"""Real processes for the fault tests: gunicorn, Caddy and Celery workers on loopback, working on
the test's own database, cache and files. Each runs in its own process group, so that killing it
(SIGKILL, as a crashed host) takes its children with it."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def portal_env(**extra: str) -> dict:
    """The environment of a portal process that works on what this test works on."""
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        # DEBUG unset: DEBUG off without the production-only HTTPS redirect, HSTS and the
        # enforced second factor, so plain HTTP on loopback serves the editors as in the tests.
        if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "helsefellesskap.settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL or "",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


class Process:
    """One started program, its log in a file."""

    def __init__(self, argv: list[str], *, log_path: Path, env: dict):
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop() / kill()
        self.popen = subprocess.Popen(  # noqa: S603 - our own interpreter or a fixed binary
            argv,
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _end(self, sig: int) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
        self.popen.wait(timeout=60)
        self._log.close()

    def kill(self) -> None:
        """SIGKILL to the whole group: no clean-up, as when a host dies."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        if not self._log.closed:
            self._end(signal.SIGTERM)

    def wait_for_port(self, port: int, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                if not self.alive or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"nothing listens on {port}:\n{self.log()[-2000:]}"
                    ) from None
                time.sleep(0.1)


def start_gunicorn(
    port: int, *, log_path: Path, env: dict, workers: int = 2, app: str = "helsefellesskap.wsgi"
) -> Process:
    """gunicorn as docker-compose runs it (sync workers, 60 s timeout), with an access log."""
    argv = [sys.executable, "-m", "gunicorn", app]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"]
    argv += ["--access-logfile", "-"]
    process = Process(argv, log_path=log_path, env=env)
    process.wait_for_port(port)
    return process


def caddyfile_for(upstream_ports: list[int], port: int) -> str:
    """deploy/Caddyfile with only its addresses changed: the webs on these loopback ports, and
    the proxy on `port` of the loopback address instead of :8080."""
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    upstreams = " ".join(f"127.0.0.1:{p}" for p in upstream_ports)
    text, proxies = re.subn(
        r"reverse_proxy web:8000 web-2:8000", f"reverse_proxy {upstreams}", text
    )
    text, sites = re.subn(r"^:8080 \{$", f":{port} {{\n\tbind 127.0.0.1", text, flags=re.M)
    assert (proxies, sites) == (1, 1), "deploy/Caddyfile no longer has the expected addresses"
    return text


def start_caddy(upstream_ports: list[int], *, folder: Path) -> tuple[Process, int]:
    """The scaled profile's proxy (deploy/Caddyfile) in front of these webs; returns its port."""
    port = free_port()
    config = folder / "Caddyfile"
    config.write_text(caddyfile_for(upstream_ports, port))
    argv = [shutil.which("caddy"), "run", "--adapter", "caddyfile", "--config", str(config)]
    env = {**os.environ, "HOME": str(folder), "XDG_DATA_HOME": str(folder)}
    process = Process(argv, log_path=folder / "caddy.log", env=env)
    process.wait_for_port(port)
    return process, port


# The worker of docker-compose, with one change: Redis hands an unacknowledged message to another
# worker after this many seconds (an hour in production, longer than any render), so that the
# tests see a redelivery quickly. kombu looks for such messages only every
# unacked_restore_interval x unacked_restore_throttle seconds (10 x 10 by default): that sweep,
# not the timeout, made a redelivery take 100 s more, so the tests sweep every second.
WORKER_VISIBILITY_TIMEOUT = 5
_TRANSPORT = {
    "visibility_timeout": WORKER_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
_WORKER = f"""
import django
django.setup()
from helsefellesskap.celery import app
app.conf.broker_transport_options = {_TRANSPORT!r}
app.worker_main(["worker", "--pool=solo", "--loglevel=INFO", "--without-mingle",
                 "--without-gossip", "--without-heartbeat"])
"""


def start_celery_worker(log_path: Path, **env: str) -> Process:
    """A real `celery worker` (solo pool) on the test's database, files and broker."""
    return Process([sys.executable, "-c", _WORKER], log_path=log_path, env=portal_env(**env))
