"""The test run's caches pointed at a Redis: a real one, or one that is not
there. The fixtures built on these (``redis_caches``, ``caches_down``,
``pages_cache_down``) live in tests/conftest.py; a test that moves the
caches itself midway calls ``use_redis``."""

import socket

from calendar_site.settings import cache_settings, pages_cache_settings


def dead_port() -> int:
    """A local port where nothing listens: bound, then closed, so
    connections to it are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_redis(settings, url: str, **options) -> None:
    """Both caches on the Redis at ``url``, as the settings put them from
    CACHE_URL alone (``calendar_site.settings.cache_settings``: the resilient
    backend, the ``pages`` entries under a key prefix of their own);
    ``options`` change the connection options of both (``socket_timeout``,
    ``socket_connect_timeout``, ``retry_seconds``). Changing CACHES closes
    the cache connections Django holds (its setting_changed handler)."""
    default = cache_settings(url)
    default["OPTIONS"].update(options)
    pages = pages_cache_settings(url, default=default)
    pages["OPTIONS"].update(options)
    settings.CACHES = {"default": default, "pages": pages}
