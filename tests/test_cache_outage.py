"""A cache outage costs speed, never a page (issue 11): with Redis down or
hung, every page, feed, registration and sign-in is answered from the
database, each cache call gives up within a fraction of a second, and a
circuit breaker (serving.cache) stops a process from waiting on a
dead Redis again on every call."""

import contextlib
import logging
import os
import socket
import threading
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

from registrations.models import Registration
from serving import cache as resilient
from tests.builders import make_category, make_event, make_series, post_registration
from tests.cache_setup import dead_port, use_redis
from tests.subprocess_settings import setting_value

# A Redis database of this file's own; flushed by the test that uses it.
REDIS_URL = os.environ.get("TEST_OUTAGE_REDIS_URL", "redis://127.0.0.1:6379/11")
# Short, so that the calls that do wait cost the suite little.
TIMEOUT_SECONDS = 0.1
RETRY_SECONDS = 30
# The connection options of both caches in these tests (tests.cache_setup).
SHORT = {
    "socket_timeout": TIMEOUT_SECONDS,
    "socket_connect_timeout": TIMEOUT_SECONDS,
    "retry_seconds": RETRY_SECONDS,
}


# Redis stand-ins: real sockets, no mocks


class RedisFront:
    """A listening socket that plays Redis's part: *silent* (accepts every
    connection and never answers, a hung Redis), or, once ``forward_to``
    is set, a relay to the real Redis there (Redis is back). Counts the
    connections it accepts."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.forward_to: tuple[str, int] | None = None
        self.accepted = 0
        self.first_accepted = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _address = self.listener.accept()
            except OSError:  # closed by stop()
                return
            self.accepted += 1
            self.first_accepted.set()
            self._held.append(conn)
            if self.forward_to is not None:
                upstream = socket.create_connection(self.forward_to)
                self._held.append(upstream)
                for source, target in ((conn, upstream), (upstream, conn)):
                    threading.Thread(
                        target=_pipe, args=(source, target), daemon=True
                    ).start()

    def stop(self) -> None:
        # shutdown() wakes the accept() blocked in the serving thread.
        for sock in (self.listener, *self._held):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._thread.join()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass


# Fixtures


@pytest.fixture(autouse=True)
def _fresh_breakers(monkeypatch):
    """Each test starts with every Redis trusted: a breaker opened by another
    test (a port reused by the system, say) must not carry over."""
    monkeypatch.setattr(resilient, "_breakers", {})


@pytest.fixture
def cache_refused(settings):
    """CACHE_URL at a port where nothing listens, with short timeouts."""
    use_redis(settings, f"redis://127.0.0.1:{dead_port()}/0", **SHORT)


@pytest.fixture
def front():
    """A ``RedisFront``, silent until the test sets ``forward_to``; stopped
    after the test."""
    server = RedisFront()
    yield server
    server.stop()


@pytest.fixture
def cache_hung(settings, front):
    """CACHE_URL at a Redis that accepts connections and never answers,
    with short timeouts."""
    use_redis(settings, f"redis://127.0.0.1:{front.port}/0", **SHORT)
    return front


@pytest.fixture(params=["refused", "hung"])
def cache_down(request):
    """Each way Redis fails: nothing listening, or listening and silent."""
    return request.getfixturevalue(f"cache_{request.param}")


@pytest.fixture
def catalog():
    """An event in a series and a category, and the addresses of every kind
    of public page. Made before the cache goes down (name it before the
    cache's fixture), so that the requests of the test meet the failure
    first, not a breaker opened by these saves."""
    series = make_series("Digital literacy")
    event = make_event(
        "Teaching search", series=series, categories=[make_category("Skills")]
    )
    return event, [
        "/",
        "/events/",
        "/events/past/",
        f"/events/calendar/{event.start.year}/{event.start.month}/",
        event.get_absolute_url(),
        series.get_absolute_url(),
        "/events/feed.ics",
        f"/events/feed.ics?category={event.categories.get().slug}",
        "/events/feed.rss",
        f"/events/{event.slug}/event.ics",
        "/accessibility/",
        "/privacy/",
    ]


# Every page, the feed, registration and sign-in


@pytest.mark.django_db
def test_every_page_and_feed_is_served_while_the_cache_is_down(
    catalog, cache_down, client
):
    """With Redis refusing connections or hung, every kind of public page
    answers 200 and shows its event, twice over (nothing stored, nothing
    broken), the feed carries the event, and an unknown address gets the
    404 page, not an error."""
    event, urls = catalog
    for _ in range(2):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
        assert event.title in client.get(event.get_absolute_url()).text
        assert f"SUMMARY:{event.title}" in client.get("/events/feed.ics").text
    response = client.get("/events/no-such-webinar/")
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.django_db(transaction=True)
def test_a_registration_is_taken_and_confirmed_while_the_cache_is_down(
    catalog, cache_down, client
):
    """The registration POST (rate limit counted in the cache, page markers
    moved in the cache) takes the seat, sends the member on to their result
    page and emails the confirmation."""
    event, _urls = catalog

    response = post_registration(client, event, email="reader@example.org")

    assert response.status_code == 302
    assert "/registered/" in response["Location"]
    registration = Registration.objects.get(email="reader@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    assert [message.to for message in mail.outbox] == [["reader@example.org"]]
    assert "There are 99 seats available." in client.get(event.get_absolute_url()).text


@pytest.mark.django_db
def test_staff_can_sign_in_while_the_cache_is_down(cache_down, client):
    """The admin sign-in POST answers a wrong password with its message on
    the page and signs in with the right one."""
    get_user_model().objects.create_user(
        "librarian", password="correct horse battery", is_staff=True
    )
    login = reverse("admin:login")
    fields = {"username": "librarian", "next": "/admin/"}

    wrong = client.post(login, {**fields, "password": "guess"})
    assert wrong.status_code == 200
    assert "Please enter the correct username and password" in wrong.text
    right = client.post(login, {**fields, "password": "correct horse battery"})
    assert right.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_staff_edits_save_while_the_cache_is_down(cache_down, catalog):
    """Saving an event moves the feeds' and pages' markers in the cache;
    with the cache down the edit is saved all the same."""
    event, _urls = catalog
    event.title = "Teaching search, again"
    event.save()
    event.refresh_from_db()
    assert event.title == "Teaching search, again"


# The circuit breaker


@pytest.mark.django_db
def test_a_hung_redis_is_waited_for_once_not_on_every_request(
    catalog, cache_hung, client, caplog
):
    """Twenty requests of every kind against a Redis that never answers open
    one connection to it between them: the first cache call waits out its
    timeout and opens the breaker, every later call is a miss at once. One
    warning says so, not one per call."""
    _event, urls = catalog
    caplog.set_level(logging.WARNING, logger="serving.cache")

    for index in range(20):
        assert client.get(urls[index % len(urls)]).status_code == 200

    assert cache_hung.first_accepted.wait(timeout=10)
    assert cache_hung.accepted <= 2
    warnings = [r for r in caplog.records if r.name == "serving.cache"]
    assert len(warnings) == 1
    assert "cannot be reached" in warnings[0].getMessage()
    assert caches["default"].breaker.is_open


class Clock:
    """time.monotonic as the breaker sees it; moved by the test."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_url():
    """``redis_caches`` (tests/conftest.py) on this file's own Redis
    database: the real Redis behind the front."""
    return REDIS_URL


@pytest.mark.django_db
def test_the_cache_is_used_again_once_redis_answers(
    catalog, settings, front, redis_caches, client, caplog, django_assert_num_queries
):
    """Redis hangs: the breaker opens. Redis comes back (the front relays to
    a real one): within the breaker's time nothing tries it, so no
    connection is made; once that time has passed, one call tries it, gets
    through and closes the breaker (one warning each way), and pages are
    stored and served from Redis again."""
    target = urlsplit(REDIS_URL)
    use_redis(settings, f"redis://127.0.0.1:{front.port}{target.path}", **SHORT)
    clock = Clock()
    breaker = caches["pages"].breaker
    breaker.clock = clock
    caplog.set_level(logging.WARNING, logger="serving.cache")
    event, _urls = catalog
    url = event.get_absolute_url()

    assert client.get(url).status_code == 200
    assert breaker.is_open
    front.forward_to = (target.hostname, target.port)
    accepted_while_hung = front.accepted

    clock.now += RETRY_SECONDS - 1
    assert client.get(url).status_code == 200
    assert front.accepted == accepted_while_hung
    assert breaker.is_open

    clock.now += 2
    assert client.get(url).status_code == 200
    assert not breaker.is_open
    assert any(key.startswith(b"pages:") for key in redis_caches.scan_iter())
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    messages = [r.getMessage() for r in caplog.records if r.name == "serving.cache"]
    assert len(messages) == 2
    assert "cannot be reached" in messages[0]
    assert "answers again" in messages[1]


def test_after_its_time_the_breaker_lets_one_trial_call_through():
    """Open: no call goes through. Its time up: one call (the trial) goes
    through and the others still wait; a failed trial opens it for another
    full period, a successful one closes it for everyone."""
    clock = Clock()
    breaker = resilient.CircuitBreaker("test", retry_seconds=30, clock=clock)
    assert breaker.allow()

    breaker.failed(OSError("refused"))
    assert not breaker.allow()
    clock.now += 30
    assert breaker.allow()
    assert not breaker.allow()

    breaker.failed(OSError("refused"))
    clock.now += 29
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()
    breaker.succeeded()
    assert breaker.allow()
    assert breaker.allow()


def test_the_timeouts_and_the_breaker_time_come_from_the_environment():
    """CACHE_TIMEOUT_SECONDS bounds each Redis connect and read, and
    CACHE_RETRY_SECONDS is how long a failed Redis is left alone, for both
    caches; the defaults are a quarter of a second and 30 s."""
    expression = "[settings.CACHES[a]['OPTIONS'] for a in ('default', 'pages')]"
    env = {"SECRET_KEY": "x", "CACHE_URL": "redis://127.0.0.1:6379/0"}
    configured = {
        **env,
        "CACHE_TIMEOUT_SECONDS": "0.5",
        "CACHE_RETRY_SECONDS": "10",
    }
    options = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        "retry_seconds": 10.0,
    }
    assert setting_value(configured, expression) == str([options, options])
    defaults = {
        "socket_connect_timeout": 0.25,
        "socket_timeout": 0.25,
        "retry_seconds": 30.0,
    }
    assert setting_value(env, expression) == str([defaults, defaults])
