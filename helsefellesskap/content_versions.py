"""Content versions, and the cached fragments and values keyed on them, never stale.

A content version is a random token in the database (ContentVersion) that every save or delete
of that content replaces. Each app names its own contents and says which models they are made
of (`bump_on_save_and_delete(name, models)` in its signals module: actionplan/caching.py,
meetings/caching.py, guidelines/caching.py hold the names). A page reads the tokens (one small
query) and either reuses the fragment rendered for them or renders a new one. Old fragments are
simply never asked for again and expire.

Writes that bypass model signals (QuerySet.update(), bulk_create) must call
bump_content_version() themselves; tests/test_writes_in_services.py checks that they do.
"""

import contextlib
import datetime
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from .models import ContentVersion
from .page_cache import CACHE_DOWN

logger = logging.getLogger(__name__)

# Fragments are keyed on the version, so the timeout only bounds how long unused ones linger.
FRAGMENT_SECONDS = 24 * 60 * 60


def content_versions(*names: str, request=None) -> list[str]:
    """The current tokens of these contents, in one query (a missing one is created, e.g.
    after a flush).

    Given the request, each is read once per request: the anonymous page cache reads the plan's
    before the view does. A page reads nothing it saves itself, and reading the token before
    the content keeps a copy's key no newer than what the copy shows."""
    known = getattr(request, "_content_versions", None) if request is not None else None
    known = {} if known is None else known
    missing = [name for name in names if name not in known]
    if missing:
        known.update(_read_tokens(missing))
        for name in missing:
            if name not in known:
                known[name] = ContentVersion.objects.get_or_create(
                    name=name, defaults={"token": uuid.uuid4().hex}
                )[0].token
        if request is not None:
            request._content_versions = known
    return [known[name] for name in names]


def _read_tokens(names: list[str]) -> dict[str, str]:
    """Tokens by name. Every anonymous page hit reads one (helsefellesskap/page_cache.py), so
    this is a plain statement: the ORM's query building cost ten times the round trip."""
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    placeholders = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, token FROM {table} WHERE name IN ({placeholders})",  # noqa: S608
            names,
        )
        return dict(cursor.fetchall())


def bump_content_version(name: str) -> None:
    """Mark every cached fragment that shows this content out of date."""
    token, now = uuid.uuid4().hex, timezone.now()
    if not ContentVersion.objects.filter(name=name).update(token=token, changed_at=now):
        ContentVersion.objects.update_or_create(
            name=name, defaults={"token": token, "changed_at": now}
        )


def bump_all_content_versions() -> None:
    """Mark every cached fragment of every content out of date."""
    for name in ContentVersion.objects.values_list("name", flat=True):
        bump_content_version(name)


def bump_on_save_and_delete(name: str, models) -> None:
    """Connect receivers that bump content `name` on every save or delete of these models."""

    def content_changed(sender, **kwargs):
        bump_content_version(name)

    for model in models:
        uid = f"bump_{name}_{model._meta.label}"
        post_save.connect(content_changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(
            content_changed, sender=model, weak=False, dispatch_uid=f"{uid}_deleted"
        )


def content_state(*names: str) -> Callable[[Any], tuple[str, datetime.datetime]]:
    """For the open-data API's conditional answers (helsefellesskap/api.py conditional()):
    a function of the request giving one token for these contents and today's date (which
    picks the default year), and when they last changed (at the latest today's midnight), in
    one query."""

    def state(request) -> tuple[str, datetime.datetime]:
        rows = {row.name: row for row in ContentVersion.objects.filter(name__in=names)}
        for name in names:
            if name not in rows:  # e.g. after a flush
                content_versions(name)
                rows[name] = ContentVersion.objects.get(name=name)
        today = timezone.localdate()
        midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        token = "-".join([*(rows[name].token for name in names), today.isoformat()])
        return token, max([midnight, *(rows[name].changed_at for name in names)])

    return state


def cached_value(
    name: str,
    *vary_on,
    compute: Callable[[], Any],
    contents: tuple[str, ...],
    request=None,
) -> Any:
    """A picklable value for the versions of `contents`, the language and `vary_on`, computed
    by `compute()` only when not cached yet. It must not depend on the user beyond `vary_on`."""
    key = make_template_fragment_key(
        name, [*content_versions(*contents, request=request), translation.get_language(), *vary_on]
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


def cached_fragment(
    name: str,
    *vary_on,
    render: Callable[[], str],
    contents: tuple[str, ...],
    request=None,
) -> SafeString:
    """HTML of a fragment for the versions of `contents`, the language and `vary_on`, rendered
    by `render()` only when not cached yet. It must not depend on the user beyond `vary_on`."""
    html = cached_value(name, *vary_on, compute=render, contents=contents, request=request)
    return mark_safe(html)  # noqa: S308 - our own HTML
