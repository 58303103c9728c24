"""The security suites share one world per module: see world.py."""

import pytest
from django.db import transaction

from tests.security.world import build_world


@pytest.fixture(scope="module")
def security_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Committees A and B with one of everything, built once for the module and rolled back
    at its end; each test (and each request in it) runs in a savepoint inside."""
    from django.test.utils import override_settings

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = build_world()
        built.media = media
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp(request, settings, tmp_path):
    """Files in a per-test folder, or the module world's folder for tests that use it."""
    if "security_world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("security_world").media
    else:
        settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_PART_CACHE_DIR = tmp_path / "media" / "pdf-parts"
