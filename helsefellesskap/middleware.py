"""Middleware every request passes: the request log, the answer to a database outage, and the
headers Django sets no setting for (Permissions-Policy)."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

from helsefellesskap.logging import request_context

request_logger = logging.getLogger("helsefellesskap.request")
database_logger = logging.getLogger("helsefellesskap.database")

# Errors that mean "the database cannot be reached right now" (connection refused or lost,
# server shutting down, too many connections): worth a retry, not a bug in the page.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or taken from X-Forwarded-For behind trusted proxies."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # Each trusted proxy appends the address it saw; anything left of that is client-made.
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def database_unavailable_response() -> HttpResponse:
    """The friendly 503 page. Rendered without context processors: they may query the database."""
    html = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class RequestLogMiddleware:
    """Log one structured line per request (method, path, status, duration, user, address) and
    give every request an id, echoed in X-Request-ID, that its other log lines carry too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request.request_id = offered if _SAFE_REQUEST_ID.match(offered) else uuid.uuid4().hex
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        status = response.status_code
        request_logger.log(
            logging.WARNING if status >= 500 else logging.INFO,
            "request",
            extra={
                **request_context(request),
                "status": status,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "ip": client_ip(request),
            },
        )
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a page that asks the user to try again when the database is unreachable.

    Django reconnects on the next request once the database is back, so no restart is needed.
    Errors raised outside views are caught by the 500 handler (helsefellesskap.views).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            return None
        database_logger.error(
            "database_unavailable",
            exc_info=(type(exception), exception, exception.__traceback__),
            extra={"request": request},
        )
        return database_unavailable_response()


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """settings.PERMISSIONS_POLICY as the header's value: `camera=(), geolocation=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Tell the browser that no page of the portal may use the camera, microphone, location,
    payments or USB, so a script that slipped in could not ask for them either."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
