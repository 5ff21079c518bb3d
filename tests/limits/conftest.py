import socket

import pytest
from django.core.cache import caches

from calendar_site.settings import cache_settings, pages_cache_settings


@pytest.fixture
def sign_in_clock(clock, monkeypatch):
    """The test's clock (``tests.clock``), also for django-axes, which took
    its own reference to ``timezone.now`` when it was imported."""
    from axes import attempts
    from axes.handlers import proxy

    monkeypatch.setattr(proxy, "now", lambda: clock.now)
    monkeypatch.setattr(attempts, "now", lambda: clock.now)
    return clock


@pytest.fixture
def dead_port():
    """A local port where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def caches_down(settings, dead_port):
    """Every cache is a Redis that is not there, configured as production
    configures Redis (``calendar_site.settings.cache_settings``)."""
    url = f"redis://127.0.0.1:{dead_port}/0"
    default = cache_settings(url)
    settings.CACHES = {
        "default": default,
        "pages": pages_cache_settings(url, default=default),
    }
    yield
    for cache in caches.all(initialized_only=True):
        cache.close()
