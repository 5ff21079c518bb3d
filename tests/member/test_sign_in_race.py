"""One link per address every few minutes, when the requests race: real
threads on PostgreSQL. Each racer holds its decision open right after it
read when the address was last sent a link; the control takes the lock per
address away and sends several."""

import time

import pytest
from django.conf import settings

from registrations.models import OutboundEmail, SignInLink
from registrations.services import sign_in

from ..registrations.conftest import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL): the race needs real locks",
    ),
]

RACERS = 8


@pytest.fixture
def slow_reading(monkeypatch):
    """Wait a moment after each read of the address's last link, so that
    without the lock every racer reads before anyone writes. Returns the
    reads, to show the seam was used."""
    read = sign_in.last_link_sent_at
    reads = []

    def read_then_wait(email_normalized):
        last = read(email_normalized)
        reads.append(last)
        time.sleep(0.05)
        return last

    monkeypatch.setattr(sign_in, "last_link_sent_at", read_then_wait)
    return reads


def ask(email):
    return lambda: sign_in.request_sign_in_link(email=email)


def test_racing_requests_for_one_address_send_one_link(slow_reading):
    """Eight requests at once, in several letter cases: one link, one email."""
    cases = ["ada@example.org", "Ada@example.org", "ADA@EXAMPLE.ORG"]
    results = race([ask(cases[n % len(cases)]) for n in range(RACERS)])
    assert sorted(results) == [False] * (RACERS - 1) + [True]
    assert len(slow_reading) == RACERS
    assert SignInLink.objects.count() == 1
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.SIGN_IN).count() == 1


def test_racing_requests_for_different_addresses_each_get_a_link(slow_reading):
    """The lock is per address: eight addresses at once, eight links."""
    results = race([ask(f"racer{n}@example.org") for n in range(RACERS)])
    assert results == [True] * RACERS
    assert SignInLink.objects.count() == RACERS


def test_control_without_the_lock_sends_several(slow_reading, monkeypatch):
    """Control: with the lock taken away, racers all read "no link yet" and
    each sends one; the lock is what keeps it to one."""
    monkeypatch.setattr(sign_in, "lock_address", lambda email_normalized: None)
    results = race([ask("ada@example.org") for _ in range(RACERS)])
    assert results.count(True) > 1
    assert SignInLink.objects.count() > 1
