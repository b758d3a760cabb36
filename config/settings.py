"""Måltavlen settings: one file, every value from the environment (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not DEBUG:
    missing = [
        name for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"Production mode (DEBUG is off) needs {' and '.join(missing)} in the environment. "
            "Set them (see .env.example), or set DEBUG=1 for local development."
        )
else:
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"  # noqa: S105
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Demo mode (config/demo_mode.py): demo accounts with printed passwords, demo plans, and the sandbox as the data
# source when no token is set. On exactly when DEBUG is: no separate switch, so production can never turn it on.
DEMO_MODE = DEBUG

INSTALLED_APPS = [
    "config.apps.MaaltavlenAdminConfig",  # django.contrib.admin with Måltavlen's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "municipalities",
    "indicators",
    "goals",
    "meetings",
    "local_values",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.query_guard.QueryGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout found during the login view into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "indicators.context_processors.data_origin",
                "goals.page_cache.site_context",
                "goals.roles.admin_context",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'maaltavlen.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is checked before each request reuses it: after a database restart the first request
        # per worker would otherwise get the dead connection and a 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Concurrent readers while the in-process ingestion writes (make run).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Celery -------------------------------------------------------------------------------------------
# Without a broker the tasks run in-process (the embedded default of `make run`).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = False  # only idempotent tasks opt in (indicators/tasks.py)
# A late-acking task whose worker process dies (kill -9, out of memory) goes back to the queue at once instead of
# being acknowledged as done; the pulls are idempotent upserts, so a second delivery writes nothing twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest a task may run (a pull of one indicator takes minutes); the soft limit lets it record its failure.
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT_SECONDS", "900"))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# Redis hands an unacknowledged message to another worker after this long: when the whole worker was killed.
# Longer than the hard time limit, so a pull still running is never started twice; a killed pull is retried sooner
# by the catch-up (its lease expires after INGEST_LEASE_SECONDS).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 300}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The schedule lives in the database and is edited in the admin (Periodic tasks); migration indicators 0006
# creates the daily catalogue sync (06:00), the daily pull of what is due (06:30) and the catch-up (every 5 min).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A running pull renews its heartbeat every third of this; a run silent for longer has lost its process.
INGEST_LEASE_SECONDS = int(os.environ.get("INGEST_LEASE_SECONDS", "180"))

# --- Jobindsats ---------------------------------------------------------------------------------------
JOBINDSATS_API_TOKEN = os.environ.get("JOBINDSATS_API_TOKEN", "")
JOBINDSATS_BASE_URL = os.environ.get("JOBINDSATS_BASE_URL", "https://api.jobindsats.dk/v3").rstrip("/")
JOBINDSATS_TIMEOUT_SECONDS = float(os.environ.get("JOBINDSATS_TIMEOUT_SECONDS", "30"))
JOBINDSATS_MAX_RETRIES = int(os.environ.get("JOBINDSATS_MAX_RETRIES", "4"))
JOBINDSATS_PAUSE_SECONDS = float(os.environ.get("JOBINDSATS_PAUSE_SECONDS", "0.5"))
JOBINDSATS_MAX_CELLS = int(os.environ.get("JOBINDSATS_MAX_CELLS", "30000"))

# Values under this base are not shown or ranked (one suppression rule for the whole site).
SUPPRESSION_MIN_BASE = int(os.environ.get("SUPPRESSION_MIN_BASE", "5"))

# Seconds an anonymous visitor may be served an already rendered public page while the data version is unchanged
# (goals/page_cache.py); 0 turns it off. Off in development, so `make run` always shows fresh pages.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if DEBUG else "600"))

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)

# --- E-mail (notifications/) ------------------------------------------------------------------------------
# SMTP from the environment in production. Under `make run` (DEBUG=1 without EMAIL_HOST) every mail is written as
# a file to var/mail/ instead, so nothing leaves the machine.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Måltavlen <maaltavlen@localhost>")
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
EMAIL_BACKEND = (
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG and "EMAIL_HOST" not in os.environ
    else "django.core.mail.backends.smtp.EmailBackend"
)
# The digest waits this long after a pull finishes, so the other pulls of the same schedule tick join its round.
NOTIFY_DIGEST_DELAY_SECONDS = int(os.environ.get("NOTIFY_DIGEST_DELAY_SECONDS", "120"))
# Links in mails start with SITE_URL; without it (development) with this.
NOTIFICATION_FALLBACK_SITE_URL = "http://127.0.0.1:8000"

# --- Page serving: shared page cache, the site's own URL, the proxy in front ---------------------------------
# CACHE_URL (Redis) holds the rendered pages every gunicorn worker serves and the Celery worker rebuilds after a
# pull (goals/page_cache.py); without it each process keeps its own (`make run`, tests).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "maaltavlen",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# "local": each process's own copies of small things the shared cache keeps (the API's counts and names,
# goals/api.py), so a request costs no round trip to Redis. A copy lasts a minute: what no data version tracks (an
# area renamed) shows in one process at most that much later than in another. Its own LOCATION: LocMemCaches with
# the same one share their entries.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "local",
    "TIMEOUT": 60,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# SITE_URL (https://maaltavlen.example.dk): absolute URLs on pages (embed codes, API links) start with it, never
# with a visitor's Host header, and the pages rebuilt after a pull are built for it.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if SITE_URL:
    _site = urlsplit(SITE_URL)
    if _site.scheme not in {"http", "https"} or not _site.hostname or _site.path or _site.query:
        raise ImproperlyConfigured(
            f"SITE_URL must be the site's scheme and host only, such as https://maaltavlen.example.dk (got {SITE_URL!r})."
        )
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, _site.hostname]

# BEHIND_PROXY=1: a proxy that terminates HTTPS sets X-Forwarded-Proto. Trusted only then: without a proxy a
# visitor could send the header themselves.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The public pages are rebuilt in the background after every pull and edit (goals/page_rebuild.py), and every
# ten minutes by the database schedule (migration goals 0004) for what no data version tracks (an area's name,
# the next-pull line), so none goes stale; the task does nothing while PAGE_CACHE_SECONDS is 0.

# --- Security (HTTPS) ---------------------------------------------------------------------------------
# Production answers only over HTTPS: plain HTTP is redirected, and browsers are told (HSTS) to use HTTPS for a
# year. /healthz stays reachable over plain HTTP for the container's own health check and load balancers.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# --- Login throttling (django-axes) -------------------------------------------------------------------
# Both login pages (the admin's and the plan editor's) authenticate through Django, so AxesStandaloneBackend
# sees every attempt. A username is locked from one address after AXES_FAILURE_LIMIT wrong passwords, for
# AXES_COOLOFF_MINUTES; the same account from another address, and other accounts, can still log in.
# Admins unlock under Admin → Axes → Access attempts (delete the attempt).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The page a locked-out attempt gets (429): why, for how long, and who can unlock.
AXES_LOCKOUT_CALLABLE = "goals.views.locked_out"
# The address a lockout is counted for (django-ipware). Without a proxy: the connection's own, never a header a
# visitor could send. Behind one proxy (BEHIND_PROXY, Caddy in docker-compose.yml): the right-most address in
# X-Forwarded-For, which that proxy appended; addresses a visitor put before it are not trusted.
if BEHIND_PROXY:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_ORDER = "right-most"
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Content-Security-Policy (django-csp) -------------------------------------------------------------
# Every script is our own file or Plotly's bundle, served by us (figures travel as JSON in json_script tags,
# which are data, not script); Plotly's basic bundle needs no eval. Styles need 'unsafe-inline': Plotly writes
# its chart styles (modebar, hover labels) into a <style> element and sets style attributes on bars and axes,
# and takes no nonce. Inline style cannot run script; our templates have none of their own.
# Pages may not be framed (as X-Frame-Options: DENY says); the embed views allow any site to frame them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # Plotly's "download as PNG" draws the chart through data: and blob: images.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
