"""Cached fragments and values of the busiest public pages (overview, plan table, the committee
page's status aggregate), never stale.

A fragment's key holds the plan's content version: a random token in the database that every
save or delete of what those pages show replaces (receivers in signals.py). A page reads the
token (one small query) and either reuses the fragment rendered for it or renders a new one.
Old fragments are simply never asked for again and expire.

Writes that bypass model signals (QuerySet.update(), bulk_create) must call
bump_plan_content_version() themselves.
"""

import contextlib
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import connection
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from helsefellesskap.page_cache import CACHE_DOWN

from .models import ContentVersion

logger = logging.getLogger(__name__)

PLAN_CONTENT = "plan-content"
# Fragments are keyed on the version, so the timeout only bounds how long unused ones linger.
FRAGMENT_SECONDS = 24 * 60 * 60


def plan_content_version(request=None) -> str:
    """The current token of the plan's content (created on first use, e.g. after a flush).

    Given the request, it is read once per request: the anonymous page cache reads it before
    the view does. A page reads nothing it saves itself, and reading the token before the
    content keeps a copy's key no newer than what the copy shows."""
    memo = getattr(request, "_plan_content_version", None)
    if memo is not None:
        return memo
    token = _read_token(PLAN_CONTENT)
    if token is None:
        token = ContentVersion.objects.get_or_create(
            name=PLAN_CONTENT, defaults={"token": uuid.uuid4().hex}
        )[0].token
    if request is not None:
        request._plan_content_version = token
    return token


def _read_token(name: str) -> str | None:
    """One version's token. Every anonymous page hit reads it (helsefellesskap/page_cache.py),
    so it is a plain statement: the ORM's query building cost ten times the round trip."""
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE name = %s", [name])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def bump_plan_content_version() -> None:
    """Mark every cached fragment of the plan's pages out of date."""
    token = uuid.uuid4().hex
    if not ContentVersion.objects.filter(name=PLAN_CONTENT).update(token=token):
        ContentVersion.objects.update_or_create(name=PLAN_CONTENT, defaults={"token": token})


def plan_page_state(request) -> tuple[str, str]:
    """What an anonymous copy of a plan page depends on besides its URL and language (see
    helsefellesskap/page_cache.py): the content version, and today's date, which picks the
    year shown when none is asked for."""
    return plan_content_version(request), timezone.localdate().isoformat()


def cached_value(name: str, *vary_on, compute: Callable[[], Any], request=None) -> Any:
    """A picklable value for this content version, language and `vary_on`, computed by
    `compute()` only when not cached yet. It must not depend on the user."""
    key = make_template_fragment_key(
        name, [plan_content_version(request), translation.get_language(), *vary_on]
    )
    try:
        value = cache.get(key)
    except CACHE_DOWN:
        # The cache is a speed-up, never a dependency: with Redis down the page still renders.
        logger.warning("cache unavailable", extra={"key": name})
        return compute()
    if value is None:
        value = compute()
        with contextlib.suppress(*CACHE_DOWN):
            cache.set(key, value, FRAGMENT_SECONDS)
    return value


def cached_fragment(name: str, *vary_on, render: Callable[[], str], request=None) -> SafeString:
    """HTML of a fragment for this content version, language and `vary_on`, rendered by
    `render()` only when not cached yet. The fragment must not depend on the user."""
    html = cached_value(name, *vary_on, compute=render, request=request)
    return mark_safe(html)  # noqa: S308 - our own HTML
