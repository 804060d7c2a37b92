"""Settings for the CIS onboarding portal.

One module, driven by environment variables. DEBUG is off unless DJANGO_DEBUG=true (`make run` and
the tests set it); then, with nothing else set, it runs locally on SQLite, runs Celery tasks
in-process and prints email to the console. With DEBUG off, missing secrets stop start-up;
production sets the variables listed in the README.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------

# Off unless asked for: `make run` and the test settings (tests/settings.py) set DJANGO_DEBUG=true.
DEBUG = env_bool("DJANGO_DEBUG", False)

# Public, so it signs nothing that matters: only ever used with DEBUG on.
DEVELOPMENT_SECRET_KEY = "local-development-only-not-secret"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not DEBUG and not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
        "On your own machine, set DJANGO_DEBUG=true instead (make run does)."
    )
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be a secret of your own when DJANGO_DEBUG is off, not the development key."
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Absolute address of the portal, used for links in emails.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "simple_history",
    "axes",
    # The base every part stands on.
    "organisations",
    "notifications",
    # The three parts; none imports another.
    "ra_requests",
    "authenticators",
    "training",
    # The wizard sits on top and calls the parts' services.
    "onboarding",
]

MIDDLEWARE = [
    # First: refuses an oversized body before anything reads it.
    "cis_portal.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cis_portal.csp.PortalCSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Must be last: it inspects the response of failed logins.
    "axes.middleware.AxesMiddleware",
]

# Widgets render through the project's template engine, so templates/admin/widgets/ can fix the
# admin's unlabelled date-time parts.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "cis_portal.urls"
WSGI_APPLICATION = "cis_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisations.context_processors.portal",
            ],
            # {% load nhsuk %}: the tags behind the nhsuk crispy pack and the NHS error summary.
            "libraries": {"nhsuk": "cis_portal.nhsuk_forms.tags"},
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# SQLite by default; DATABASE_URL (postgres://user:pass@host:5432/name) switches to PostgreSQL
# with persistent, health-checked connections.

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Reads permissions in one query into the caches ModelBackend keeps (it signs no one in).
    "organisations.auth_backends.PermissionsInOneQueryBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "organisations:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Email confirmation and invitation links stop working after this many seconds.
ACCOUNT_LINK_MAX_AGE_SECONDS = int(os.environ.get("ACCOUNT_LINK_MAX_AGE_SECONDS", str(3 * 24 * 3600)))
PASSWORD_RESET_TIMEOUT = 3600
# An unconfirmed sign-up is treated as absent after this many seconds and then deleted by the
# delete_expired_sign_ups job, so nobody can hold an address or an organisation with one.
UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS = int(
    os.environ.get("UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS", str(7 * 24 * 3600))
)

# django-axes: lock an account for an hour after 5 failed logins from the same address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in forms (ours and the admin's) post the email in a field called "username"; without
# this axes looks for "email" (USERNAME_FIELD), records no username and locks the whole address.
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "organisations/locked_out.html"
# Behind the TLS proxy, the client's address comes from the header the proxy writes (see
# cis_portal/client_ip.py). Off by default: without such a proxy a client could send any address.
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "").strip()
CLIENT_IP_PROXY_COUNT = int(os.environ.get("DJANGO_CLIENT_IP_PROXY_COUNT", "1"))
AXES_CLIENT_IP_CALLABLE = "cis_portal.client_ip.client_ip"

# --- Cache and rate limits -------------------------------------------------------------------
# Rate limits (django-ratelimit) count in the default cache: local memory with nothing set (each
# process counts on its own), Redis when CACHE_URL is set, so every web worker shares one count.

CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cis-portal"}
    ),
    # Pages and figures kept under data versions (organisations/data_versions.py): apart from the
    # rate limits' counts, so many kept pages never push a count out of a local-memory cache.
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "pages",
        }
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cis-portal-pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    ),
}
# django-ratelimit is used as a library (not in INSTALLED_APPS): its system checks only know
# memcached and django-redis by name, while Django's own RedisCache counts with Redis INCR, which is
# atomic, and local memory is what the one-process embedded default needs.
# If the cache cannot count (Redis down), let the request through rather than refuse everyone.
RATELIMIT_FAIL_OPEN = True
# Emails about accounts (sign-up confirmation, resent confirmation, password reset, invitation):
# at most this many to one address, and from one client IP, per window ("count/period").
ACCOUNT_EMAILS_PER_ADDRESS = os.environ.get("ACCOUNT_EMAILS_PER_ADDRESS", "3/h")
ACCOUNT_EMAILS_PER_IP = os.environ.get("ACCOUNT_EMAILS_PER_IP", "20/h")
INVITATIONS_PER_IP = os.environ.get("INVITATIONS_PER_IP", "60/h")

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# --- Request size -----------------------------------------------------------------------------
# The largest request body accepted, uploads included (evidence files are up to 5MB): anything
# declared larger gets 413 before a byte is read. The proxy in front refuses the same (README).
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", str(6 * 1024 * 1024)))
# Form fields other than files: far more than any form here needs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Forms ------------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"

# --- Celery -----------------------------------------------------------------------------------
# Without CELERY_BROKER_URL tasks run in-process (eagerly) so the portal works on one machine
# with nothing else installed. With it, real workers and beat take the work.

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "60"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "90"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The queue tasks go to and workers read by default. Service tests give each test worker its own
# queue, so test runs sharing one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Fail fast when the broker is down or hung (accepts TCP, never answers): the outbox row is already
# saved and the sweeper re-queues it. Without socket timeouts kombu waits for ever on a hung Redis.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": float(os.environ.get("CELERY_BROKER_CONNECT_TIMEOUT", "2")),
    "socket_timeout": float(os.environ.get("CELERY_BROKER_SOCKET_TIMEOUT", "3")),
}

# --- Email ------------------------------------------------------------------------------------

EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "CIS onboarding portal <noreply@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Email outbox -----------------------------------------------------------------------------
# Leases: each pending row says until when someone is responsible for it (claimed_until). When
# that passes, the sweeper (every minute) hands the row to the queue again. See the README, "Email".
# A worker sending the row holds it this long; longer than CELERY_TASK_TIME_LIMIT.
OUTBOX_SEND_LEASE_SECONDS = int(os.environ.get("OUTBOX_SEND_LEASE_SECONDS", "120"))
# A row handed to the broker waits this long for a worker before it is handed over again.
OUTBOX_QUEUE_LEASE_SECONDS = int(os.environ.get("OUTBOX_QUEUE_LEASE_SECONDS", "300"))
# Transient SMTP failures retry after about this long, doubling each attempt up to the maximum.
OUTBOX_RETRY_BACKOFF_SECONDS = int(os.environ.get("OUTBOX_RETRY_BACKOFF_SECONDS", "5"))
OUTBOX_RETRY_BACKOFF_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_BACKOFF_MAX_SECONDS", "300"))
# How many rows the sweeper hands over per query; it keeps going until none is left.
OUTBOX_SWEEP_BATCH_SIZE = 500

# --- Reference data ---------------------------------------------------------------------------
# The sourced domain files (ICBs, CSUs, authenticators, applications, training modules) ship in
# reference_data/; load_reference_data reads them from here.
REFERENCE_DATA_DIR = Path(os.environ.get("CIS_REFERENCE_DATA_DIR", BASE_DIR / "reference_data"))

# --- Security ---------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# SECURE_SSL_REDIRECT is off behind a proxy that already redirects; silence only that check.
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS")

# django-csp 4: scripts and styles from our own origin only; no inline JS or CSS anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "https://assets.nhs.uk"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- Organisation claims ---------------------------------------------------------------------

# How many claims to organisations (unconfirmed or waiting for approval) one account may have open.
ORGANISATION_CLAIMS_OPEN_LIMIT = 3

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
