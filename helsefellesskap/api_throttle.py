"""A limit on anonymous requests to the open-data API (/api/) per address.

API_RATE_LIMIT requests per API_RATE_WINDOW seconds from one address, counted in the cache
(Redis in production, shared by all processes) in fixed windows: the counter's key holds the
window's number, so a new window starts from nothing and the old counter simply expires. Over
the limit the answer is 429 with Retry-After, the seconds until the window ends. Signed-in
users are not counted (they are few and known). With the cache down the limit lapses (logged)
and the API goes on answering: it only reads.
"""

import logging
import math
import time

from django.conf import settings
from django.http import JsonResponse

from helsefellesskap.cache_counters import count
from helsefellesskap.middleware import client_ip
from helsefellesskap.page_cache import CACHE_DOWN, per_visitor_cookies

logger = logging.getLogger("helsefellesskap.api")

API_PREFIX = "/api/"


def _key(address: str | None, window: int) -> str:
    return f"api-requests:ip:{address or 'unknown'}:{window}"


def count_request(address: str | None, now: float | None = None) -> tuple[int, int]:
    """Count one request from `address`: (requests in this window so far, seconds left of it).
    (0, 0) when the cache is unavailable."""
    length = settings.API_RATE_WINDOW
    now = time.time() if now is None else now
    window = int(now // length)
    key = _key(address, window)
    try:
        # The counter outlives its window a little, so a late count finds it.
        used = count(key, timeout=length + 1)
    except CACHE_DOWN:
        logger.warning("api_throttle_cache_unavailable")
        return 0, 0
    return used, max(1, math.ceil((window + 1) * length - now))


def too_many_requests(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {"detail": f"Too many requests: try again in {retry_after} seconds."}, status=429
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class ApiRateLimitMiddleware:
    """Refuse (429) anonymous API requests from an address over its limit.

    It sits above the anonymous page cache, so a copy served from there is counted too: a
    request without a session or messages cookie is anonymous by construction and counted at
    once; one with such a cookie passes the page cache and is counted in process_view, once
    AuthenticationMiddleware has said whether its user is signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and not any(
            name in request.COOKIES for name in per_visitor_cookies()
        ):
            request._api_request_counted = True
            refused = self._count(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.path.startswith(API_PREFIX)
            and not getattr(request, "_api_request_counted", False)
            and not request.user.is_authenticated
        ):
            return self._count(request)
        return None

    def _count(self, request):
        """Count the request; the 429 when its address is over the limit, else None."""
        used, retry_after = count_request(client_ip(request))
        if used > settings.API_RATE_LIMIT:
            logger.warning("api_throttled_address", extra={"ip": client_ip(request)})
            return too_many_requests(retry_after)
        return None
