"""Which second factor verified this session, checked in the query that loads the user.

django-otp's OTPMiddleware loads the session's device with a query of its own on every request
of a logged-in user. PortalOTPMiddleware tells the log-in backend the session's device id before
the user is loaded, and the backend asks in the same query whether that device still exists,
belongs to the user and is confirmed (helsefellesskap/auth_backend.py). The device object itself
is loaded only when something uses it (the two-factor pages); is_verified() needs only the answer.
"""

import contextvars

from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

#: The user whose provider sign-in counted as the second factor (set by helsefellesskap/oidc.py).
PROVIDER_MFA_SESSION_KEY = "oidc_mfa_user"

#: The session's device persistent id while the request's user is being loaded.
_session_device = contextvars.ContextVar("session_otp_device", default=None)


def session_device_parts() -> tuple[str, int] | None:
    """(model label, id) of the session's device while the user is loaded, or None."""
    label, _, device_id = (_session_device.get() or "").rpartition("/")
    try:
        return (label, int(device_id)) if label else None
    except ValueError:
        return None


def session_device_filter(persistent_id: str | None):
    """Exists(the device with this persistent id, confirmed, of the outer user), or None
    without one (or for an id django-otp does not know)."""
    if not persistent_id:
        return None
    try:
        devices = Device._filter_persistent_id(persistent_id)
    except (ValueError, LookupError):  # a malformed id: django-otp's own lookup refuses it
        return None
    if devices is None:
        return None
    return Exists(devices.filter(user=OuterRef("pk"), confirmed=True))


class PortalOTPMiddleware(OTPMiddleware):
    def _verify_user_sync(self, request, user):
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if persistent_id:
            persistent_id = self._normalize_persistent_id(persistent_id)
        token = _session_device.set(persistent_id)
        try:
            authenticated = user.is_authenticated  # loads the user (lazy until now)
        finally:
            _session_device.reset(token)
        self._init_user_fields(user)
        if authenticated and request.session.get(PROVIDER_MFA_SESSION_KEY) == user.pk:
            # Signed in at an OpenID provider that asked for its own second factor (the amr/acr
            # policy, helsefellesskap/oidc.py): that is this session's second factor.
            user.is_verified = lambda: True
            return user
        if not authenticated or not persistent_id:
            return user
        verified = getattr(user, "_otp_device_ok", None)
        if verified is None:  # loaded by another backend: django-otp's own way
            user.otp_device = self._finalize_device(
                request, user, self._device_from_persistent_id(persistent_id)
            )
        elif verified:
            user.otp_device = SimpleLazyObject(lambda: Device.from_persistent_id(persistent_id))
        else:
            user.otp_device = None
            del request.session[DEVICE_ID_SESSION_KEY]
        return user
