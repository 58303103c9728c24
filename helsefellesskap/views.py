"""Views the whole portal shares: the health check, the last-resort error page, the styleguide,
and the pages the law expects (accessibility statement, privacy)."""

import datetime
import sys

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from actionplan.models import Status
from helsefellesskap.health import WARNING_STATUSES, run_checks
from helsefellesskap.middleware import DATABASE_UNAVAILABLE_ERRORS, database_unavailable_response
from helsefellesskap.roles import require_secretariat

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


class _SampleForm(forms.Form):
    """A form with every kind of field the portal uses, to show fields and errors."""

    title = forms.CharField(label=_("Measure"), help_text=_("As it stands in the plan."))
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=forms.RadioSelect)
    year = forms.ChoiceField(label=_("Year"), choices=[(y, y) for y in (2024, 2025, 2026)])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)
    priority = forms.BooleanField(label=_("Aimed at a priority patient group"), required=False)


@login_required
def styleguide(request):
    """Every building block of the look on one page, for the secretariat and the browser tests."""
    require_secretariat(request.user)
    form = _SampleForm(request.GET if "title" in request.GET else None)
    if form.is_bound:
        form.is_valid()
    return render(request, "design/styleguide.html", {"form": form, "statuses": Status})


def _about_crumbs(label):
    return [(_("Home"), reverse("home")), (label, None)]


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
            "language_cookie_days": settings.LANGUAGE_COOKIE_AGE // 86400,
            "contact_email": settings.CONTACT_EMAIL,
            "breadcrumbs": _about_crumbs(_("Privacy")),
        },
    )
