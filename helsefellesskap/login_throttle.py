"""A limit on failed log-ins per address, whatever the usernames (password spraying).

django-axes locks a username + address pair after AXES_FAILURE_LIMIT failures (settings.py): an
attacker elsewhere cannot lock a real user out, and one person's typos do not block everybody
behind a municipality's shared address. That alone lets one address try a password against
every username, so the address as a whole also gets a much higher limit, LOGIN_IP_FAILURE_LIMIT
failed log-ins within LOGIN_IP_FAILURE_WINDOW seconds, counted in the cache (Redis in
production, shared by all processes). Successful log-ins do not reset it, so one valid account
does not reopen the address for spraying. With the cache down the limit lapses (logged) and
log-in goes on: axes, in the database, still locks each pair.
"""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse

from helsefellesskap.cache_counters import count
from helsefellesskap.middleware import client_ip
from helsefellesskap.page_cache import CACHE_DOWN

logger = logging.getLogger("helsefellesskap.auth")


def _key(address: str | None) -> str:
    return f"login-failures:ip:{address or 'unknown'}"


def failures_from(address: str | None) -> int:
    try:
        return cache.get(_key(address), 0)
    except CACHE_DOWN:
        # Log-in must not depend on the cache: axes (in the database) still locks each pair.
        logger.warning("login_throttle_cache_unavailable")
        return 0


def address_is_throttled(request) -> bool:
    return failures_from(client_ip(request)) >= settings.LOGIN_IP_FAILURE_LIMIT


@receiver(user_login_failed, dispatch_uid="count_login_failure_per_address")
def count_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    key = _key(client_ip(request))
    try:
        # The window starts at the first failure and is not stretched by later ones.
        count(key, timeout=settings.LOGIN_IP_FAILURE_WINDOW)
    except CACHE_DOWN:
        logger.warning("login_throttle_cache_unavailable")


class LoginThrottleMiddleware:
    """Refuse log-in attempts (429, the locked-out page) from an address over its limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path == reverse("login")
            and address_is_throttled(request)
        ):
            logger.warning("login_throttled_address", extra={"ip": client_ip(request)})
            return render(request, "registration/locked_out.html", status=429)
        return self.get_response(request)
