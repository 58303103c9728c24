"""Log every sign-in, failed sign-in and sign-out as a structured event (for audits)."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from helsefellesskap.middleware import client_ip

logger = logging.getLogger("helsefellesskap.auth")


def _where(request) -> dict:
    if request is None:
        return {}
    return {"ip": client_ip(request), "request_id": getattr(request, "request_id", None)}


@receiver(user_logged_in, dispatch_uid="log_login")
def log_login(sender, request, user, **kwargs):
    logger.info(
        "login", extra={"user_id": user.pk, "username": user.get_username(), **_where(request)}
    )


@receiver(user_login_failed, dispatch_uid="log_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is kept.
    logger.warning(
        "login_failed", extra={"username": credentials.get("username", ""), **_where(request)}
    )


@receiver(user_logged_out, dispatch_uid="log_logout")
def log_logout(sender, request, user, **kwargs):
    logger.info("logout", extra={"user_id": getattr(user, "pk", None), **_where(request)})
