"""Configuration comes only from environment variables (PRODUCT.md §7)."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from calendar_site.settings import cache_settings, mailer_settings


def test_smtp_url_gives_host_port_credentials_and_tls():
    mailer = mailer_settings("smtp://mailer%40lib.org:s%3Acret@smtp.lib.org:587?tls=1")
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "smtp.lib.org",
        "port": 587,
        "username": "mailer@lib.org",
        "password": "s:cret",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 20,
    }
    assert mailer_settings("smtps://smtp.lib.org")["OPTIONS"]["port"] == 465


def test_console_and_file_mailers():
    console = mailer_settings("console:")["BACKEND"]
    assert console == "registrations.mail_backends.ReadableConsoleBackend"
    file_mailer = mailer_settings("file:///var/mail/almanac")
    assert file_mailer["OPTIONS"] == {"file_path": "/var/mail/almanac"}


def test_cache_urls():
    assert cache_settings("redis://127.0.0.1:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
    assert cache_settings("db://almanac_cache")["LOCATION"] == "almanac_cache"
    assert cache_settings("locmem://")["BACKEND"].endswith("LocMemCache")


@pytest.mark.parametrize("bad", ["gopher://x", "memcache://x"])
def test_unknown_schemes_are_refused_with_a_clear_message(bad):
    with pytest.raises(ImproperlyConfigured, match="unknown scheme"):
        cache_settings(bad)
    with pytest.raises(ImproperlyConfigured, match="unknown scheme"):
        mailer_settings(bad)


def _settings_in_subprocess(env: dict, expression: str) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
        "'calendar_site.settings'; from django.conf import settings; "
        f"print({expression})"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    """DEBUG is off unless asked, and then SECRET_KEY must be set."""
    result = _settings_in_subprocess({}, "settings.DEBUG")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_defaults_are_debug_off_new_york_and_aware_datetimes():
    result = _settings_in_subprocess(
        {"SECRET_KEY": "x" * 50},
        "settings.DEBUG, settings.TIME_ZONE, settings.USE_TZ",
    )
    assert result.stdout.split() == ["False", "America/New_York", "True"]


def test_sqlite_takes_the_write_lock_at_the_start_of_each_transaction():
    result = _settings_in_subprocess(
        {"DEBUG": "1", "DATABASE_URL": "sqlite:////tmp/almanac-settings.sqlite3"},
        "settings.DATABASES['default']['OPTIONS']['transaction_mode']",
    )
    assert result.stdout.strip() == "IMMEDIATE"


@pytest.mark.parametrize(
    ("cache_url", "seconds"),
    [("locmem://", "0"), ("redis://127.0.0.1:6379/0", "60"), ("db://cache", "60")],
)
def test_whole_pages_are_cached_only_in_a_cache_every_process_shares(
    cache_url, seconds
):
    """A per-process cache could not tell the other gunicorn workers that
    seats changed, so the page cache is off with it unless asked for."""
    env = {"SECRET_KEY": "x", "CACHE_URL": cache_url}
    result = _settings_in_subprocess(env, "settings.PAGE_CACHE_SECONDS")
    assert result.stdout.strip() == seconds, result.stderr
    result = _settings_in_subprocess(
        {**env, "PAGE_CACHE_SECONDS": "15"}, "settings.PAGE_CACHE_SECONDS"
    )
    assert result.stdout.strip() == "15"


def test_database_connections_are_kept_and_checked_by_default():
    """Each worker keeps its connection (prepared statements live on it), and
    a broken one is replaced rather than failing the next request."""
    expression = (
        "(settings.DATABASES['default']['CONN_MAX_AGE'], "
        "settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    result = _settings_in_subprocess({"SECRET_KEY": "x"}, expression)
    assert result.stdout.strip() == "(60, True)", result.stderr
    result = _settings_in_subprocess(
        {"SECRET_KEY": "x", "CONN_MAX_AGE": "0"}, expression
    )
    assert result.stdout.strip() == "(0, True)", result.stderr
