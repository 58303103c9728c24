"""Pages for two-factor log-in: set up an authenticator app, give a code, manage recovery codes."""

import base64
import io
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from helsefellesskap.enrolment import enrolment_needs_link, enrolment_token_valid
from helsefellesskap.forms import TokenForm
from helsefellesskap.middleware import client_ip
from helsefellesskap.redirects import safe_next
from helsefellesskap.twofactor import has_two_factor, replace_recovery_codes, two_factor_mandatory

logger = logging.getLogger("helsefellesskap.auth")


def _next_url(request) -> str:
    """Where to go afterwards: the `next` parameter when it points into the portal."""
    return safe_next(request, reverse("home"))


def _log(event: str, request, **fields) -> None:
    level = logging.WARNING if event.endswith("failed") else logging.INFO
    logger.log(
        level,
        event,
        extra={"user_id": request.user.pk, "ip": client_ip(request), **fields},
    )


def _verify_first(request, then: str):
    """Give a code first, then come back to `then`."""
    return redirect(f"{reverse('two_factor:verify')}?{urlencode({'next': then})}")


def _qr_data_uri(text: str) -> str:
    """The QR code as an SVG data: URI (the Content Security Policy allows data: images)."""
    svg = io.BytesIO()
    write_qrcode_image(text, svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


@never_cache
@login_required
def overview(request):
    """Whether two-factor log-in is on, and what the user can do about it."""
    user = request.user
    return render(
        request,
        "two_factor/overview.html",
        {
            "has_two_factor": has_two_factor(user),
            "mandatory": two_factor_mandatory(user),
            "verified": user.is_verified(),
            "recovery_codes_left": StaticToken.objects.filter(device__user=user).count(),
        },
    )


@never_cache
@login_required
def setup(request):
    """Connect an authenticator app: scan the QR code, confirm with a code, get recovery codes."""
    user = request.user
    if has_two_factor(user):
        # Another app only after a code from the one the user has (none is added today).
        if not user.is_verified():
            return _verify_first(request, reverse("two_factor:setup"))
        return redirect("two_factor:overview")
    link = request.POST.get("link") or request.GET.get("link") or ""
    if enrolment_needs_link(user) and not enrolment_token_valid(user, link):
        # The password alone does not enrol a phone for an account that must have one.
        _log("two_factor_setup_refused", request, had_link=bool(link))
        return render(
            request,
            "two_factor/enrolment_link_needed.html",
            {"had_link": bool(link), "hours": settings.ENROLMENT_LINK_MAX_AGE // 3600},
            status=403 if request.method == "POST" else 200,
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = replace_recovery_codes(user)
            otp_login(request, device)
            _log("two_factor_enabled", request)
            return render(
                request,
                "two_factor/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        _log("two_factor_setup_failed", request)
        form.add_error(
            "token",
            _(
                "That code is not right. Check that the time on your phone is correct "
                "and try again."
            ),
        )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "two_factor/setup.html",
        {
            "form": form,
            "qr_code": _qr_data_uri(device.config_url),
            # Grouped in fours for typing into an app by hand.
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "mandatory": two_factor_mandatory(user),
            "next": _next_url(request),
            "link": link,
        },
    )


@never_cache
@login_required
def verify(request):
    """Give a code from the authenticator app (or a recovery code) to unlock edit pages."""
    user = request.user
    if not has_two_factor(user):
        return redirect(f"{reverse('two_factor:setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        token = form.cleaned_data["token"]
        for device in devices_for_user(user):
            if verify_token(user, device.persistent_id, token):
                otp_login(request, device)
                _log("two_factor_verified", request, device=type(device).__name__)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        _("You used a recovery code. %(left)d are left; make new ones soon.")
                        % {"left": left},
                    )
                return redirect(_next_url(request))
        _log("two_factor_failed", request)
        form.add_error(
            "token", _("That code is not right, or it has been used. Try the next code.")
        )
    return render(request, "two_factor/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_POST
@login_required
def new_recovery_codes(request):
    """Replace the recovery codes (after a code has been given in this session)."""
    if not request.user.is_verified():
        return _verify_first(request, reverse("two_factor:overview"))
    codes = replace_recovery_codes(request.user)
    _log("recovery_codes_replaced", request)
    return render(
        request,
        "two_factor/recovery_codes.html",
        {"codes": codes, "next": reverse("two_factor:overview")},
    )


@require_POST
@login_required
def disable(request):
    """Turn two-factor log-in off, for users who do not need it (after giving a code)."""
    if two_factor_mandatory(request.user):
        raise PermissionDenied
    if not request.user.is_verified():
        return _verify_first(request, reverse("two_factor:overview"))
    for device in devices_for_user(request.user, confirmed=None):
        device.delete()
    _log("two_factor_disabled", request)
    messages.success(request, _("Two-factor log-in is off."))
    return redirect("two_factor:overview")
