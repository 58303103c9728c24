"""Views the whole portal shares: the health check and the last-resort error page."""

import sys

from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from helsefellesskap.health import run_checks
from helsefellesskap.middleware import DATABASE_UNAVAILABLE_ERRORS, database_unavailable_response


@never_cache
@require_safe
def healthz(request):
    """200 when the database, the broker and the media storage answer; 503 naming what failed."""
    healthy, checks = run_checks()
    failing = [name for name, result in checks.items() if result["status"] == "fail"]
    body = {"status": "ok" if healthy else "fail", "failing": failing, "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request):
    """The 500 handler. A database outage met outside a view (in a middleware, say) still gets
    the friendly 503 page; anything else gets Django's 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE_ERRORS):
        return database_unavailable_response()
    return defaults.server_error(request)
