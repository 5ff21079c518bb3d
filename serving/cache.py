"""The Redis cache backend of ``CACHE_URL=redis://`` and ``PAGES_CACHE_URL``:
Django's own, made to cost speed, never a page, when Redis is down.

Everything Almanac keeps in the cache (pages, feed bodies and their
markers) can be rebuilt from the database, so a call that cannot reach
Redis acts as a miss: ``get`` gives the default, ``get_many`` nothing,
``add``/``touch``/``delete`` False, ``set`` nothing, ``incr`` raises
ValueError as for a missing key. Pages and feeds are then built from the
database; a counter kept in the cache counts nothing meanwhile.

Two things keep a hung Redis (one that accepts connections and never
answers) from adding its wait to every request:

- each call gives up after ``socket_timeout`` / ``socket_connect_timeout``
  (``CACHE_TIMEOUT_SECONDS``, a quarter of a second), where redis-py would
  wait five;
- a circuit breaker: after a failure, this process leaves that Redis alone
  for ``retry_seconds`` (``CACHE_RETRY_SECONDS``, 30): every call is a miss
  at once. Then one call tries again; if it gets through, the cache is used
  as before. One warning is logged when the breaker opens and one when it
  closes, never one per call.

The breaker is shared by every thread of the process and by both aliases
when they name the same Redis (Django gives each thread its own backend
object), so one failure is paid for once per process, not per thread.
"""

import logging
import threading
import time
from collections.abc import Callable
from functools import partial

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Defaults for the OPTIONS below; settings pass CACHE_TIMEOUT_SECONDS and
# CACHE_RETRY_SECONDS from the environment.
TIMEOUT_SECONDS = 0.25
RETRY_SECONDS = 30.0
# Redis could not be reached, or did not answer in time. Any other error
# (a refused command, a missing key) means it answered.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class CircuitBreaker:
    """Whether to call a Redis that failed lately.

    Closed: every call goes through. A failure opens it for
    ``retry_seconds``: no call goes through. After that one call (the trial)
    goes through, and the others wait another ``retry_seconds``; if the
    trial gets an answer the breaker closes, if it fails it opens again.
    (A trial that never reports back, its worker killed, say, only delays
    the next one.)"""

    def __init__(
        self,
        name: str,
        *,
        retry_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.name = name
        self.retry_seconds = retry_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None  # None: closed

    @property
    def is_open(self) -> bool:
        return self._open_until is not None

    def allow(self) -> bool:
        """Whether this call may go to Redis."""
        if self._open_until is None:  # closed: no lock on the common path
            return True
        with self._lock:
            if self._open_until is None:
                return True
            now = self.clock()
            if now < self._open_until:
                return False
            self._open_until = now + self.retry_seconds  # this call is the trial
            return True

    def succeeded(self) -> None:
        """Redis answered (perhaps with an error of the command's own)."""
        if self._open_until is None:
            return
        with self._lock:
            closing = self._open_until is not None
            self._open_until = None
        if closing:
            logger.warning("The cache at %s answers again: using it.", self.name)

    def failed(self, error: Exception) -> None:
        """Redis could not be reached or did not answer in time."""
        with self._lock:
            opening = self._open_until is None
            self._open_until = self.clock() + self.retry_seconds
        if opening:
            logger.warning(
                "The cache at %s cannot be reached (%s): pages and feeds are "
                "built without it, and it is tried again every %g s.",
                self.name,
                error,
                self.retry_seconds,
            )


_breakers: dict[tuple[str, ...], CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(servers: list[str], *, retry_seconds: float) -> CircuitBreaker:
    """The process's one breaker for these Redis servers."""
    key = tuple(servers)
    with _breakers_lock:
        if key not in _breakers:
            name = ", ".join(_without_password(server) for server in servers)
            _breakers[key] = CircuitBreaker(name, retry_seconds=retry_seconds)
        return _breakers[key]


def _without_password(url: str) -> str:
    # Log lines must not carry the Redis password of the URL.
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}"


def _miss_incr():
    raise ValueError("The cache is unavailable: the key counts as missing.")


class ResilientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, each call guarded by the breaker; a call that
    cannot reach Redis gives what a miss would."""

    def __init__(self, servers, *, breaker: CircuitBreaker, **options):
        super().__init__(servers, **options)
        self.breaker = breaker

    def _call(self, operation, *args, miss=None):
        if not self.breaker.allow():
            return miss() if callable(miss) else miss
        try:
            result = operation(*args)
        except UNREACHABLE as error:
            self.breaker.failed(error)
            return miss() if callable(miss) else miss
        except Exception:
            self.breaker.succeeded()  # Redis answered, with an error
            raise
        self.breaker.succeeded()
        return result

    def add(self, key, value, timeout):
        return self._call(super().add, key, value, timeout, miss=False)

    def get(self, key, default):
        return self._call(super().get, key, default, miss=lambda: default)

    def set(self, key, value, timeout):
        self._call(super().set, key, value, timeout)

    def touch(self, key, timeout):
        return self._call(super().touch, key, timeout, miss=False)

    def delete(self, key):
        return self._call(super().delete, key, miss=False)

    def get_many(self, keys):
        return self._call(super().get_many, keys, miss=dict)

    def has_key(self, key):
        return self._call(super().has_key, key, miss=False)

    def incr(self, key, delta):
        return self._call(super().incr, key, delta, miss=_miss_incr)

    def set_many(self, data, timeout):
        self._call(super().set_many, data, timeout)

    def delete_many(self, keys):
        self._call(super().delete_many, keys)

    def clear(self):
        return self._call(super().clear, miss=False)


class ResilientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with short timeouts
    and the breaker. OPTIONS: ``socket_timeout`` and
    ``socket_connect_timeout`` (seconds, for redis-py), ``retry_seconds``
    (how long a failed Redis is left alone); the rest as Django's."""

    def __init__(self, server, params):
        super().__init__(server, params)
        options = dict(self._options)
        retry_seconds = float(options.pop("retry_seconds", RETRY_SECONDS))
        options.setdefault("socket_timeout", TIMEOUT_SECONDS)
        options.setdefault("socket_connect_timeout", TIMEOUT_SECONDS)
        self._options = options
        self.breaker = breaker_for(self._servers, retry_seconds=retry_seconds)
        self._class = partial(ResilientRedisCacheClient, breaker=self.breaker)
