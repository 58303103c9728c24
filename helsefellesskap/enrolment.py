"""One-time links for the first enrolment of an account whose role needs an authenticator app.

Whoever has only the password must not be able to set up their own phone as a secretariat
account's second factor (issue 23, defect 5), so such an account sets up its first app only
through a link issued outside the log-in: `manage.py enrolment_link USERNAME`.

The link is signed (django.core.signing, its own salt), names one user, lasts
ENROLMENT_LINK_MAX_AGE seconds and is used once: it holds a digest of the account's password
hash and its confirmed devices, so it stops working as soon as an app is set up with it or the
password changes.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import devices_for_user

from helsefellesskap.twofactor import two_factor_mandatory

SALT = "helsefellesskap.enrolment-link"


def enrolment_needs_link(user) -> bool:
    """May this user set up a first app only through a link? (every role that must have one)"""
    return two_factor_mandatory(user)


def _account_state(user) -> str:
    devices = sorted(device.persistent_id for device in devices_for_user(user))
    return salted_hmac(SALT, f"{user.pk}|{user.password}|{','.join(devices)}").hexdigest()[:32]


def make_enrolment_token(user) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{user.pk}:{_account_state(user)}")


def enrolment_token_valid(user, token: str) -> bool:
    """Is this the user's own link, not expired, and not yet used?"""
    if not token:
        return False
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=settings.ENROLMENT_LINK_MAX_AGE
        )
    except signing.BadSignature:  # tampered, or expired (SignatureExpired)
        return False
    pk, _, state = value.partition(":")
    return pk == str(user.pk) and constant_time_compare(state, _account_state(user))


def enrolment_url(user) -> str:
    """The whole link, for an e-mail or to read out: the set-up page with the token."""
    query = urlencode({"link": make_enrolment_token(user)})
    return f"{settings.PORTAL_URL}{reverse('two_factor:setup')}?{query}"
