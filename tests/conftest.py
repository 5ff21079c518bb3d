import os

import pytest
import redis
from django.core.cache import caches

from tests.cache_setup import dead_port, use_redis
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


# The caches on a Redis (helpers in tests.cache_setup)


@pytest.fixture
def redis_url():
    """The Redis database ``redis_caches`` puts the caches on and flushes:
    TEST_REDIS_URL, else database 14 of the local Redis. A test module that
    uses ``redis_caches`` may override this with a database of its own, so
    that modules run side by side never flush each other's keys."""
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def redis_caches(settings, redis_url):
    """Both caches on the real Redis database at ``redis_url``, configured as
    production configures it (``tests.cache_setup.use_redis``), as the
    settings put them when PAGES_CACHE_URL is unset. The database is flushed
    before and after the test; yields its Redis client. Skipped where no
    Redis answers."""
    use_redis(settings, redis_url)
    # The Redis client itself: the cache backend takes an unreachable Redis
    # for a miss (serving.cache), which would hide its absence here.
    client = caches["default"]._cache.get_client(write=True)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {redis_url}")
    yield client
    client.flushdb()
    for cache in caches.all(initialized_only=True):
        cache.close()


@pytest.fixture
def caches_down(settings):
    """Every cache is a Redis that is not there (a local port where nothing
    listens: connections are refused), configured as production configures
    Redis (``tests.cache_setup.use_redis``)."""
    use_redis(settings, f"redis://127.0.0.1:{dead_port()}/0")
    yield
    for cache in caches.all(initialized_only=True):
        cache.close()


@pytest.fixture
def pages_cache_down(settings):
    """The pages cache alone is a Redis that does not answer, on Django's own
    Redis backend (not the resilient one): nothing listens on port 1, so
    every read and write raises ConnectionError. The default cache is kept."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }


@pytest.fixture(autouse=True)
def _tallies_stay_exact(request):
    """After every test that used the database, each event's tally (what
    the reports add up) equals counting its registrations afresh: a service
    that changed a registration without counting it fails whichever test
    exercised it. A test that writes registrations itself counts them as
    the services do (``tests.builders.write_registration``,
    ``update_registrations``), or is marked ``rows_changed_by_hand``."""
    yield
    if request.node.get_closest_marker("rows_changed_by_hand"):
        return
    if "django_db" not in request.keywords and not (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ):
        return
    from registrations.models import EventTally

    kept = {t.event_id: t.counts() for t in EventTally.objects.all()}
    EventTally.objects.recount()
    counted = {t.event_id: t.counts() for t in EventTally.objects.all()}
    assert counted == kept, "an event's tally no longer equals its registrations"
