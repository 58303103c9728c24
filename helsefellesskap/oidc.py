"""Sign-in at an OpenID Connect provider (Entra ID, ID-porten, ...), built on mozilla-django-oidc.

mozilla-django-oidc and not django-allauth: the portal keeps its own log-in page, axes throttle,
TOTP and enrolment links, and needs only the relying party's code flow. allauth would bring a
second account system (its own log-in, sign-up, e-mail and MFA models and middleware) beside
ours. mozilla-django-oidc is small, does PKCE, state and nonce, and lets us subclass its views
and backend; what it lacks we add here: several providers, discovery, and checking the ID token's
issuer and audience (it checks only signature and expiry).

The flow: /accounts/oidc/<key>/login/ sends the browser to the provider with state, nonce and a
PKCE challenge kept in the session; the provider sends it back to /accounts/oidc/callback/,
where the state names the provider, the code is exchanged for tokens, the ID token is verified
(signature from the provider's JWKS, iss, aud, exp, nonce) and the person is found:
by a linked (issuer, sub), else by what an app registered (register_account_linker: the person
whose invitation link started this sign-in), else by a verified e-mail that matches exactly one
active user. An unknown person gets a new account with no role (reading only) and the
secretariat is told. Every refusal is logged (logger helsefellesskap.auth) and told to the
person; none signs in.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.core.mail import send_mail
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from helsefellesskap.models import OIDCIdentity
from helsefellesskap.otp_session import PROVIDER_MFA_SESSION_KEY
from helsefellesskap.secretariat import SECRETARIAT_GROUP

logger = logging.getLogger("helsefellesskap.auth")

#: Session keys: which provider each pending state belongs to; the provider and MFA of the
#: signed-in session.
STATE_PROVIDERS = "oidc_state_providers"
SESSION_PROVIDER = "oidc_provider"
SESSION_MFA = PROVIDER_MFA_SESSION_KEY
DISCOVERY_TTL = 60 * 60


class Refused(Exception):
    """A sign-in refused: `message` is for the person, `reason` for the log."""

    def __init__(self, message: str, reason: str):
        super().__init__(reason)
        self.message = message
        self.reason = reason


#: Who links a sign-in at a provider to an account the portal already has, when neither a linked
#: sub nor the e-mail finds one: functions (request) -> user or None, registered by the apps from
#: AppConfig.ready() (the people app: the person whose invitation link the session came from).
#: A function may raise Refused.
_account_linkers: list = []


def register_account_linker(fn) -> None:
    _account_linkers.append(fn)


def _linked_by_app(request):
    for fn in _account_linkers:
        user = fn(request)
        if user is not None:
            return user
    return None


def providers() -> dict:
    return settings.OIDC_PROVIDERS


def provider(key: str) -> dict:
    try:
        return providers()[key]
    except KeyError:
        raise Http404("No such sign-in provider") from None


def discovery(prov: dict) -> dict:
    """The provider's metadata (/.well-known/openid-configuration), cached for an hour. Its
    `issuer` must be the configured one (OpenID Connect Discovery 1.0, section 4.3)."""
    cache_key = f"oidc:discovery:{prov['issuer']}"
    meta = cache.get(cache_key)
    if meta is None:
        response = requests.get(
            prov["issuer"] + "/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        meta = response.json()
        if meta.get("issuer", "").rstrip("/") != prov["issuer"]:
            raise SuspiciousOperation("The provider's metadata names another issuer")
        cache.set(cache_key, meta, DISCOVERY_TTL)
    return meta


def _provider_setting(prov: dict, attr: str):
    """mozilla-django-oidc's per-provider settings, from the provider's config and metadata."""
    direct = {
        "OIDC_RP_CLIENT_ID": "client_id",
        "OIDC_RP_CLIENT_SECRET": "client_secret",
        "OIDC_RP_SCOPES": "scopes",
    }
    if attr in direct:
        return prov[direct[attr]]
    endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
        "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
        "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
        "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    }
    if attr in endpoints:
        return discovery(prov).get(endpoints[attr])
    return None


class LoginView(OIDCAuthenticationRequestView):
    """Start the sign-in at one provider (GET /accounts/oidc/<key>/login/?next=...)."""

    def __init__(self, *args, **kwargs):  # the provider is known only with the request
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get_settings(self, attr, *args):
        value = _provider_setting(self.provider, attr)
        if value is not None:
            return value
        return OIDCAuthenticationRequestView.get_settings(attr, *args)

    def get(self, request, key):
        self.provider = provider(key)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, SuspiciousOperation) as exc:
            logger.warning("oidc refused provider=%s reason=discovery failed: %s", key, exc)
            messages.error(
                request, _("Signing in with %(name)s is not available right now.") % self.provider
            )
            return HttpResponseRedirect(reverse("login"))
        self.OIDC_RP_CLIENT_ID = self.provider["client_id"]
        before = set(request.session.get("oidc_states", {}))
        response = super().get(request)
        new_states = set(request.session.get("oidc_states", {})) - before
        mapping = {
            state: key
            for state, key in request.session.get(STATE_PROVIDERS, {}).items()
            if state in request.session.get("oidc_states", {})
        }
        mapping.update(dict.fromkeys(new_states, key))
        request.session[STATE_PROVIDERS] = mapping
        return response


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back: check the state, let the backend verify, sign in."""

    def get_settings(self, attr, *args):
        return OIDCAuthenticationCallbackView.get_settings(attr, *args)

    def refuse(self, message: str, reason: str):
        logger.warning(
            "oidc refused provider=%s reason=%s",
            getattr(self.request, "oidc_provider", {}).get("key", "-"),
            reason,
        )
        # A session already signed in stays as it was: a forged callback must not log anyone out.
        messages.error(self.request, message)
        return HttpResponseRedirect(reverse("login"))

    def get(self, request):
        self.request = request
        state = request.GET.get("state", "")
        key = request.session.get(STATE_PROVIDERS, {}).get(state)
        known = state in request.session.get("oidc_states", {})
        if request.GET.get("error"):
            if known:
                del request.session["oidc_states"][state]
                request.session.modified = True
            return self.refuse(
                _("The sign-in was stopped at the provider. You are not signed in."),
                f"provider error {request.GET.get('error')!r}",
            )
        if not key or not known or key not in providers():
            return self.refuse(
                _(
                    "This sign-in link is not valid or has already been used. "
                    "Please start the sign-in again."
                ),
                "unknown or replayed state",
            )
        request.oidc_provider = providers()[key]
        try:
            response = super().get(request)
        except Refused as exc:
            return self.refuse(exc.message, exc.reason)
        except (requests.RequestException, ValueError) as exc:
            return self.refuse(
                _("The provider could not be reached. You are not signed in."),
                f"token exchange failed: {exc}",
            )
        except SuspiciousOperation as exc:
            return self.refuse(
                _("The sign-in could not be verified. You are not signed in."), str(exc)
            )
        return response

    def login_failure(self):
        refusal = getattr(self.request, "oidc_refusal", None)
        if refusal:
            return self.refuse(refusal.message, refusal.reason)
        if getattr(self, "user", None) is not None and not self.user.is_active:
            return self.refuse(
                _("This account has been deactivated. Ask the secretariat."), "deactivated user"
            )
        return self.refuse(_("The sign-in did not succeed. You are not signed in."), "failure")

    def login_success(self):
        prov = self.request.oidc_provider
        claims = getattr(self.request, "oidc_claims", {})
        # The session loads the user with the portal's backend, which reads the rights with it.
        self.user.backend = "helsefellesskap.auth_backend.PortalModelBackend"
        auth.login(self.request, self.user)
        self.request.session[SESSION_PROVIDER] = prov["key"]
        if mfa_satisfied(prov, claims):
            self.request.session[SESSION_MFA] = self.user.pk
        id_token = getattr(self.request, "oidc_id_token", None)
        if id_token:
            self.request.session["oidc_id_token"] = id_token
        logger.info(
            "oidc sign-in user=%s provider=%s mfa=%s",
            self.user.pk,
            prov["key"],
            self.request.session.get(SESSION_MFA) == self.user.pk,
        )
        return HttpResponseRedirect(self.success_url)


def mfa_satisfied(prov: dict, claims: dict) -> bool:
    """Does the ID token say the provider asked for a second factor (the amr/acr policy)?"""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(prov["mfa_amr"]):
        return True
    return bool(prov["mfa_acr"]) and claims.get("acr") in prov["mfa_acr"]


class OIDCBackend(OIDCAuthenticationBackend):
    """Answers only the provider's callback (request.oidc_provider set by CallbackView)."""

    def __init__(self, *args, **kwargs):  # settings are per provider, read in authenticate
        self.UserModel = get_user_model()

    def get_settings(self, attr, *args):
        prov = getattr(getattr(self, "request", None), "oidc_provider", None)
        if prov is not None:
            value = _provider_setting(prov, attr)
            if value is not None:
                return value
        return OIDCAuthenticationBackend.get_settings(attr, *args)

    def authenticate(self, request, **kwargs):
        prov = getattr(request, "oidc_provider", None)
        if prov is None or "code" not in request.GET:
            return None
        self.request = request
        self.provider = prov
        self.OIDC_OP_TOKEN_ENDPOINT = self.get_settings("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = self.get_settings("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = self.get_settings("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = prov["client_id"]
        self.OIDC_RP_CLIENT_SECRET = prov["client_secret"]
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """Signature, and what mozilla-django-oidc leaves out: issuer, audience, expiry."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.DecodeError:
            raise Refused(_invalid(), "ID token is not a JWT") from None
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise Refused(_invalid(), f"ID token alg {header.get('alg')!r}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.provider["client_id"],
                issuer=self.provider["issuer"],
                leeway=settings.OIDC_CLOCK_SKEW,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Refused(
                _("The sign-in took too long and has expired. Please try again."),
                "ID token expired",
            ) from None
        except jwt.InvalidAudienceError:
            raise Refused(_invalid(), "ID token for another audience") from None
        except jwt.InvalidIssuerError:
            raise Refused(_invalid(), "ID token from another issuer") from None
        except jwt.InvalidSignatureError:
            raise Refused(_invalid(), "ID token signature invalid") from None
        except jwt.InvalidTokenError as exc:
            raise Refused(_invalid(), f"ID token invalid: {exc}") from None

    def verify_token(self, token, **kwargs):
        if self.get_settings("OIDC_USE_NONCE", True):
            nonce = kwargs.get("nonce")
            try:
                claimed = jwt.decode(token, options={"verify_signature": False}).get("nonce")
            except jwt.InvalidTokenError:
                claimed = None
            if not nonce or claimed != nonce:
                # Checked after the signature below too; first so a bad nonce is named.
                self.verify_signature_only(token)
                raise Refused(_invalid(), "nonce missing or wrong")
        payload = super().verify_token(token, **kwargs)
        self.request.oidc_claims = payload
        self.request.oidc_id_token = token
        return payload

    def verify_signature_only(self, token):
        key = self.retrieve_matching_jwk(token)
        self._verify_jws(token, key)

    def store_tokens(self, access_token, id_token):
        pass  # the callback keeps the ID token for the log-out at the provider

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint where the provider has one
        (its `sub` must be the ID token's)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise Refused(_invalid(), "userinfo sub differs from the ID token's")
            claims.update({k: v for k, v in info.items() if k not in ("iss", "aud", "nonce")})
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        self.request.oidc_claims = {**payload, **claims}
        issuer, subject = self.provider["issuer"], str(payload["sub"])
        identity = (
            OIDCIdentity.objects.select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is not None:
            user = identity.user
        else:
            user = _linked_by_app(self.request) or self._match_by_email(claims)
        if not user.is_active:
            raise Refused(
                _("This account has been deactivated. Ask the secretariat."), "deactivated user"
            )
        if identity is None:
            identity = OIDCIdentity.objects.create(
                user=user, issuer=issuer, subject=subject, provider=self.provider["key"]
            )
        OIDCIdentity.objects.filter(pk=identity.pk).update(last_used_at=timezone.now())
        return user

    def _match_by_email(self, claims):
        email = (claims.get("email") or "").strip()
        claim = self.provider["email_verified_claim"]
        verified = bool(claim) and claims.get(claim) in (True, "true", "True", "1", 1)
        if not email or not verified:
            raise Refused(
                _(
                    "The provider did not confirm your e-mail address, so the portal cannot "
                    "tell who you are. Ask the secretariat for an invitation."
                ),
                "no verified e-mail",
            )
        users = list(self.UserModel.objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise Refused(
                _(
                    "More than one account has this e-mail address. Ask the secretariat to "
                    "sort it out."
                ),
                "e-mail matches several users",
            )
        if users:
            return users[0]
        return self._create_reader(claims, email)

    def _create_reader(self, claims, email):
        """A first sign-in of someone the portal does not know: an account that may only read,
        and a note to the secretariat, who decide what role (if any) it gets."""
        User = self.UserModel
        base = email.split("@")[0][:100] or "user"
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}{n}"
        user = User.objects.create_user(
            username,
            email=email,
            first_name=(claims.get("given_name") or "")[:150],
            last_name=(claims.get("family_name") or "")[:150],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        logger.info("oidc new reader user=%s provider=%s", user.pk, self.provider["key"])
        tell_secretariat_of_new_reader(user, self.provider)
        return user


def _invalid() -> str:
    return _("The sign-in could not be verified. You are not signed in.")


def tell_secretariat_of_new_reader(user, prov) -> None:
    group = Group.objects.filter(name=SECRETARIAT_GROUP).first()
    recipients = (
        list(
            group.user_set.filter(is_active=True).exclude(email="").values_list("email", flat=True)
        )
        if group
        else []
    )
    if not recipients:
        return
    subject = _("New person signed in: %(email)s") % {"email": user.email}
    body = _(
        "%(name)s (%(email)s) signed in for the first time with %(provider)s. The account may "
        "only read the portal until you give it a role."
    ) % {
        "name": user.get_full_name() or user.username,
        "email": user.email,
        "provider": prov["name"],
    }
    try:  # the people pages, where the secretariat gives roles (named, not imported)
        page = settings.PORTAL_URL + reverse("people:person", args=[user.pk])
    except NoReverseMatch:
        page = None
    if page:
        body += "\n\n" + _("Give them a role here: %(url)s") % {"url": page}
    send_mail(subject, body, None, recipients, fail_silently=True)


def logout_url(request) -> str | None:
    """Where to log out at the provider the session signed in with (RP-initiated log-out), or
    None for a local session. Read before the session is flushed."""
    key = request.session.get(SESSION_PROVIDER)
    prov = providers().get(key) if key else None
    if prov is None:
        return None
    try:
        end = discovery(prov).get("end_session_endpoint")
    except (requests.RequestException, ValueError, SuspiciousOperation):
        return None
    if not end:
        return None
    params = {
        "client_id": prov["client_id"],
        "post_logout_redirect_uri": absolutify(request, resolve_url(settings.LOGOUT_REDIRECT_URL)),
    }
    if request.session.get("oidc_id_token"):
        params["id_token_hint"] = request.session["oidc_id_token"]
    return f"{end}?{urlencode(params)}"


class PortalLoginView(auth_views.LoginView):
    """The local log-in page, with a button per configured provider."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_providers"] = list(providers().values())
        return context


class PortalLogoutView(auth_views.LogoutView):
    """Log out here, and at the provider when the session was signed in there."""

    def post(self, request, *args, **kwargs):
        at_provider = logout_url(request)
        response = super().post(request, *args, **kwargs)
        if at_provider:
            logger.info("oidc log-out at the provider")
            return HttpResponseRedirect(at_provider)
        return response
