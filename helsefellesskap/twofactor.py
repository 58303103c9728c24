"""Two-factor log-in (TOTP with recovery codes, via django-otp): who needs it, and the guard that
keeps edit pages from anyone who has only given a password.

The rule:
- the secretariat, superusers and staff (who reach the admin) must have an authenticator app;
- every other user (committee editors) may add one, and is offered it;
- whoever has one must have given a code from it in this session before any write (every
  request that is not GET/HEAD/OPTIONS) and before any page that is not a reading page
  (READING_PAGES), whatever TWO_FACTOR_ENFORCED says. A new view is an edit page until it is
  listed as a reading page, so nothing new opens on the password alone by default.

TWO_FACTOR_ENFORCED (on in production) decides only who *must* have one: enforced, a user whose
role needs an app and who has none is sent to set one up from every page but the exempt ones
(TWO_FACTOR_EXEMPT_PATHS: log-in, log-out, password reset, the code pages, language); not
enforced, only from the path prefixes in TWO_FACTOR_PROTECTED_PATHS (the admin) and views
decorated with `two_factor_required`.
"""

from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect
from django_otp import device_classes

from helsefellesskap.secretariat import is_secretariat


def two_factor_mandatory(user) -> bool:
    """Must this user have an authenticator app before editing anything?"""
    return user.is_authenticated and (user.is_staff or is_secretariat(user))


def has_two_factor(user) -> bool:
    """Has this user set up an authenticator app? (cached per request user)"""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_has_two_factor", None)
    if cached is None:
        cached = user._has_two_factor = _has_confirmed_device(user)
    return cached


def _has_confirmed_device(user) -> bool:
    """django_otp.user_has_device in one query (it asks each device type in turn): every
    write asks this."""
    kinds = [
        model.objects.devices_for_user(user, confirmed=True).values("pk")
        for model in device_classes()
    ]
    first, *rest = kinds
    return (first.union(*rest) if rest else first).exists()


def is_verified(user) -> bool:
    """Has the user given a second factor in this session? False where OTPMiddleware has not
    run (a request built by hand), so the guard fails closed."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


# Pages a user who has an authenticator app may read before giving a code: view names from the
# resolver. Every other page of the portal (forms, the revision board, /accounts/ pages such as
# the password change) is an edit page; writes are guarded by their method wherever they go.
READING_PAGES = frozenset(
    {
        "home",
        "styleguide",
        "password_change_done",
        "actionplan:overview",
        "actionplan:committee",
        "actionplan:table",
        "actionplan:table_csv",
        "actionplan:table_xlsx",
        "actionplan:measure",
        "actionplan:my_reminders",
        "actionplan:dashboard",
        "actionplan:reports",
        "actionplan:report",
        "actionplan:report_download",
        "meetings:upcoming",
        "meetings:month_today",
        "meetings:month",
        "meetings:meeting_list",
        "meetings:calendar_feed",
        "meetings:feeds",
        "meetings:series_feed",
        "meetings:committee_feed",
        "meetings:meeting",
        "meetings:meeting_feed",
        "meetings:attachment",
        "meetings:minutes_export",
        "meetings:minutes_export_download",
        "meetings:action_points",
        "meetings:series_list",
        "meetings:series",
        "guidelines:library",
        "guidelines:review_due",
        "guidelines:detail",
        "guidelines:pdf",
        "guidelines:versions",
        "guidelines:compare",
        "guidelines:version",
        "guidelines:attachment",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def is_edit_request(request) -> bool:
    """Does this request write, or open an edit page? (needs the resolver's match)"""
    if request.method not in SAFE_METHODS:
        return True
    match = getattr(request, "resolver_match", None)
    return match is None or match.view_name not in READING_PAGES


def _come_back_to(request) -> str:
    """Where to return after the code: the page itself, or for a write the page its form was
    on (the write's own URL may take no GET), when that page is on this site."""
    referer = request.headers.get("Referer", "")
    if request.method not in SAFE_METHODS and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path
    return request.get_full_path()


def _redirect(request, url_name: str):
    url = f"{reverse(url_name)}?{urlencode({'next': _come_back_to(request)})}"
    if getattr(request, "htmx", False):
        # An htmx fragment request: send the whole page there, not into the fragment.
        return HttpResponseClientRedirect(url)
    return redirect(url)


def second_factor_redirect(request):
    """Where the user must go before an edit page (log in, give a code, set up an app), or None
    when the user may go on."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_verified(user):
        return None
    if has_two_factor(user):
        return _redirect(request, "two_factor:verify")
    if two_factor_mandatory(user):
        return _redirect(request, "two_factor:setup")
    return None


def two_factor_required(view):
    """Decorator for a view that sends users whose role needs an app to set one up even when
    TWO_FACTOR_ENFORCED is off (as the admin does). Edit views need no decorator: the
    middleware asks for the code on every edit page and write."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        return second_factor_redirect(request) or view(request, *args, **kwargs)

    return guarded


def code_redirect(request):
    """Send a user who has an app but has not given a code in this session to give one, or
    None when the user may go on."""
    user = request.user
    if has_two_factor(user) and not is_verified(user):
        return _redirect(request, "two_factor:verify")
    return None


class TwoFactorMiddleware:
    """The one place that decides whether a request needs the second factor (module docstring).
    Anonymous users are left to the pages' own log-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path
        if not request.user.is_authenticated or path.startswith(
            tuple(settings.TWO_FACTOR_EXEMPT_PATHS)
        ):
            return None
        if settings.TWO_FACTOR_ENFORCED or path.startswith(
            tuple(settings.TWO_FACTOR_PROTECTED_PATHS)
        ):
            return second_factor_redirect(request)
        if is_edit_request(request):
            return code_redirect(request)
        return None


def replace_recovery_codes(user) -> list[str]:
    """Give the user a fresh set of single-use recovery codes (the old ones stop working)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
