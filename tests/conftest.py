"""Shared test set-up: service markers, personas and the real plan.

A test that needs a real service carries a marker (postgres, redis, celery_worker, browser,
libreoffice, s3, oidc, caddy). The s3 tests start moto's S3 server themselves on a free loopback
port. Where that service is not configured the test is skipped with the reason shown; with
REQUIRE_SERVICES=1 (set by .ci/run) a missing service fails the run instead.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings

from tests.factories import (
    make_alice,
    make_bob,
    make_charlie,
    make_committee,
    make_editor_world,
    make_sara,
)


def _redis_reachable() -> bool:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _missing_service(marker: str) -> str | None:
    """Why a service marker cannot run here, or None when the service is there."""
    if marker == "postgres":
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    elif marker in ("redis", "celery_worker"):
        if not _redis_reachable():
            return "needs Redis: set REDIS_URL=redis://… to a running server"
    elif marker == "browser":
        if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
            return "needs Chromium: apt-get install chromium"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "needs Python Playwright: pip install playwright"
    elif marker == "oidc":
        if not shutil.which("node"):
            return "needs Node.js for the test OpenID provider: apt-get install nodejs npm"
        provider = os.path.join(os.path.dirname(__file__), "oidc", "provider", "node_modules")
        if not os.path.isdir(os.path.join(provider, "oidc-provider")):
            return "needs the test OpenID provider: make oidc-provider"
    elif marker == "caddy" and not shutil.which("caddy"):
        return "needs Caddy to check deploy/Caddyfile: apt-get install caddy"
    elif marker == "libreoffice" and not (shutil.which("libreoffice") or shutil.which("soffice")):
        return "needs LibreOffice: apt-get install libreoffice-writer-nogui"
    elif marker == "s3":
        try:
            import moto.server  # noqa: F401
            import storages.backends.s3  # noqa: F401
        except ImportError:
            return "needs moto's S3 server: pip install 'moto[server]' 'django-storages[s3]'"
    return None


SERVICE_MARKERS = (
    "postgres",
    "redis",
    "celery_worker",
    "browser",
    "libreoffice",
    "s3",
    "oidc",
    "caddy",
)

# The real hasher is slow by design; tests make many users and are not about hashing.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    reasons: dict[str, str | None] = {}
    for item in items:
        for marker in SERVICE_MARKERS:
            if item.get_closest_marker(marker) is None:
                continue
            if marker not in reasons:
                reasons[marker] = _missing_service(marker)
            reason = reasons[marker]
            if reason is None:
                continue
            if required:
                item.add_marker(pytest.mark.xfail(reason="unused", run=False, strict=True))
                raise pytest.UsageError(f"REQUIRE_SERVICES=1 but {item.nodeid} {reason}")
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_configure(config):
    _compile_stale_translations()


def _compile_stale_translations():
    """Tests see the current catalogs: compile any .po newer than its .mo (not committed).

    `make messages` does the same with msgfmt; polib needs no gettext, so a bare pytest works.
    It runs before any test, and drops catalogs Django may have loaded before the compile."""
    from pathlib import Path

    import polib

    compiled = False
    for po in (Path(__file__).resolve().parent.parent / "locale").glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            partial = mo.with_suffix(f".mo.{os.getpid()}")  # parallel workers read it meanwhile
            polib.pofile(str(po)).save_as_mofile(str(partial))
            partial.replace(mo)
            compiled = True
    if compiled:
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files (the PDF parts' cache, plan documents waiting for their
    import) go to a per-test folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_PART_CACHE_DIR = tmp_path / "media" / "pdf-parts"
    settings.PLAN_IMPORT_DIR = tmp_path / "plan-imports"


# --- The one test world. Every app's tests meet the same people:
# Alice edits committee A, Bob edits committee B, Charlie is signed in with no rights,
# and Sara is the secretariat. Tests that need someone else make them with tests.factories.


@pytest.fixture
def committee_a(db):
    return make_committee("Utval A", slug="utval-a")


@pytest.fixture
def committee_b(db):
    return make_committee("Utval B", slug="utval-b")


@pytest.fixture
def alice(committee_a):
    return make_alice(edits=committee_a)


@pytest.fixture
def bob(committee_b):
    return make_bob(edits=committee_b)


@pytest.fixture
def charlie(db):
    return make_charlie()


@pytest.fixture
def sara(db):
    return make_sara()


@pytest.fixture
def secretariat(sara):
    return sara


@pytest.fixture
def world(alice, committee_a, committee_b):
    """The plan the people above work on: committees A and B, each with a goal, a sub-goal
    and a measure (tests.factories.make_editor_world)."""
    return make_editor_world(alice=alice, committee_a=committee_a, committee_b=committee_b)


def _signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return _signed_in(alice)


@pytest.fixture
def bob_client(bob):
    return _signed_in(bob)


@pytest.fixture
def charlie_client(charlie):
    return _signed_in(charlie)


@pytest.fixture
def sara_client(sara):
    return _signed_in(sara)


@pytest.fixture
def anonymous_client(client):
    return client


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_about_the_worker(request, settings):
    """Tasks run in-process except in tests that are about the real Celery worker."""
    from helsefellesskap.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """No test sees what an earlier test cached."""
    from django.core.cache import cache

    cache.clear()


# Tests about the languages themselves keep the portal's own default (nynorsk).
LANGUAGE_TESTS = ("tests/design/", "tests/browser/", "tests/test_translations.py")


@pytest.fixture(autouse=True)
def _pages_in_english(request, settings):
    """Pages in English, so tests assert on the msgids whatever the catalogs say; tests about
    the languages (LANGUAGE_TESTS, or marked `nynorsk`) see the real default."""
    path = str(request.node.path.relative_to(settings.BASE_DIR))
    if path.startswith(LANGUAGE_TESTS) or request.node.get_closest_marker("nynorsk"):
        return
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the PDF renderer asks for, in order (the renderer must fetch only our files)."""
    from helsefellesskap import pdf

    urls = []
    real = pdf.static_file_for

    def recording(url):
        urls.append(url)
        return real(url)

    monkeypatch.setattr(pdf, "static_file_for", recording)
    return urls


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServers:
    """Private redis-server processes on loopback. Calling it starts one with the given
    options and returns its URL; `kill(url)` ends one at once (SIGKILL, as a crash) and
    `start_again(url)` starts it on the same port with the same options and folder, so that
    what it persisted (an append-only file) comes back."""

    def __init__(self, folder):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.fail("redis-server is not installed (Debian: apt-get install redis-server)")
        self.folder = folder
        self.servers: dict[str, tuple[subprocess.Popen, list[str]]] = {}

    def __call__(self, *options: str) -> str:
        port = _free_port()
        url = f"redis://127.0.0.1:{port}/0"
        folder = self.folder / f"redis-{port}"  # its own, for what it persists
        folder.mkdir()
        self._run(url, ["--port", str(port), "--dir", str(folder), *options])
        return url

    def _run(self, url: str, argv: list[str]) -> None:
        defaults = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own options
            [self.binary, *defaults, *argv], stdout=subprocess.DEVNULL
        )
        self.servers[url] = (process, argv)
        deadline = time.monotonic() + 30
        while True:
            try:
                redis.Redis.from_url(url).ping()
                return
            except (redis.ConnectionError, redis.BusyLoadingError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)

    def kill(self, url: str) -> None:
        process, _ = self.servers[url]
        process.kill()
        process.wait(timeout=10)

    def start_again(self, url: str) -> None:
        _, argv = self.servers[url]
        self._run(url, argv)

    def stop_all(self) -> None:
        for process, _ in self.servers.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    """Start redis-server on a free loopback port with the given options; yields a function
    returning its URL (a RedisServers). Tests that change a Redis's configuration or stop it
    use their own, never the machine's shared one."""
    servers = RedisServers(tmp_path)
    yield servers
    servers.stop_all()


class MotoServer:
    """moto's S3 server in its own process: an S3 endpoint on loopback that can be stopped and
    started again on the same port (the object storage going away and coming back)."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = None

    def start(self) -> None:
        import sys

        self.process = subprocess.Popen(  # noqa: S603 - our interpreter and moto's own module
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="session")
def moto_server():
    server = MotoServer(_free_port())
    server.start()
    yield server
    server.stop()


S3_KEYS = {"access_key": "testing-key", "secret_key": "testing-secret"}


@pytest.fixture
def s3_storage(settings, moto_server):
    """The default storage is a fresh private bucket on moto's server, configured as
    STORAGE_BACKEND=s3 configures it; yields a boto3 client to look inside the bucket."""
    import uuid

    import boto3

    bucket = f"portal-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_server.url,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["access_key"],
        aws_secret_access_key=S3_KEYS["secret_key"],
    )
    client.create_bucket(Bucket=bucket)
    options = {
        "bucket_name": bucket,
        "endpoint_url": moto_server.url,
        "region_name": "us-east-1",
        **S3_KEYS,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        # The laid-out PDF parts in the same bucket, as settings.py puts them.
        "pdf_parts": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "location": "pdf-parts", "file_overwrite": True},
        },
    }
    settings.PDF_PART_STORAGE = "pdf_parts"
    client.bucket = bucket
    return client


class TcpForwarder:
    """A loopback port forwarding to another: `cut()` closes it and every connection through it
    (connections are refused, as when the endpoint's host is down) and `restore()` listens on
    the same port again. With `cut_after` set, it cuts itself once that many bytes have gone
    upstream: the endpoint going away in the middle of an upload."""

    def __init__(self, target_port: int):
        import threading

        self.target_port = target_port
        self.port = _free_port()
        self.cut_after: int | None = None
        self.sent_upstream = 0
        self._threading = threading
        self._lock = threading.Lock()
        self._listener = None
        self._open: set[socket.socket] = set()

    def _serve(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                self._threading.Thread(
                    target=self._pipe, args=(source, sink, sink is upstream), daemon=True
                ).start()

    def _pipe(self, source, sink, to_upstream):
        try:
            while data := source.recv(65536):
                if to_upstream and self._over_the_limit(len(data)):
                    self.cut()
                    return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def _over_the_limit(self, size: int) -> bool:
        with self._lock:
            self.sent_upstream += size
            return self.cut_after is not None and self.sent_upstream > self.cut_after

    def restore(self) -> None:
        self.cut_after = None
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._threading.Thread(target=self._serve, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            open_sockets, self._open = self._open, set()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for end in open_sockets:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def s3_outage(settings, s3_storage, moto_server):
    """The bucket reached through a forwarder that the test can cut and restore: the object
    storage's endpoint going away during an upload and coming back."""
    from botocore.config import Config

    forwarder = TcpForwarder(moto_server.port)
    forwarder.restore()
    through_forwarder = {
        "endpoint_url": f"http://127.0.0.1:{forwarder.port}",
        # Fail within seconds rather than after the client's long default retries.
        "client_config": Config(
            connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"}
        ),
    }
    settings.STORAGES = {
        **settings.STORAGES,
        **{
            alias: {
                **settings.STORAGES[alias],
                "OPTIONS": {**settings.STORAGES[alias]["OPTIONS"], **through_forwarder},
            }
            for alias in ("default", "pdf_parts")
        },
    }
    yield forwarder
    forwarder.cut()
