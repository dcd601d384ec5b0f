"""Settings for gridgov, read from the environment.

Every value that changes between machines comes from an environment variable; the helpers
below reject values they cannot parse instead of silently falling back.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gridgov.core.lib.worktime import DEFAULT_WORK_HOURS, parse_work_hours

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GRIDGOV_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    """Comma-separated values, blanks dropped."""
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL; a Leaflet "{s}" subdomain becomes a CSP wildcard."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def _secret_from_file(name: str) -> str:
    """A per-installation secret kept under var/, created on first use.

    Production sets the environment variable instead; this keeps `make demo` a one-liner
    without a secret committed to the repository.
    """
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("GRIDGOV_DEBUG", False)
TESTING = env_bool("GRIDGOV_TESTING", False)
SECRET_KEY = os.environ.get("GRIDGOV_SECRET_KEY") or _secret_from_file("secret_key")
# Keys for personal data (ID numbers, phones): comma-separated, newest first. The first
# encrypts; all decrypt. See docs/adr/0005-personal-data.md for rotation.
FIELD_ENCRYPTION_KEYS = [
    k.strip()
    for k in (os.environ.get("GRIDGOV_FIELD_KEYS") or _secret_from_file("field_key")).split(",")
    if k.strip()
]
# The secret of the lookup hashes (search and uniqueness by ID number and phone). Empty: the
# oldest of FIELD_ENCRYPTION_KEYS, as before this setting existed. Pin it before removing
# that secret, or every lookup breaks; changing it means `gridgov rotate_keys --rehash`.
FIELD_LOOKUP_KEY = os.environ.get("GRIDGOV_LOOKUP_KEY", "").strip()
if "," in FIELD_LOOKUP_KEY:
    raise ImproperlyConfigured("GRIDGOV_LOOKUP_KEY is one secret, without commas")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("GRIDGOV_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
if TESTING:
    ALLOWED_HOSTS.append("testserver")

INSTALLED_APPS = [
    "gridgov.accounts.apps.GuardedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "gridgov.core",
    "gridgov.accounts",
    "gridgov.grids",
    "gridgov.registry",
    "gridgov.teams",
    "gridgov.cases",
    "gridgov.party",
    "gridgov.notices",
    "gridgov.intake",
    "gridgov.visits",
    "gridgov.assessment",
    "gridgov.meetings",
    "gridgov.inspections",
    "gridgov.safety",
    "gridgov.moralbank",
    "gridgov.web",
    "gridgov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridgov.web.middleware.ChosenLanguageMiddleware",
    # Bodies the API cannot read answer in JSON, before any view reads them (after the
    # language is chosen: the message is in the person's language).
    "gridgov.core.api_bodies.ApiBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gridgov.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gridgov.web.context.site",
                "gridgov.notices.context.unread",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_db)}
# Persistent connections: opening one per request (Django's default) costs more than the
# request itself on the API's hot paths (a PostgreSQL handshake; SQLite's pragmas and the
# functions Django registers on each connection). A broken connection is noticed before
# the request that would use it (health checks), not during it.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("GRIDGOV_DB_CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The hot paths' statements (core.rows.cursor) bind on the server and are prepared from
    # their fifth run on a connection (ADR 0031). 0 turns preparing off, for a pooler in
    # transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
    _prepare = env_int("GRIDGOV_DB_PREPARE_THRESHOLD", 5)
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = _prepare or None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE avoids the upgrade deadlock
    # when two processes both start a read transaction and then try to write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
            " PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "grids:home"
LOGOUT_REDIRECT_URL = "login"
# Passwords (MLPS 2.0 level 3): long, not like the username, not only digits, not common,
# several kinds of character. Checked when a password is set (own page, admin), not at login.
PASSWORD_MIN_LENGTH = env_int("GRIDGOV_PASSWORD_MIN_LENGTH", 12)
PASSWORD_MIN_CLASSES = env_int("GRIDGOV_PASSWORD_MIN_CLASSES", 3)
if not 8 <= PASSWORD_MIN_LENGTH <= 128 or not 1 <= PASSWORD_MIN_CLASSES <= 4:
    raise ImproperlyConfigured(
        "GRIDGOV_PASSWORD_MIN_LENGTH must be 8–128 and GRIDGOV_PASSWORD_MIN_CLASSES 1–4"
    )
_validation = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _validation + "UserAttributeSimilarityValidator"},
    {
        "NAME": _validation + "MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": _validation + "CommonPasswordValidator"},
    {"NAME": _validation + "NumericPasswordValidator"},
    {
        "NAME": "gridgov.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
]
# Failed logins (docs/adr/0012-login-security.md): past this many failures within the window
# an account, or a client address, is refused until the window has passed.
LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("GRIDGOV_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("GRIDGOV_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
LOGIN_LOCKOUT_MINUTES = env_int("GRIDGOV_LOGIN_LOCKOUT_MINUTES", 15)
if min(LOGIN_MAX_FAILURES_PER_ACCOUNT, LOGIN_MAX_FAILURES_PER_ADDRESS, LOGIN_LOCKOUT_MINUTES) < 1:
    raise ImproperlyConfigured("GRIDGOV_LOGIN_* limits must be at least 1")
# The header the reverse proxy puts the client's address in (e.g. X-Real-IP); empty: the
# address of the connection. Set it only behind a proxy that overwrites the header.
CLIENT_ADDRESS_HEADER = os.environ.get("GRIDGOV_CLIENT_ADDRESS_HEADER", "").strip()
# Sessions: a working day at most, and ended after this long without a request.
SESSION_COOKIE_AGE = env_int("GRIDGOV_SESSION_HOURS", 10) * 3600
SESSION_IDLE_SECONDS = env_int("GRIDGOV_SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if SESSION_COOKIE_AGE < 3600 or SESSION_IDLE_SECONDS < 60:
    raise ImproperlyConfigured("GRIDGOV_SESSION_HOURS >= 1 and GRIDGOV_SESSION_IDLE_MINUTES >= 1")
# Two factors (TOTP + recovery codes) for superusers, staff and whoever holds a right below
# anywhere. Not an environment setting: production cannot switch it off. The tests turn it
# on where they test it, so that the rest can log the cast in with one call.
TWO_FACTOR_ENFORCED = not TESTING
TWO_FACTOR_RIGHTS = ("grids.change", "personal.reveal", "teams.change")
OTP_TOTP_ISSUER = "gridgov"
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gridgov" / "locale"]
TIME_ZONE = os.environ.get("GRIDGOV_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Working hours for deadlines in working time (ADR 0016): periods of every working day.
WORK_HOURS = os.environ.get("GRIDGOV_WORK_HOURS", "").strip() or DEFAULT_WORK_HOURS
try:
    parse_work_hours(WORK_HOURS)
except ValueError as e:
    raise ImproperlyConfigured(
        f"GRIDGOV_WORK_HOURS must be periods like 08:30-12:00,14:30-18:00: {e}"
    ) from None

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
# `gridgov serve` runs collectstatic at each start: hashed, compressed files that browsers
# cache for good (slow county links). Tests and DEBUG render plain names. Files not
# collected (another server started without it) fall back to their plain names, which
# whitenoise still serves straight from the app folders (docs/adr/0010-web-server.md).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "gridgov.web.storage.StaticStorage"
        )
    },
}
# Uploaded files (staff photos) for the default storage. Never served as a folder: each file
# goes out through a view that checks it may be shown (teams.views_board.photo).
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# The address residents reach the site at (https://host), for QR codes on printed notice
# boards; empty: the host of the request that printed them.
GRIDGOV_PUBLIC_URL = os.environ.get("GRIDGOV_PUBLIC_URL", "").strip().rstrip("/")
if GRIDGOV_PUBLIC_URL and _origin(GRIDGOV_PUBLIC_URL) != GRIDGOV_PUBLIC_URL:
    raise ImproperlyConfigured("GRIDGOV_PUBLIC_URL must be scheme://host[:port], no path")
WHITENOISE_MANIFEST_STRICT = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Map tiles: empty means no base layer (offline networks); polygons still draw.
GRIDGOV_TILE_URL = os.environ.get("GRIDGOV_TILE_URL", "")
GRIDGOV_TILE_ATTRIBUTION = os.environ.get("GRIDGOV_TILE_ATTRIBUTION", "")

# R-GRID-4: households per comprehensive grid (plan 4: 300–500).
GRID_HOUSEHOLDS_MIN = env_int("GRIDGOV_GRID_HOUSEHOLDS_MIN", 300)
GRID_HOUSEHOLDS_MAX = env_int("GRIDGOV_GRID_HOUSEHOLDS_MAX", 500)
if not 0 < GRID_HOUSEHOLDS_MIN <= GRID_HOUSEHOLDS_MAX:
    raise ImproperlyConfigured("GRIDGOV_GRID_HOUSEHOLDS_MIN must be > 0 and <= ..._MAX")
# Plan 1: one party central household (黨員中心戶) per 10–15 households (party.pyramid).
PARTY_HOUSEHOLDS_PER_CENTRAL_MIN = env_int("GRIDGOV_PARTY_HOUSEHOLDS_PER_CENTRAL_MIN", 10)
PARTY_HOUSEHOLDS_PER_CENTRAL_MAX = env_int("GRIDGOV_PARTY_HOUSEHOLDS_PER_CENTRAL_MAX", 15)
if not 0 < PARTY_HOUSEHOLDS_PER_CENTRAL_MIN <= PARTY_HOUSEHOLDS_PER_CENTRAL_MAX:
    raise ImproperlyConfigured(
        "GRIDGOV_PARTY_HOUSEHOLDS_PER_CENTRAL_MIN must be > 0 and <= ..._MAX"
    )
# How far (metres) a child boundary may stray outside its parent, and the smallest
# gap/overlap (square metres) the coverage report lists: digitising noise below it.
GRID_BOUNDARY_TOLERANCE_M = env_float("GRIDGOV_GRID_BOUNDARY_TOLERANCE_M", 5.0)
GRID_COVERAGE_MIN_AREA_M2 = env_float("GRIDGOV_GRID_COVERAGE_MIN_AREA_M2", 1.0)
# ... and the smallest mean width (metres): thinner patches are slivers of rounding.
GRID_COVERAGE_MIN_WIDTH_M = env_float("GRIDGOV_GRID_COVERAGE_MIN_WIDTH_M", 0.5)

# Cases: the yellow warning comes when this share of a stage's time limit has passed.
CASE_WARN_SHARE = env_float("GRIDGOV_CASE_WARN_SHARE", 0.8)
if not 0 < CASE_WARN_SHARE < 1:
    raise ImproperlyConfigured("GRIDGOV_CASE_WARN_SHARE must be between 0 and 1")
# Open311 and public intake (ADR 0018): a report this near (metres) and this recent (hours)
# to an open case of the same category is shown as a likely duplicate; reports per client
# address and hour on the public page (0 closes it); the major classes (two-digit category
# codes) whose cases GET /open311/v2/requests shows (public-space problems, not disputes
# or people).
DUPLICATE_METRES = env_float("GRIDGOV_DUPLICATE_METRES", 50.0)
DUPLICATE_HOURS = env_float("GRIDGOV_DUPLICATE_HOURS", 72.0)
PUBLIC_REPORTS_PER_HOUR = env_int("GRIDGOV_PUBLIC_REPORTS_PER_HOUR", 5)
OPEN311_PUBLIC_CLASSES = env_list("GRIDGOV_OPEN311_PUBLIC_CLASSES", "01,02,03,04,05,06")
if not (0 < DUPLICATE_METRES <= 5000 and 0 < DUPLICATE_HOURS <= 24 * 365):
    raise ImproperlyConfigured(
        "GRIDGOV_DUPLICATE_METRES must be 0–5000 and GRIDGOV_DUPLICATE_HOURS 0–8760"
    )
if PUBLIC_REPORTS_PER_HOUR < 0:
    raise ImproperlyConfigured("GRIDGOV_PUBLIC_REPORTS_PER_HOUR must be 0 or more")

# Background tasks (ADR 0008): empty = SQLite queue in var/; "redis://host:6379/0" for
# several machines (install the `redis` package).
GRIDGOV_TASKS_URL = os.environ.get("GRIDGOV_TASKS_URL", "")

# Notices (docs/adr/0017-notifications.md): the channels (dotted paths of
# notices.channels.Channel subclasses; a deployment may add its own) and the retries of those
# that send: attempt n+1 waits 2^(n-1) minutes, the notice fails after the last.
NOTICE_CHANNELS = env_list(
    "GRIDGOV_NOTICE_CHANNELS",
    "gridgov.notices.channels.InApp,gridgov.notices.channels.Email,"
    "gridgov.notices.channels.Webhook",
)
NOTICE_MAX_ATTEMPTS = env_int("GRIDGOV_NOTICE_MAX_ATTEMPTS", 6)
# A signed JSON POST per notice, for an adapter to enterprise WeChat, DingTalk or SMS; empty:
# no webhook. Unsigned webhooks are refused: the secret is required with the URL.
NOTICE_WEBHOOK_URL = os.environ.get("GRIDGOV_NOTICE_WEBHOOK_URL", "").strip()
NOTICE_WEBHOOK_SECRET = os.environ.get("GRIDGOV_NOTICE_WEBHOOK_SECRET", "").strip()
NOTICE_WEBHOOK_TIMEOUT = env_float("GRIDGOV_NOTICE_WEBHOOK_TIMEOUT", 5.0)
if NOTICE_WEBHOOK_URL:
    _origin(NOTICE_WEBHOOK_URL)
    if not NOTICE_WEBHOOK_SECRET:
        raise ImproperlyConfigured("GRIDGOV_NOTICE_WEBHOOK_URL needs GRIDGOV_NOTICE_WEBHOOK_SECRET")
if not 1 <= NOTICE_MAX_ATTEMPTS <= 20 or not 0 < NOTICE_WEBHOOK_TIMEOUT <= 60:
    raise ImproperlyConfigured(
        "GRIDGOV_NOTICE_MAX_ATTEMPTS must be 1–20, GRIDGOV_NOTICE_WEBHOOK_TIMEOUT 0–60 s"
    )
# E-mail: SMTP when GRIDGOV_EMAIL_HOST is set; otherwise printed on the console under
# GRIDGOV_DEBUG (tests keep it in memory), and no e-mail notices at all in production.
EMAIL_HOST = os.environ.get("GRIDGOV_EMAIL_HOST", "").strip()
EMAIL_PORT = env_int("GRIDGOV_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("GRIDGOV_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("GRIDGOV_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("GRIDGOV_EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("GRIDGOV_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("GRIDGOV_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("GRIDGOV_EMAIL_FROM", "gridgov@localhost")
if EMAIL_USE_TLS and EMAIL_USE_SSL and os.environ.get("GRIDGOV_EMAIL_USE_SSL"):
    EMAIL_USE_TLS = False  # SSL asked for explicitly wins over the default STARTTLS
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend"
)
NOTICE_EMAIL_ENABLED = bool(EMAIL_HOST) or DEBUG or TESTING

# `gridgov serve` (docs/adr/0010-web-server.md): worker processes (0: 2 x cores + 1, at most
# 8) and the seconds a request may run before its worker is replaced (large exports).
WEB_WORKERS = env_int("GRIDGOV_WEB_WORKERS", 0)
WEB_TIMEOUT = env_int("GRIDGOV_WEB_TIMEOUT", 120)
if WEB_WORKERS < 0 or WEB_TIMEOUT < 1:
    raise ImproperlyConfigured("GRIDGOV_WEB_WORKERS must be >= 0, GRIDGOV_WEB_TIMEOUT >= 1")

# The largest upload taken (an import's 20 MB workbook and the form around it); past it the
# file is not stored (core.uploads.SizeCap). Cap request bodies at the proxy too.
GRIDGOV_MAX_UPLOAD_BYTES = 21 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "gridgov.core.uploads.SizeCap",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Behind an HTTPS reverse proxy (docs/deploy.md). Trust its X-Forwarded-Proto only when told
# to: a server reachable directly would let any client claim HTTPS.
BEHIND_HTTPS_PROXY = env_bool("GRIDGOV_BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("GRIDGOV_USE_X_FORWARDED_HOST", False)
CSRF_TRUSTED_ORIGINS = env_list("GRIDGOV_CSRF_TRUSTED_ORIGINS")
for _o in CSRF_TRUSTED_ORIGINS:
    if _origin(_o) != _o.rstrip("/"):
        raise ImproperlyConfigured(f"GRIDGOV_CSRF_TRUSTED_ORIGINS: {_o!r} is not scheme://host")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("GRIDGOV_SECURE_COOKIES", BEHIND_HTTPS_PROXY)
SECURE_SSL_REDIRECT = env_bool("GRIDGOV_SSL_REDIRECT", BEHIND_HTTPS_PROXY)
SECURE_HSTS_SECONDS = env_int("GRIDGOV_HSTS_SECONDS", 31_536_000 if BEHIND_HTTPS_PROXY else 0)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("GRIDGOV_HSTS_SECONDS must be >= 0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GRIDGOV_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("GRIDGOV_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Preload lists are for public sites, submitted by the domain's owner; an intranet host
# cannot be listed, so not preloading is the usual case here, not an oversight.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Every page: scripts and styles from our own static files only (no inline code; htmx's
# indicator style is in site.css). Leaflet positions tiles through element.style, which CSP
# leaves alone. Map tiles may come from GRIDGOV_TILE_URL's host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"] + ([_origin(GRIDGOV_TILE_URL)] if GRIDGOV_TILE_URL else []),
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler blanks ID numbers and phones (paths of refused requests carry them).
    "filters": {"personal": {"()": "gridgov.core.logs.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("GRIDGOV_LOG_LEVEL", "WARNING")},
}

SITE_NAME = _("gridgov")
