"""Settings for the in-process page benchmark: production, minus TLS.

DEBUG off, the manifest static storage (collected once into a temporary
STATIC_ROOT), local-memory caches (the project's own aliases, ``default``
and ``pages``, from ``CACHE_URL=locmem://``) and no email. DATABASE_URL still picks the
database; ``bench.run`` points it at a dedicated one for each data size.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ["DEBUG"] = "0"
# The test client speaks plain HTTP: no SSL redirect, no secure cookies.
os.environ["HTTPS"] = "0"
# One process: local memory for every cache alias the project declares.
os.environ["CACHE_URL"] = "locmem://"
os.environ.pop("PAGES_CACHE_URL", None)

from calendar_site.settings import *  # noqa: F403

STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or os.path.join(
    tempfile.gettempdir(), "almanac_bench_static"
)
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
# One process: the local-memory cache is shared by every request, so the page
# cache behaves as with Redis in production (PAGE_CACHE_SECONDS there).
PAGE_CACHE_SECONDS = 60
