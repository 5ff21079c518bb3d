"""The registration limit per client address (issue 12.2, issue 11.2):
colleagues behind one library's address can all register, a script from
one address cannot register hundreds, mistyped forms cost nothing, and the
counts live in the database, where no cache eviction or outage erases them."""

import os

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from limits.models import Attempt
from registrations.models import Registration
from tests.builders import make_event, post_registration

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many registration attempts from your network"
LIBRARY = "198.51.100.20"
# A Redis database of these tests' own (they clear it).
REDIS_URL = os.environ.get("TEST_LIMITS_REDIS_URL", "redis://127.0.0.1:6379/12")


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def register(client, event, n, **fields):
    """Colleague ``n`` posts the form; ``fields`` change what they typed."""
    fields = {"name": f"Colleague {n}", "email": f"colleague{n}@example.org", **fields}
    return post_registration(client, event, **fields)


def refused(response) -> bool:
    return response.status_code == 429 and TOO_MANY in response.text


@pytest.fixture
def redis_url():
    """``redis_caches`` (tests/conftest.py) on this module's own Redis
    database."""
    return REDIS_URL


def test_thirty_colleagues_at_one_library_all_register(settings):
    """With the default limits, thirty colleagues behind one library's
    address register for an event within minutes, and each is stored."""
    assert settings.REGISTRATION_RATE_LIMIT == "40/600"
    event = make_event(capacity=50)
    library = from_address(LIBRARY)
    statuses = [register(library, event, n).status_code for n in range(30)]
    assert statuses == [302] * 30
    assert Registration.objects.filter(event=event).count() == 30


def test_the_forty_first_registration_from_one_address_is_refused():
    """The forty-first registration from one address within ten minutes gets
    the event page with a clear message and 429, and stores nothing; a
    member at another address is not affected."""
    event = make_event(capacity=100)
    library = from_address(LIBRARY)
    for n in range(40):
        assert register(library, event, n).status_code == 302
    response = register(library, event, 40)
    assert refused(response)
    assert response["Retry-After"] == "600"
    assert "colleague40@example.org" in response.text  # what was typed stays
    assert Registration.objects.filter(event=event).count() == 40
    assert register(from_address("203.0.113.5"), event, 41).status_code == 302


def test_mistyped_forms_do_not_use_up_the_allowance(settings):
    """Ten POSTs with a mistyped address are shown their error, and leave
    the allowance whole: three registrations still go through, the fourth
    is refused."""
    settings.REGISTRATION_RATE_LIMIT = "3/600"
    event = make_event(capacity=10)
    library = from_address(LIBRARY)
    for n in range(10):
        response = register(library, event, n, email=f"colleague{n}@example")
        assert response.status_code == 200
        assert "Enter a valid email address" in response.text
    assert [register(library, event, n).status_code for n in range(3)] == [302] * 3
    assert refused(register(library, event, 3))


def test_a_repeat_registration_counts_like_a_new_one(settings):
    """Submitting an address that is registered already (which emails its
    link again) uses the allowance as a new registration does."""
    settings.REGISTRATION_RATE_LIMIT = "2/600"
    event = make_event(capacity=10)
    library = from_address(LIBRARY)
    assert register(library, event, 1).status_code == 302
    assert register(library, event, 1).status_code == 302
    assert refused(register(library, event, 2))
    assert Registration.objects.count() == 1


def test_a_script_posting_bad_forms_is_refused_at_the_ceiling(settings):
    """Every POST counts towards REGISTRATION_POST_LIMIT: after five bad
    ones, a sixth POST from that address is refused, good or bad; refused
    POSTs add no rows, so a script that keeps knocking grows nothing."""
    settings.REGISTRATION_POST_LIMIT = "5/600"
    event = make_event(capacity=10)
    script = from_address("192.0.2.66")
    for n in range(5):
        assert register(script, event, n, email="bad").status_code == 200
    assert refused(register(script, event, 5))
    assert refused(register(script, event, 6, email="bad"))
    for n in range(20):
        register(script, event, 7 + n)
    assert Attempt.objects.count() == 5
    assert not Registration.objects.exists()


def test_the_honeypot_and_refused_registrations_count_only_towards_the_ceiling(
    settings,
):
    """A bot's honeypot POST and a registration the event refuses (it is
    full, no waiting list) use none of the allowance, only the ceiling."""
    settings.REGISTRATION_RATE_LIMIT = "1/600"
    full = make_event(capacity=0, waitlist_enabled=False)
    event = make_event(capacity=10)
    library = from_address(LIBRARY)
    assert register(library, event, 1, homepage="http://spam.example").status_code
    assert register(library, full, 2).status_code == 200
    assert register(library, event, 3).status_code == 302
    assert refused(register(library, event, 4))
    assert list(Attempt.objects.order_by("pk").values_list("succeeded", flat=True)) == [
        False,
        False,
        True,
    ]


def test_the_window_slides(settings, clock):
    """An allowance of two per minute: used up at 0s and 30s, the third is
    refused at 59s, and allowed at 61s, when the first has left the window."""
    settings.REGISTRATION_RATE_LIMIT = "2/60"
    event = make_event(capacity=10)
    library = from_address(LIBRARY)
    assert register(library, event, 1).status_code == 302
    clock.advance(seconds=30)
    assert register(library, event, 2).status_code == 302
    clock.advance(seconds=29)
    assert refused(register(library, event, 3))
    clock.advance(seconds=2)
    assert register(library, event, 3).status_code == 302
    assert refused(register(library, event, 4))


def test_the_limit_holds_when_every_cache_is_cleared(settings, redis_caches):
    """Counted in the database: with both caches on a real Redis, clearing
    every cache (as an eviction or a restarted Redis would) gives the
    address no new allowance."""
    settings.REGISTRATION_RATE_LIMIT = "3/600"
    event = make_event(capacity=10)
    library = from_address(LIBRARY)
    for n in range(3):
        assert register(library, event, n).status_code == 302
        for cache in caches.all():
            cache.clear()
    assert refused(register(library, event, 3))


def test_the_limit_holds_with_the_cache_down(settings, caches_down):
    """With every cache a Redis that is not there, members still register
    up to the limit, and the next registration is still refused."""
    settings.REGISTRATION_RATE_LIMIT = "3/600"
    event = make_event(capacity=10)
    library = from_address(LIBRARY)
    for n in range(3):
        assert register(library, event, n).status_code == 302
    assert refused(register(library, event, 3))
    assert Registration.objects.count() == 3


def test_behind_a_proxy_members_are_told_apart_by_the_proxy_header(settings):
    """With REGISTRATION_CLIENT_IP_HEADER, the last address the proxy added
    is the client's: a client varying the first entry is still counted as
    itself, and another client behind the same proxy has its own allowance."""
    settings.REGISTRATION_RATE_LIMIT = "1/600"
    settings.REGISTRATION_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    event = make_event(capacity=10)
    first = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    forging = Client(
        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1"
    )
    second = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert register(first, event, 1).status_code == 302
    assert refused(register(forging, event, 2))
    assert register(second, event, 3).status_code == 302


def test_an_ipv6_network_shares_one_allowance(settings):
    """Addresses within one IPv6 /64 share the allowance (a client may use
    any of them); the next /64 has its own."""
    settings.REGISTRATION_RATE_LIMIT = "2/600"
    event = make_event(capacity=10)
    assert register(from_address("2001:db8:5:6::1"), event, 1).status_code == 302
    assert register(from_address("2001:db8:5:6::2"), event, 2).status_code == 302
    assert refused(register(from_address("2001:db8:5:6:ffff::9"), event, 3))
    assert register(from_address("2001:db8:5:7::1"), event, 4).status_code == 302


def test_no_address_is_stored():
    """What is stored for the limit is a keyed fingerprint: the address, in
    any spelling, appears nowhere in the row."""
    event = make_event(capacity=10)
    register(from_address("198.51.100.77"), event, 1)
    attempt = Attempt.objects.get()
    row = " ".join(str(value) for value in vars(attempt).values())
    assert "198.51.100.77" not in row
    assert len(attempt.key) == 32


def test_the_limit_is_counted_and_recorded_outside_the_event_lock(client):
    """A registration POST counts the address's attempts before the
    service's transaction, and records its own after the commit, so neither
    query holds the event's lock that everyone registering waits on."""
    event = make_event(capacity=10)
    with CaptureQueriesContext(connection) as queries:
        assert post_registration(client, event).status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    # Inside the test's own transaction, the service's is a savepoint.
    begin = next(n for n, sql in enumerate(statements) if sql.startswith("SAVEPOINT"))
    commit = next(n for n, sql in enumerate(statements) if sql.startswith("RELEASE"))
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in statements[begin + 1]
    limits = [n for n, sql in enumerate(statements) if '"limits_attempt"' in sql]
    assert len(limits) == 2
    assert limits[0] < begin < commit < limits[1]
    assert statements[limits[1]].startswith('INSERT INTO "limits_attempt"')
