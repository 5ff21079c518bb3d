import pytest
from django.core.cache import caches

from tests.clock import install_clock


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts and ends with every cache empty: a rolled-back test
    leaves pages cached under markers no later change would move, and counts
    (the registration rate limit, sign-in failures) that would throttle the
    next one. The only fixture that clears the caches; a test that needs them
    cleared midway calls ``clear()`` itself."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand (``tests.clock``): ``timezone.now``,
    so ``auto_now`` fields, and the cache's expiry read it."""
    return install_clock(monkeypatch)
