"""Counters in the shared cache (Redis in production): one atomic increment, whatever process
counts. Used for the log-in and API limits per address and the page cache's byte budget."""

from django.core.cache import cache


def count(key: str, *, timeout: int, by: int = 1) -> int:
    """Add `by` to the counter at `key`, made with `timeout` seconds to live when there is none
    (later counts do not stretch it); returns the new total. What the cache raises when it is
    down (page_cache.CACHE_DOWN) is left to the caller."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key, by)
    except ValueError:  # it expired between add and incr: this count starts a new one
        cache.add(key, by, timeout=timeout)
        return by
