"""Views the whole portal shares: the health check, the last-resort error page, and the pages
the law expects (accessibility statement, privacy)."""

import datetime
import sys

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from helsefellesskap.health import WARNING_STATUSES, run_checks
from helsefellesskap.middleware import DATABASE_UNAVAILABLE_ERRORS, database_unavailable_response
from helsefellesskap.privacy import STOPPED_VISITOR_DAYS

# When the accessibility statement was last checked against the portal (uustatus.no asks for it).
ACCESSIBILITY_STATEMENT_REVIEWED = datetime.date(2026, 12, 7)


@never_cache
@require_safe
def healthz(request):
    """200 when the database, the broker and the media storage answer; 503 naming what failed.

    A cache that does not answer is named too, with 200 and "degraded": pages are slower then,
    not wrong. So are a broker that may evict queued tasks and a cache on the broker's own Redis
    (under "warnings")."""
    healthy, checks = run_checks()
    failing = [name for name, result in checks.items() if result["status"] == "fail"]
    warnings = [name for name, result in checks.items() if result["status"] in WARNING_STATUSES]
    status = ("degraded" if failing or warnings else "ok") if healthy else "fail"
    body = {"status": status, "failing": failing, "warnings": warnings, "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request):
    """The 500 handler. A database outage met outside a view (in a middleware, say) still gets
    the friendly 503 page; anything else gets Django's 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE_ERRORS):
        return database_unavailable_response()
    return defaults.server_error(request)


def _about_crumbs(label):
    return [(label, None)]  # below the front page, which every trail starts at


@require_safe
def accessibility_statement(request):
    """The accessibility statement (tilgjengelegheitserklæring) in the form uustatus.no asks for."""
    return render(
        request,
        "about/accessibility.html",
        {
            "reviewed_on": ACCESSIBILITY_STATEMENT_REVIEWED,
            "contact_email": settings.CONTACT_EMAIL,
            "breadcrumbs": _about_crumbs(_("Accessibility statement")),
        },
    )


@require_safe
def privacy(request):
    """Which personal data the portal keeps and for how long, from the settings that decide it."""
    return render(
        request,
        "about/privacy.html",
        {
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
            "login_record_days": settings.LOGIN_RECORD_RETENTION_DAYS,
            "stopped_visitor_days": STOPPED_VISITOR_DAYS,
            "language_cookie_days": settings.LANGUAGE_COOKIE_AGE // 86400,
            "contact_email": settings.CONTACT_EMAIL,
            "breadcrumbs": _about_crumbs(_("Privacy")),
        },
    )
