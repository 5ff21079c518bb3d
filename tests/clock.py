"""A clock a test moves by hand, instead of waiting or assuming.

Django code asks ``django.utils.timezone.now()`` (``auto_now`` fields too);
the local-memory cache of the test settings sets and checks its timeouts
with ``time.time()`` in its own modules. ``install_clock`` replaces both,
so moving the clock moves "now" for the code and expires cache entries
(a throttle's window, a cached feed) just as real time would.

Use it from a small fixture::

    @pytest.fixture
    def clock(monkeypatch):
        return install_clock(monkeypatch)
"""

from datetime import datetime, timedelta
from types import SimpleNamespace

from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem
from django.utils import timezone


class Clock:
    """Now, as the code under test sees it; only ``advance`` moves it."""

    def __init__(self, now: datetime):
        self.now = now

    def advance(self, **delta: float) -> None:
        """Move forward by ``timedelta(**delta)``, e.g. ``advance(seconds=59)``."""
        self.now += timedelta(**delta)

    def time(self) -> float:
        """Now as ``time.time()`` gives it."""
        return self.now.timestamp()


def install_clock(monkeypatch) -> Clock:
    """Stop time at the current second for the test; it moves by ``advance``."""
    clock = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    cache_time = SimpleNamespace(time=clock.time)
    monkeypatch.setattr(cache_base, "time", cache_time)
    monkeypatch.setattr(locmem, "time", cache_time)
    return clock
