"""Sessions read from the cache and kept in the database (SESSION_ENGINE).

Every page a logged-in person sees reads the session first: with Django's database sessions that
is one query on every request (issue 17: editors' pages ran one query more than visitors'). The
cached_db engine reads it from the cache and falls back to the database; every write goes to
both, so the database stays the record and an evicted copy (the cache is allkeys-lru) only
costs the one query again. Chosen over signed-cookie sessions, which need no server at all but
cannot be ended on the server: a copied cookie would still open a session after its owner
logged out, and the verified second factor lives in the session.

Django's engine lets a cache that is down break the request (its writes raise); here the cache
is a speed-up, never a dependency, as for the page cache: with Redis down sessions are read from
and written to the database alone.
"""

import contextlib
import logging

from django.contrib.sessions.backends import cached_db

from helsefellesskap.page_cache import CACHE_DOWN

logger = logging.getLogger(__name__)


class _TolerantCache:
    """The session cache, with errors of an unreachable server swallowed (a miss, a no-op)."""

    def __init__(self, cache):
        self._cache = cache

    def get(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except CACHE_DOWN:
            logger.warning("cache unavailable", extra={"key": "session"})
            return default

    def set(self, *args, **kwargs):
        with contextlib.suppress(*CACHE_DOWN):
            self._cache.set(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with contextlib.suppress(*CACHE_DOWN):
            self._cache.delete(*args, **kwargs)

    def __contains__(self, key):
        try:
            return key in self._cache
        except CACHE_DOWN:
            return False


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _TolerantCache(self._cache)
