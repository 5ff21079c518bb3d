"""Settings for the test suite: the real ones, made fast and self-contained.

DATABASE_URL still decides the database, so CI runs on PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from calendar_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # A store of its own, as in production: pages apart from the counters.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
    },
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "https://calendar.example.org"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
# Serve static files from the finders, as in development: no collectstatic.
WHITENOISE_AUTOREFRESH = True
# One process (the live server of the browser tests is a thread of it), so
# the local-memory cache is shared by everything: keep the page cache on, as
# in production, so every test exercises it. tests/conftest.py clears every
# cache before and after each test, whose rolled-back rows no marker would
# notice.
PAGE_CACHE_SECONDS = 60
