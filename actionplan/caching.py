"""Cached fragments of the busiest public pages (overview, plan table), never stale.

A fragment's key holds the plan's content version: a random token in the database that every
save or delete of what those pages show replaces (receivers in signals.py). A page reads the
token (one small query) and either reuses the fragment rendered for it or renders a new one.
Old fragments are simply never asked for again and expire.

Writes that bypass model signals (QuerySet.update(), bulk_create) must call
bump_plan_content_version() themselves.
"""

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .models import ContentVersion

PLAN_CONTENT = "plan-content"
# Fragments are keyed on the version, so the timeout only bounds how long unused ones linger.
FRAGMENT_SECONDS = 24 * 60 * 60


def plan_content_version() -> str:
    """The current token of the plan's content (created on first use, e.g. after a flush)."""
    token = ContentVersion.objects.filter(name=PLAN_CONTENT).values_list("token", flat=True).first()
    if token is None:
        token = ContentVersion.objects.get_or_create(
            name=PLAN_CONTENT, defaults={"token": uuid.uuid4().hex}
        )[0].token
    return token


def bump_plan_content_version() -> None:
    """Mark every cached fragment of the plan's pages out of date."""
    token = uuid.uuid4().hex
    if not ContentVersion.objects.filter(name=PLAN_CONTENT).update(token=token):
        ContentVersion.objects.update_or_create(name=PLAN_CONTENT, defaults={"token": token})


def cached_fragment(name: str, *vary_on, render: Callable[[], str]) -> SafeString:
    """HTML of a fragment for this content version, language and `vary_on`, rendered by
    `render()` only when not cached yet. The fragment must not depend on the user."""
    key = make_template_fragment_key(
        name, [plan_content_version(), translation.get_language(), *vary_on]
    )
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own rendered template output
