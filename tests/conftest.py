"""Shared test set-up: service markers, personas and the real plan.

A test that needs a real service carries a marker (postgres, redis, celery_worker, browser,
libreoffice).
Where that service is not configured the test is skipped with the reason shown; with
REQUIRE_SERVICES=1 (set by .ci/run) a missing service fails the run instead.
"""

import os
import shutil

import pytest
from django.conf import settings

from tests.factories import make_user


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
    elif marker == "libreoffice" and not (shutil.which("libreoffice") or shutil.which("soffice")):
        return "needs LibreOffice: apt-get install libreoffice-writer-nogui"
    return None


SERVICE_MARKERS = ("postgres", "redis", "celery_worker", "browser", "libreoffice", "oidc")

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
            polib.pofile(str(po)).save_as_mofile(str(mo))
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


@pytest.fixture
def secretariat(db):
    """Sara from the secretariat: may edit everything."""
    return make_user("sara", secretariat=True)


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
