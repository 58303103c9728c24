"""Settings for the portal, driven by the environment.

With no environment at all the portal runs on SQLite with tasks run in-process, so a fresh
checkout needs no services. PostgreSQL, Redis and a Celery worker are used when configured.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean from the environment ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read an integer from the environment."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DEBUG", default=False)
# Production is declared, not guessed: an explicit DEBUG=0 (as .env.example sets) turns on the
# secure defaults below. With DEBUG unset (tests, a fresh checkout) they stay off, so the test
# client and a local server work over plain HTTP. `check --deploy` catches a forgotten DEBUG=0,
# and the container runs that check before it starts.
PRODUCTION = "DEBUG" in os.environ and not DEBUG

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")
    # For development and tests only.
    SECRET_KEY = "insecure-development-key-only-for-local-use"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The open-data API (helsefellesskap/api.py); installed for its Swagger UI static files.
    "ninja",
    "corsheaders",
    "helsefellesskap",
    "actionplan",
    "meetings",
    "guidelines",
    "actionplan.people",
    # Django's own widget templates, for the one form renderer below.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Permissions-Policy on every response, static files and error pages too.
    "helsefellesskap.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every request past the static files is logged with its outcome, timing and an id.
    "helsefellesskap.middleware.RequestLogMiddleware",
    # A database outage answers 503 with a friendly page instead of a 500.
    "helsefellesskap.middleware.DatabaseUnavailableMiddleware",
    # CORS headers on the open-data API's answers (GET only), its 429s included.
    "corsheaders.middleware.CorsMiddleware",
    # Anonymous requests to the open-data API per address (api_throttle.py), answers from the
    # page cache below included.
    "helsefellesskap.api_throttle.ApiRateLimitMiddleware",
    # Anonymous visitors get opted-in pages (overview, plan table) whole from the cache, past
    # everything below; hits are still logged above (helsefellesskap/page_cache.py).
    "helsefellesskap.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has the user given a second factor in this session?
    # (django-otp's OTPMiddleware, the device checked in the query that loads the user)
    "helsefellesskap.otp_session.PortalOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Many failed log-ins from one address, whatever the usernames (login_throttle.py).
    "helsefellesskap.login_throttle.LoginThrottleMiddleware",
    "helsefellesskap.twofactor.TwoFactorMiddleware",
]

ROOT_URLCONF = "helsefellesskap.urls"
WSGI_APPLICATION = "helsefellesskap.wsgi.application"

# One form renderer for every form: `{{ form }}` is the accessible error summary followed by
# each field with its label, help text and error (templates/includes/_form_fields.html).
FORM_RENDERER = "helsefellesskap.forms.PortalFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actionplan.context_processors.portal",
            ],
        },
    },
]

# --- Database: PostgreSQL when DATABASE_URL is set, otherwise a local SQLite file.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading the secretariat membership with the user (one query less a page).
    "helsefellesskap.auth_backend.PortalModelBackend",
    # Sign-in at an OpenID provider (only answers the provider's callback).
    "helsefellesskap.oidc.OIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# After log-in: editors land on their committees, the secretariat on the revision board.
LOGIN_REDIRECT_URL = "actionplan:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): lock a username+address after repeated failures. The pair,
# not the username alone (an attacker elsewhere could lock a real user out) nor the address
# alone (a municipality's staff share one address). One address trying many usernames meets
# LOGIN_IP_FAILURE_LIMIT instead (helsefellesskap/login_throttle.py, docs/security.md).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Records of log-ins and failed log-ins (django-axes) are personal data: pruned daily after this
# many days (helsefellesskap/tasks.py), as the privacy page says.
LOGIN_RECORD_RETENTION_DAYS = env_int("LOGIN_RECORD_RETENTION_DAYS", 90)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 30)
LOGIN_IP_FAILURE_WINDOW = int(AXES_COOLOFF_TIME * 60 * 60)  # seconds
# Behind reverse proxies the client's address is in X-Forwarded-For: TRUSTED_PROXY_COUNT says
# how many proxies append to it, so a client cannot claim another address. Throttling and the
# logs use the same address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "helsefellesskap.middleware.client_ip"

# The open-data API (/api/, helsefellesskap/api.py): anonymous requests per address and window
# (api_throttle.py), and CORS for reading it from any site's pages (no cookies are sent).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 300)
API_RATE_WINDOW = env_int("API_RATE_WINDOW", 60)  # seconds
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After")
# The open-data catalogue (/api/dcat.ttl): the data set's licence, publisher and contact point.
OPEN_DATA_LICENSE = os.environ.get("OPEN_DATA_LICENSE", "https://data.norge.no/nlod/no/2.0")
OPEN_DATA_PUBLISHER_NAME = os.environ.get(
    "OPEN_DATA_PUBLISHER_NAME", "Helsefellesskap Møre og Romsdal"
)
# The publisher's organisation number (Enhetsregisteret) makes its data.norge.no address.
OPEN_DATA_PUBLISHER_ORGNR = os.environ.get("OPEN_DATA_PUBLISHER_ORGNR", "")
OPEN_DATA_CONTACT_EMAIL = os.environ.get("OPEN_DATA_CONTACT_EMAIL", "")

# Two-factor log-in (helsefellesskap/twofactor.py). Whoever has an app gives its code before
# any write or edit page, enforced or not. Enforcement decides who must have one: enforced
# (production's default), a user whose role needs an app and has none uses no page outside the
# exempt ones (log-in, the code pages, language) until one is set up; not enforced, only the
# protected paths (the admin) and views decorated with two_factor_required send them there.
OTP_TOTP_ISSUER = "Helsefellesskap Møre og Romsdal"
TWO_FACTOR_ENFORCED = env_bool("TWO_FACTOR_ENFORCED", default=PRODUCTION)
TWO_FACTOR_PROTECTED_PATHS = ["/admin/"]
# The code pages under /accounts/two-factor/ check the second factor themselves (setting up an
# app, replacing or removing it); the password change is not exempt (issue 23, defect 5).
TWO_FACTOR_EXEMPT_PATHS = [
    "/admin/logout/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/oidc/",
    "/accounts/password_reset/",
    "/accounts/reset/",
    "/accounts/two-factor/",
    "/i18n/",
    "/healthz",
    "/static/",
]
RECOVERY_CODE_COUNT = 10
# How long a one-time link for a first enrolment lasts (helsefellesskap/enrolment.py).
ENROLMENT_LINK_MAX_AGE = env_int("ENROLMENT_LINK_MAX_AGE", 72 * 60 * 60)
# Seconds an invitation to the portal (people/services.py) may be used, once (default 7 days).
INVITATION_MAX_AGE = env_int("INVITATION_MAX_AGE", 7 * 24 * 60 * 60)


# --- Sign-in with OpenID Connect (helsefellesskap/oidc.py, docs/oidc.md). None configured: only
# the local log-in, nothing else changes. OIDC_PROVIDERS names the providers ("entra,idporten");
# each KEY reads OIDC_<KEY>_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _NAME (the button's text) and
# optionally _SCOPES, _EMAIL_VERIFIED_CLAIM (the claim that vouches for the e-mail; empty: none
# does, so only a linked `sub` signs in), _MFA_AMR and _MFA_ACR (comma lists: an ID token whose
# amr holds one of the values, or whose acr is one of them, counts as the second factor).
def _oidc_provider(key: str) -> dict:
    prefix = f"OIDC_{key.upper()}_"
    for needed in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET"):
        if not os.environ.get(prefix + needed):
            raise ImproperlyConfigured(f"OIDC_PROVIDERS names {key!r}: {prefix}{needed} is empty")
    return {
        "key": key,
        "issuer": os.environ.get(prefix + "ISSUER", "").rstrip("/"),
        "client_id": os.environ.get(prefix + "CLIENT_ID", ""),
        "client_secret": os.environ.get(prefix + "CLIENT_SECRET", ""),
        "name": os.environ.get(prefix + "NAME", key),
        "scopes": os.environ.get(prefix + "SCOPES", "openid email profile"),
        "email_verified_claim": os.environ.get(prefix + "EMAIL_VERIFIED_CLAIM", "email_verified"),
        "mfa_amr": env_list(prefix + "MFA_AMR", "mfa,hwk,swk,otp,fpt,face,sms"),
        "mfa_acr": env_list(prefix + "MFA_ACR", ""),
    }


OIDC_PROVIDERS = {key: _oidc_provider(key) for key in env_list("OIDC_PROVIDERS")}
# mozilla-django-oidc's own settings; the per-provider ones are given by helsefellesskap/oidc.py.
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_STORE_ID_TOKEN = True  # the hint for the log-out at the provider
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
OIDC_CALLBACK_CLASS = "helsefellesskap.oidc.CallbackView"
# Seconds of clock difference allowed when checking an ID token's expiry.
OIDC_CLOCK_SKEW = env_int("OIDC_CLOCK_SKEW", 30)

# --- Security. Production defaults are secure; each can be changed through the environment.
# Sessions suit shared office computers: a working day at most, gone when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Read from the cache, kept in the database; the cache being down costs a query, nothing else
# (helsefellesskap/sessions.py says why not signed cookies).
SESSION_ENGINE = "helsefellesskap.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# The container health check calls /healthz over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
# The header alone enrols nothing: a domain enters browsers' preload lists only when submitted.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
# Behind a TLS-terminating proxy: "HTTP_X_FORWARDED_PROTO,https". Only set it when the proxy
# overwrites that header, or a client could claim HTTPS.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if len(_proxy_ssl_header) == 2 else None
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses: none may be asked for (helsefellesskap.middleware).
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}

# Content Security Policy (django-csp 4): our own files only, no inline script or style;
# JavaScript lives in static files. data: images are for small inline icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Language: nynorsk first, bokmål and English selectable.
LANGUAGE_CODE = "nn"
LANGUAGES = [
    ("nn", _("Nynorsk")),
    ("nb", _("Bokmål")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language chosen with the switcher is remembered for a year (Django's default cookie ends
# with the browser session); without it the browser's Accept-Language decides.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The real plan and other seed data (see fixtures/README.md).
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Long PDFs (the annual report) are laid out as parts in this many processes (default: one per
# core) and each part is kept here, under a hash of its HTML, to be reused while it is unchanged.
PDF_RENDER_WORKERS = int(os.environ.get("PDF_RENDER_WORKERS", "0")) or None
PDF_PART_CACHE_DIR = Path(os.environ.get("PDF_PART_CACHE_DIR", MEDIA_ROOT / "pdf-parts"))
# At most this many parts are kept (the least recently used go first), besides the 30 days.
PDF_PART_CACHE_MAX_ENTRIES = int(os.environ.get("PDF_PART_CACHE_MAX_ENTRIES", "2000"))
# A plan document (.docx) uploaded for import waits here, under a random name, between its
# preview and "apply"; never served (outside MEDIA_ROOT). The import reads at most this much.
PLAN_IMPORT_DIR = Path(os.environ.get("PLAN_IMPORT_DIR", BASE_DIR / "private" / "plan-imports"))
PLAN_DOCX_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Uploaded and rendered files (attachments, reports, minutes): the MEDIA_ROOT folder by default;
# with STORAGE_BACKEND=s3, a private bucket of an S3-compatible object storage that every web and
# worker host shares. Files are only ever served by the portal's views after their permission
# check (streamed), never by a bucket URL; an object appears whole or not at all (a PUT is atomic).
STORAGE_BACKEND = (os.environ.get("STORAGE_BACKEND") or "local").strip().lower()
if STORAGE_BACKEND not in {"local", "s3"}:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'.")
DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_BACKEND == "s3":
    from botocore.config import Config as S3ClientConfig

    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            # Private objects: no public-read ACL, and a name is never reused for other bytes.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
            # An unreachable endpoint fails an upload within seconds (a clear message, nothing
            # saved), well inside gunicorn's timeout, instead of botocore's 60 s defaults.
            "client_config": S3ClientConfig(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
            ),
        },
    }
    if not DEFAULT_STORAGE["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET.")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The laid-out PDF parts (helsefellesskap/pdf_parts.py): with STORAGE_BACKEND=s3 in the same
# bucket under pdf-parts/, shared by every worker host; otherwise PDF_PART_CACHE_DIR. A part's
# name is the hash of its content's source, so writing it again writes the same part.
PDF_PART_STORAGE = None
if STORAGE_BACKEND == "s3":
    STORAGES["pdf_parts"] = {
        "BACKEND": DEFAULT_STORAGE["BACKEND"],
        "OPTIONS": {**DEFAULT_STORAGE["OPTIONS"], "location": "pdf-parts", "file_overwrite": True},
    }
    PDF_PART_STORAGE = "pdf_parts"

# Files attached to meetings (slides, PDF): larger uploads are refused with a message.
MEETING_ATTACHMENT_MAX_BYTES = int(os.environ.get("MEETING_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (reminders to committees).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
# Where users write about the portal (accessibility, privacy); shown on those pages when set.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@helsefellesskap.local")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The portal's public address, for links in e-mails sent without a request (Celery tasks).
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Celery: Redis broker when configured; otherwise tasks run in-process, eagerly.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
# Tasks record their outcome on the rows they work on and nobody waits for a Celery result.
# Storing none also keeps enqueueing off the result store: with Redis down, asking for a report
# otherwise waited about 19 s for the result store's reconnect retries before giving up.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Rendered files (the annual report, minutes): Celery stops a render at the soft limit (the
# job is marked failed with that reason) and kills it at the hard one (the stuck rule applies).
RENDER_SOFT_TIME_LIMIT = int(os.environ.get("RENDER_SOFT_TIME_LIMIT", "600"))
RENDER_HARD_TIME_LIMIT = int(os.environ.get("RENDER_HARD_TIME_LIMIT", "660"))

# The cache may be evicted, the broker never: in production each is its own Redis (docker-compose:
# `redis-cache` with maxmemory and allkeys-lru, `redis-broker` with noeviction). Both default
# to REDIS_URL.
CACHE_URL = os.environ.get("CACHE_URL", REDIS_URL)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    )
}
# The largest anonymous page copy kept (compressed bytes; the plan table takes about 25 KB).
PAGE_CACHE_MAX_ENTRY_BYTES = int(os.environ.get("PAGE_CACHE_MAX_ENTRY_BYTES", 256 * 1024))
# What all copies of pages with a query string may take together (helsefellesskap/page_cache.py
# `within_budget`), whatever the cache server's maxmemory: about 2 500 plan tables.
PAGE_CACHE_BUDGET_BYTES = int(os.environ.get("PAGE_CACHE_BUDGET_BYTES", 64 * 1024 * 1024))

# --- Logging: one JSON object a line in production (for the log collector), plain text in
# development. Events carry their fields as `extra=` (see helsefellesskap/logging.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "helsefellesskap.logging.PlainFormatter"},
        "json": {"()": "helsefellesskap.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # Our request log replaces Django's and runserver's per-request lines.
        "django.server": {"level": "ERROR"},
    },
}

# How long /healthz waits for the broker before calling it down (seconds).
HEALTHZ_BROKER_TIMEOUT = float(os.environ.get("HEALTHZ_BROKER_TIMEOUT", "2"))

DJANGO_TABLES2_TEMPLATE = "includes/table.html"

# --- Guidelines: attachment size limit and review reminders.
GUIDELINE_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("GUIDELINE_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
)
# A guideline past its review date is reminded about again after this many days (never twice
# on one day).
GUIDELINE_REVIEW_REMINDER_INTERVAL_DAYS = int(
    os.environ.get("GUIDELINE_REVIEW_REMINDER_INTERVAL_DAYS", "7")
)
# --- Revision reminders: the open revision year's editors are e-mailed the measures still
# without a status, a first time this many days before the deadline and a last time this many.
REMINDER_FIRST_DAYS_BEFORE = int(os.environ.get("REMINDER_FIRST_DAYS_BEFORE", "14"))
REMINDER_LAST_DAYS_BEFORE = int(os.environ.get("REMINDER_LAST_DAYS_BEFORE", "2"))

CELERY_BEAT_SCHEDULE = {
    "guideline-review-reminders": {
        "task": "guidelines.tasks.send_review_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "revision-reminders": {
        "task": "actionplan.tasks.send_revision_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    # Daily and weekly digests of what people follow: each run sends the newest ended window
    # (a weekly one on Mondays, or the first run after); a second run sends nothing twice.
    "follow-digests": {
        "task": "helsefellesskap.tasks.send_digests",
        "schedule": crontab(hour=6, minute=30),
    },
    "prune-personal-data": {
        "task": "helsefellesskap.tasks.prune_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
}
