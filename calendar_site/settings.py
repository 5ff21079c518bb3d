"""Almanac's one settings module. Every knob is an environment variable.

See `.env.example` and the README for what each one means.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def mailer_settings(url: str, *, timeout: float = 10) -> dict:
    """Django's default mailer (``MAILERS["default"]``) from one URL.

    ``console:``, ``locmem:``, ``dummy:``, ``file:///path/to/dir`` or
    ``smtp://user:password@host:587`` (``smtps://`` for implicit TLS,
    ``?tls=1`` for STARTTLS). ``timeout``: seconds an SMTP server may take
    over each step before the send fails (and is retried later).
    """
    parts = urlsplit(url)
    scheme = parts.scheme
    backends = "django.core.mail.backends"
    if scheme == "console":
        # Prints the plain-text part as written, so links can be clicked.
        return {"BACKEND": "registrations.mail_backends.ReadableConsoleBackend"}
    if scheme in {"locmem", "dummy"}:
        return {"BACKEND": f"{backends}.{scheme}.EmailBackend"}
    if scheme == "file":
        return {
            "BACKEND": f"{backends}.filebased.EmailBackend",
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    if scheme in {"smtp", "smtps"}:
        query = dict(parse_qsl(parts.query))
        return {
            "BACKEND": f"{backends}.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if scheme == "smtps" else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": scheme == "smtps",
                "use_tls": query.get("tls") in {"1", "true"},
                "timeout": timeout,
            },
        }
    raise ImproperlyConfigured(f"EMAIL_URL has an unknown scheme: {scheme!r}")


def cache_settings(url: str) -> dict:
    """One cache from a URL: ``locmem://``, ``redis://host:6379/0``,
    ``db://table_name`` or ``dummy://``."""
    parts = urlsplit(url)
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if parts.scheme in {"redis", "rediss"}:
        # A Redis that is down or hung costs speed, never a page: each call
        # gives up after CACHE_TIMEOUT_SECONDS and counts as a miss, and a
        # Redis that failed is left alone for CACHE_RETRY_SECONDS before one
        # call tries it again (serving.cache).
        timeout = float(os.environ.get("CACHE_TIMEOUT_SECONDS") or 0.25)
        return {
            "BACKEND": "serving.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
                "retry_seconds": float(os.environ.get("CACHE_RETRY_SECONDS") or 30),
            },
        }
    if parts.scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": parts.netloc or parts.path.lstrip("/") or "almanac_cache",
        }
    if parts.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"A cache URL has an unknown scheme: {parts.scheme!r}")


def pages_cache_settings(url: str, *, default: dict) -> dict:
    """The ``pages`` cache (whole public pages, events.page_cache) from its
    URL, kept apart from the ``default`` cache's entries even on the same
    server: searches make many pages, which must not push the feeds out."""
    pages = {**cache_settings(url), "KEY_PREFIX": "pages"}
    if pages["BACKEND"].endswith("LocMemCache"):
        pages["LOCATION"] = "pages"
    elif pages["BACKEND"].endswith("DatabaseCache") and pages["LOCATION"] == (
        default.get("LOCATION")
    ):
        # A full table is culled by key order, whatever the prefix.
        pages["LOCATION"] += "_pages"
    return pages


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for development).")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# The public address of the site, for links in emails and calendar feeds.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin, its first page the staff overview (reports/).
    "reports.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Pages staff write in the admin (about the programme, CE, resources):
    # flatpages, and the sites framework it needs (one site, SITE_ID).
    "django.contrib.sites",
    "django.contrib.flatpages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    # Staff sign-in failures, counted in the database (limits.sign_in).
    "axes",
    # The resilient cache, the request guard and the log filter (serving/).
    "serving",
    "events",
    "limits",
    # CSV import and export of the member library directory in the admin.
    "import_export",
    # The member library directory (who may register as a member).
    "members",
    "registrations",
    # Serves the flat pages through the page cache and lists them in the footer.
    "pages",
    # The staff overview and reports, on top of events and registrations.
    "reports",
    # Django's own widget templates, for FORM_RENDERER below.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "serving.middleware.RefuseUnreadableFormsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "events.middleware.MethodNotAllowedPageMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "calendar_site.urls"
# The one site of django.contrib.sites: its domain follows SITE_URL
# (pages.apps keeps it so on every migrate).
SITE_ID = 1

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
                "events.context_processors.site",
            ],
        },
    },
]

# Widgets render through the project's templates, so templates/django/forms/
# can override one: a <select> of every time zone is on most pages.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "calendar_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Each gunicorn worker keeps its connection (and the statements
        # prepared on it) between requests; a connection that broke is
        # noticed and replaced at the start of the next request.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts, so select_for_update()
    # (a no-op on SQLite) still serializes everyone who claims a seat.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, so that a statement run again on a
    # persistent connection (CONN_MAX_AGE) is parsed and planned once, not on
    # every request: a registration costs PostgreSQL about 40% less. Behind a
    # pooler in transaction mode that cannot keep prepared statements
    # (PgBouncer before 1.21), set DATABASE_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
    # Every query of ours reads a handful of rows through an index; starting
    # parallel workers for one (PostgreSQL picks them once the events table
    # is large) cost the event page's related events 8 ms instead of 2.5.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", "-c max_parallel_workers_per_gather=0"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default" holds the feeds; "pages" the whole
# public pages, on the same server unless PAGES_CACHE_URL names another.
CACHE_URL = os.environ.get("CACHE_URL", "locmem://")
CACHES = {"default": cache_settings(CACHE_URL)}
CACHES["pages"] = pages_cache_settings(
    os.environ.get("PAGES_CACHE_URL") or CACHE_URL, default=CACHES["default"]
)
# Public pages are kept whole in their cache for this many seconds at most
# (events.page_cache); 0 turns it off. Off by default with a per-process
# cache: one gunicorn worker could not tell the others that seats changed.
_CACHE_BACKEND = CACHES["pages"]["BACKEND"]
_PER_PROCESS_CACHE = _CACHE_BACKEND.endswith(("LocMemCache", "DummyCache"))
PAGE_CACHE_SECONDS = int(
    os.environ.get("PAGE_CACHE_SECONDS") or (0 if _PER_PROCESS_CACHE else 60)
)

# Email: console in development unless EMAIL_URL says otherwise.
EMAIL_URL = os.environ.get("EMAIL_URL", "console:" if DEBUG else "smtp://localhost:25")
# A mail server that accepts and never answers holds one send (and the worker)
# at most this many seconds per step of the conversation, then it is retried.
# At most a minute: a send still going after two is taken for a dead worker's
# (registrations.emails.STALE_CLAIM) and sent again.
# (Not named EMAIL_TIMEOUT here: Django refuses its old email settings
# beside MAILERS.)
try:
    _EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT") or 10)
except ValueError:
    _EMAIL_TIMEOUT = 0
if not 0 < _EMAIL_TIMEOUT <= 60:
    raise ImproperlyConfigured(
        "EMAIL_TIMEOUT must be a number of seconds, above 0 and at most 60."
    )
MAILERS = {"default": mailer_settings(EMAIL_URL, timeout=_EMAIL_TIMEOUT)}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Learning Services <learning@almanac.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Emails are sent by a task after the commit. The database backend needs a
# worker (`manage.py db_worker`); TASKS_BACKEND=immediate sends in-process,
# which is what `make run` uses so the console shows mail with no worker.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "dummy": "django.tasks.backends.dummy.DummyBackend",
        }[TASKS_BACKEND],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap 5 from its package: {% static "bootstrap/css/bootstrap.min.css" %}
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The member directory's CSV import is all or nothing: it runs in one
# transaction, rolled back if any row fails (members.resources also rolls
# back on a row that fails validation, which this setting alone does not).
IMPORT_EXPORT_USE_TRANSACTIONS = True

LOGIN_URL = "admin:login"

# Security. Pages load nothing from another host and run no inline script
# or style; Bootstrap's form controls draw their arrows from data: SVGs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind TLS (the default outside development): HTTPS only, secure cookies.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading is a commitment for the whole domain, so it is asked for
# explicitly; check --deploy's reminder about it is silenced until then.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
BEHIND_PROXY = env_bool("BEHIND_PROXY")
if BEHIND_PROXY:
    # The proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Registration abuse limits per client address (an IPv6 /64), counted in
# the database (limits.services), as "attempts/seconds": registrations
# accepted ("40/600" is forty every ten minutes: a library's staff share
# one address), and POSTs of any outcome, mistyped ones too. Behind a proxy
# every request comes from the proxy, so the client's address is read from
# the header it appends to.
REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT") or "40/600"
REGISTRATION_POST_LIMIT = os.environ.get("REGISTRATION_POST_LIMIT") or "300/600"
REGISTRATION_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR" if BEHIND_PROXY else None
# Staff sign-in: this many failures per username or address, and further
# attempts wait until this many seconds after the last failure.
ADMIN_LOGIN_FAILURE_LIMIT = 5
ADMIN_LOGIN_FAILURE_WINDOW = 15 * 60
# django-axes counts them in the database, through limits.sign_in, which
# reads the two settings above, keys usernames as Django looks them up
# (NFKC, case-folded) and addresses as the registration limit does.
AUTHENTICATION_BACKENDS = [
    "limits.sign_in.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "limits.sign_in.failure_limit"
AXES_COOLOFF_TIME = "limits.sign_in.cool_off"
AXES_USERNAME_CALLABLE = "limits.sign_in.username_key"
AXES_CLIENT_IP_CALLABLE = "limits.sign_in.client_ip"
AXES_LOCKOUT_CALLABLE = "limits.sign_in.lockout_response"
# Attempts refused while locked do not push the end of the lock further.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No log of every successful sign-in (address, browser): nothing needs it.
AXES_DISABLE_ACCESS_LOG = True

# Site-wide defaults that an event may override. An empty variable counts
# as unset.
ALMANAC_SITE_NAME = os.environ.get("SITE_NAME") or "Almanac"
# No placeholder: where no contact is set (or only an example address), pages
# and emails leave the contact out, and `check --deploy` warns.
ALMANAC_ACCESSIBILITY_EMAIL = os.environ.get("ACCESSIBILITY_EMAIL") or ""
ALMANAC_ACCESSIBILITY_PHONE = os.environ.get("ACCESSIBILITY_PHONE") or ""
ALMANAC_REGISTRATION_NOTE = os.environ.get("REGISTRATION_NOTE") or (
    "Registration is free for members. If you cannot attend, please cancel "
    "your registration so that someone on the waiting list can take your seat."
)
EVENTS_PER_PAGE = 20
# Registrants' names, emails, organizations and requests are erased this
# many days after their event (manage.py purge_personal_data); counts stay.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "90"))
# Attendees' certificate records (name, email, event, hours, code) are kept
# this long after the event, so certificates can be verified and re-issued.
CERTIFICATE_RETENTION_DAYS = int(os.environ.get("CERTIFICATE_RETENTION_DAYS", "1095"))
# The secret of the one-way fingerprint that lets the annual report count
# different people after their addresses are erased. Set it once and never
# change it (unset, the SECRET_KEY serves, and rotating that key would count
# everyone trained before and after it twice).
ATTENDEE_KEY_SECRET = os.environ.get("ATTENDEE_KEY_SECRET", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Django names the path of a refused request ("Not Found: /registrations/
    # <token>/"); a self-service link never reaches the log (serving.logs).
    "filters": {"redact_tokens": {"()": "serving.logs.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
