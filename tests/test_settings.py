"""Configuration comes only from environment variables (PRODUCT.md §7)."""

import ast

import pytest
from django.core.exceptions import ImproperlyConfigured

from calendar_site.settings import cache_settings, mailer_settings, pages_cache_settings
from tests.subprocess_settings import settings_in_subprocess


def test_smtp_url_gives_host_port_credentials_and_tls():
    """An smtp:// EMAIL_URL gives the host, port, decoded user name and password, and
    TLS when asked for; smtps:// uses port 465."""
    mailer = mailer_settings("smtp://mailer%40lib.org:s%3Acret@smtp.lib.org:587?tls=1")
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "smtp.lib.org",
        "port": 587,
        "username": "mailer@lib.org",
        "password": "s:cret",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 10,
    }
    assert mailer_settings("smtps://smtp.lib.org")["OPTIONS"]["port"] == 465


def test_console_and_file_mailers():
    """console: prints emails readably on the console; file:///dir writes them to that
    directory."""
    console = mailer_settings("console:")["BACKEND"]
    assert console == "registrations.mail_backends.ReadableConsoleBackend"
    file_mailer = mailer_settings("file:///var/mail/almanac")
    assert file_mailer["OPTIONS"] == {"file_path": "/var/mail/almanac"}


def test_cache_urls():
    """redis://, db://table and locmem:// CACHE_URLs give Redis (Django's, with
    short timeouts and a circuit breaker: serving.cache), database (that
    table) and local-memory caches."""
    assert cache_settings("redis://127.0.0.1:6379/1") == {
        "BACKEND": "serving.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
        "OPTIONS": {
            "socket_connect_timeout": 0.25,
            "socket_timeout": 0.25,
            "retry_seconds": 30.0,
        },
    }
    assert cache_settings("db://almanac_cache")["LOCATION"] == "almanac_cache"
    assert cache_settings("locmem://")["BACKEND"].endswith("LocMemCache")


def test_the_pages_cache_is_kept_apart_from_the_default_cache():
    """On the same server as the default cache, pages get keys of their own
    (Redis), a store of their own (local memory) or a table of their own
    (the database cache, culled by key order whatever the prefix)."""
    redis = "redis://127.0.0.1:6379/0"
    assert pages_cache_settings(redis, default=cache_settings(redis)) == {
        **cache_settings(redis),
        "KEY_PREFIX": "pages",
    }
    locmem = pages_cache_settings("locmem://", default=cache_settings("locmem://"))
    assert locmem["LOCATION"] == "pages"
    db = pages_cache_settings("db://almanac_cache", default=cache_settings("db://x"))
    assert db["LOCATION"] == "almanac_cache"
    shared = cache_settings("db://almanac_cache")
    db = pages_cache_settings("db://almanac_cache", default=shared)
    assert db["LOCATION"] == "almanac_cache_pages"


def test_pages_cache_url_defaults_to_cache_url_and_may_name_another_server():
    """Without PAGES_CACHE_URL the pages share CACHE_URL's Redis under their
    own prefix; with it they go where it says (a Redis that may evict)."""

    def caches(env: dict) -> tuple[dict, dict]:
        expression = "(settings.CACHES['default'], settings.CACHES['pages'])"
        result = settings_in_subprocess({"SECRET_KEY": "x", **env}, expression)
        assert result.returncode == 0, result.stderr
        return ast.literal_eval(result.stdout)

    redis = "redis://127.0.0.1:6379/0"
    default, pages = caches({"CACHE_URL": redis})
    assert default == cache_settings(redis)
    assert pages == {**default, "KEY_PREFIX": "pages"}
    default, pages = caches(
        {"CACHE_URL": redis, "PAGES_CACHE_URL": "redis://127.0.0.1:6380/0"}
    )
    assert default["LOCATION"] == redis
    assert pages["LOCATION"] == "redis://127.0.0.1:6380/0"


@pytest.mark.parametrize("bad", ["gopher://x", "memcache://x"])
def test_unknown_schemes_are_refused_with_a_clear_message(bad):
    """A cache or email URL of a kind we do not know is refused with "unknown
    scheme"."""
    with pytest.raises(ImproperlyConfigured, match="unknown scheme"):
        cache_settings(bad)
    with pytest.raises(ImproperlyConfigured, match="unknown scheme"):
        mailer_settings(bad)


def test_production_refuses_to_start_without_a_secret_key():
    """DEBUG is off unless asked, and then SECRET_KEY must be set."""
    result = settings_in_subprocess({}, "settings.DEBUG")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_defaults_are_debug_off_new_york_and_aware_datetimes():
    """With only SECRET_KEY set, DEBUG is off, the site's time zone is New York and
    times are time-zone aware."""
    result = settings_in_subprocess(
        {"SECRET_KEY": "x" * 50},
        "settings.DEBUG, settings.TIME_ZONE, settings.USE_TZ",
    )
    assert result.stdout.split() == ["False", "America/New_York", "True"]


def test_sqlite_takes_the_write_lock_at_the_start_of_each_transaction():
    """On SQLite each transaction takes the write lock as it begins (IMMEDIATE), so
    writers wait their turn instead of failing part-way."""
    result = settings_in_subprocess(
        {"DEBUG": "1", "DATABASE_URL": "sqlite:////tmp/almanac-settings.sqlite3"},
        "settings.DATABASES['default']['OPTIONS']['transaction_mode']",
    )
    assert result.stdout.strip() == "IMMEDIATE"


@pytest.mark.parametrize(
    ("cache_urls", "seconds"),
    [
        ({"CACHE_URL": "locmem://"}, "0"),
        ({"CACHE_URL": "redis://127.0.0.1:6379/0"}, "60"),
        ({"CACHE_URL": "db://cache"}, "60"),
        ({"CACHE_URL": "locmem://", "PAGES_CACHE_URL": "redis://127.0.0.1/1"}, "60"),
        ({"CACHE_URL": "redis://127.0.0.1/0", "PAGES_CACHE_URL": "locmem://"}, "0"),
    ],
)
def test_whole_pages_are_cached_only_in_a_cache_every_process_shares(
    cache_urls, seconds
):
    """A per-process cache could not tell the other gunicorn workers that
    seats changed, so the page cache is off with it unless asked for: the
    pages' cache decides, wherever the default one is."""
    env = {"SECRET_KEY": "x", **cache_urls}
    result = settings_in_subprocess(env, "settings.PAGE_CACHE_SECONDS")
    assert result.stdout.strip() == seconds, result.stderr
    result = settings_in_subprocess(
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
    result = settings_in_subprocess({"SECRET_KEY": "x"}, expression)
    assert result.stdout.strip() == "(60, True)", result.stderr
    result = settings_in_subprocess(
        {"SECRET_KEY": "x", "CONN_MAX_AGE": "0"}, expression
    )
    assert result.stdout.strip() == "(0, True)", result.stderr
