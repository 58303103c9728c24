"""Whole responses of the busiest public pages, served to anonymous visitors before the rest of
the middleware stack runs (issue 9: the overview and plan table under load).

A view opts in with @anonymous_page_cache(state=..., query=...), where `state(request)` names
what else the page shows that can change: a content version that every save replaces, today's
date. The key holds the host, path, the query string in canonical form, the language
LocaleMiddleware would choose, and that state, so a save is on the very next request and
languages never mix. Old copies are simply never asked for again and expire. Views that cannot
carry the mark (the open-data API's endpoints: django-ninja makes one view per path) opt in by
URL name with anonymous_page_cache_named(). A copy that carries an ETag or Last-Modified answers
a matching If-None-Match or If-Modified-Since with 304, as the view would.

The cache is bounded, so that nobody can fill it by varying the URL: only the parameters the
view names in `query` take part (a request with any other is served, but not stored), their
order and empty values do not make new copies, long values (free text) are not stored, copies
are compressed and a copy over PAGE_CACHE_MAX_ENTRY_BYTES is not stored. The copies of pages
with a query string also share a total budget, PAGE_CACHE_BUDGET_BYTES, kept by the portal itself
whatever the cache server's settings (see `within_budget`); the bare pages (no query string) are
few, one per page, language and state, and are always stored, so a flood of searches cannot push
the busiest pages out. Beyond that the cache server bounds itself: Redis with `maxmemory` and an
LRU policy (docker-compose), on its own instance so that the Celery broker is never evicted.

Only visitors without per-visitor state take part: a request with a session or messages cookie
(a logged-in user, a pending message) passes through untouched and never seeds the cache, and a
response is stored only when it sets no cookie and is a plain 200 that may be shared. A page
that renders a CSRF token sets the CSRF cookie, so it is never stored.
"""

import contextlib
import functools
import hashlib
import logging
import time
import zlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re, get_conditional_response
from django.utils.http import parse_http_date_safe
from redis.exceptions import RedisError

from helsefellesskap.cache_counters import count

logger = logging.getLogger(__name__)
# What the cache backend raises when its server is unreachable (Redis, or a socket error).
CACHE_DOWN = (RedisError, OSError)

# Copies are keyed on the content's state, so the timeout only bounds how long unused ones linger.
PAGE_SECONDS = 24 * 60 * 60
# A Vary header naming anything else than these makes a response unfit to share: the key
# covers cookies (none allowed) and the language (resolved from Accept-Language).
_KEYED_VARY = {"cookie", "accept-language"}
# "no-cache" alone is no refusal: it asks a cache to check a copy before reusing it, and this
# cache checks every copy by its key (the content's state) on every request.
_PRIVATE_CACHE_CONTROL = ("private", "no-store")
ATTRIBUTE = "anonymous_page_cache"
# A query value longer than this is free text nobody else will ask for again: not stored.
MAX_QUERY_VALUE = 40
# Redis's own cost of a key beside its value (key name, expiry, bookkeeping), counted in the budget.
ENTRY_OVERHEAD = 256


class PageCacheRule:
    """What an opted-in view's cached copies depend on: its state and its query parameters."""

    def __init__(self, state: Callable, query: Iterable[str]):
        self.state = state
        self.query = frozenset(query)

    def canonical_query(self, query_string: str) -> str | None:
        """The query string in one form per meaning, or None when the request is not stored.

        Parameters are sorted and empty ones dropped; a parameter the view does not name, or a
        value too long to be shared, means the copy would be nobody else's."""
        if not query_string:
            return ""
        query = QueryDict(query_string)
        canonical = QueryDict(mutable=True)
        for name in sorted(query):
            if name not in self.query:
                return None
            values = sorted(value for value in query.getlist(name) if value)
            if any(len(value) > MAX_QUERY_VALUE for value in values):
                return None
            if values:
                canonical.setlist(name, values)
        return canonical.urlencode()


def anonymous_page_cache(*, state: Callable, query: Iterable[str] = ()) -> Callable:
    """Let anonymous visitors be served this view's whole response from the cache.

    `state(request)` returns what besides the URL and language the page depends on (hashable
    and str-able); it must change whenever the page would. `query` names the parameters the
    page reads; a request with any other parameter is answered but never stored."""
    rule = PageCacheRule(state, query)

    def mark(view):
        setattr(view, ATTRIBUTE, rule)
        return view

    return mark


#: Rules of views that cannot carry the attribute, by URL name ("api:measures"): django-ninja
#: makes one view function per path, not per endpoint.
_named_rules: dict[str, PageCacheRule] = {}


def anonymous_page_cache_named(view_name: str, *, state: Callable, query: Iterable[str] = ()):
    """anonymous_page_cache() for the view behind a URL name (call it from AppConfig.ready()
    or at import of the module that defines the view, before the first request)."""
    _named_rules[view_name] = PageCacheRule(state, query)
    _page_rule.cache_clear()


def per_visitor_cookies() -> tuple[str, ...]:
    """Cookies that mean the response may be personal: the session and pending messages."""
    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


@functools.lru_cache(maxsize=2048)
def _page_rule(urlconf: str, path: str) -> PageCacheRule | None:
    """The opted-in view's cache rule for a path, or None (resolving costs a little)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, ATTRIBUTE, None) or _named_rules.get(match.view_name)


def resolved_language(request) -> str:
    """The language LocaleMiddleware will activate for this request (cookie, Accept-Language)."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    language = translation.get_language_from_request(request, check_path=i18n_patterns_used)
    from_path = translation.get_language_from_path(request.path_info)
    if not from_path and i18n_patterns_used and not prefixed_default_language:
        language = settings.LANGUAGE_CODE
    return language


def page_key(request, state: Callable, query: str) -> str:
    """The cache key of this request's page (raises DisallowedHost for a foreign host)."""
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        query,
        resolved_language(request),
        str(state(request)),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"anonymous-page:{digest}"


def pack(response) -> tuple | None:
    """A response as stored, its body compressed (a plan table to a fifth of its size), or None
    when it is over the size one copy may take."""
    body = zlib.compress(response.content, 1)
    if len(body) > settings.PAGE_CACHE_MAX_ENTRY_BYTES:
        return None
    return response.status_code, dict(response.items()), body


def packed_size(packed: tuple) -> int:
    """About what a stored copy takes in the cache: its body, its headers and a key's overhead."""
    _, headers, body = packed
    return (
        len(body) + sum(len(name) + len(value) for name, value in headers.items()) + ENTRY_OVERHEAD
    )


def within_budget(size: int, now: float | None = None) -> bool:
    """Count `size` bytes against the budget of copies with a query string; False when over it.

    Time is cut into windows as long as a copy lives (PAGE_SECONDS), each with a counter of the
    bytes stored in it, allowed half the budget. A copy outlives its window by less than one
    window, so at any moment only copies of this window and the one before are alive: at most
    the whole budget. Once a window's half is spent, query-string copies wait for the next one
    (they are served, not stored)."""
    window = int((time.time() if now is None else now) // PAGE_SECONDS)
    key = f"anonymous-page-budget:{window}"
    return count(key, timeout=2 * PAGE_SECONDS, by=size) <= settings.PAGE_CACHE_BUDGET_BYTES // 2


def unpack(packed: tuple) -> HttpResponse:
    """The response a stored copy holds."""
    status, headers, body = packed
    return HttpResponse(zlib.decompress(body), status=status, headers=headers)


def not_modified_or(request, response) -> HttpResponse:
    """A 304 when the request's If-None-Match or If-Modified-Since matches the copy's ETag or
    Last-Modified (the API's answers carry them), else the copy itself."""
    etag, modified = response.get("ETag"), response.get("Last-Modified")
    if not (etag or modified):
        return response
    return get_conditional_response(
        request,
        etag=etag,
        last_modified=parse_http_date_safe(modified) if modified else None,
        response=response,
    )


def shareable(response) -> bool:
    """May this response be served to every anonymous visitor with the same key?"""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in _PRIVATE_CACHE_CONTROL):
        return False
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    return vary <= _KEYED_VARY


class AnonymousPageCacheMiddleware:
    """Serve opted-in pages to anonymous visitors from the cache, and store them on a miss.

    Placed after the request log (hits are logged) and before the session, so a hit costs one
    small query (the content version) and no view, template or inner middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key, query = self._key(request)
        if key is None:
            return self.get_response(request)
        cached = self._get(key)
        if cached is not None:
            # A hit is anonymous by construction; the request log reads the user.
            request.user = AnonymousUser()
            return not_modified_or(request, unpack(cached))
        response = self.get_response(request)
        if request.method == "GET" and shareable(response) and not _is_authenticated(request):
            packed = pack(response)
            if packed is not None:
                with contextlib.suppress(*CACHE_DOWN):
                    if not query or within_budget(packed_size(packed)):
                        cache.set(key, packed, PAGE_SECONDS)
        return response

    def _key(self, request) -> tuple[str | None, str]:
        """The key when this request may be served from the cache (else None), and its
        canonical query string."""
        if request.method not in ("GET", "HEAD") or "HTTP_HX_REQUEST" in request.META:
            return None, ""
        if any(name in request.COOKIES for name in per_visitor_cookies()):
            return None, ""
        rule = _page_rule(getattr(request, "urlconf", settings.ROOT_URLCONF), request.path_info)
        if rule is None:
            return None, ""
        query = rule.canonical_query(request.META.get("QUERY_STRING", ""))
        if query is None:
            return None, ""
        try:
            return page_key(request, rule.state, query), query
        except DisallowedHost:
            return None, ""  # the stack answers it as it always does
        except DatabaseError:
            # The content version cannot be read: let the stack answer (503 page, see
            # DatabaseUnavailableMiddleware) rather than guess.
            return None, ""

    def _get(self, key: str):
        try:
            return cache.get(key)
        except CACHE_DOWN:
            # The cache is a speed-up, never a dependency.
            logger.warning("cache unavailable", extra={"key": "anonymous-page"})
            return None


def _is_authenticated(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
