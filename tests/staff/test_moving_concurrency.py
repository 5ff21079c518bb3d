"""Two moves in opposite directions at once, in real threads on PostgreSQL.

Each move locks two events. Taken in the order of the move (from, then
to), one move would hold A and wait for B while the other holds B and
waits for A: PostgreSQL breaks the deadlock by failing one of them. The
service locks the lower id first, so they queue instead. The seam widened
is the one the service runs: right after it has locked its first event.
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError

from registrations import services
from registrations.models import Registration
from registrations.services import locking, moving
from tests.builders import make_event
from tests.registrations.conftest import race, register

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL): the race needs real row locks",
    ),
]


def hold_after_first_lock(monkeypatch, wait) -> list:
    """Call ``wait()`` after the first event a thread locks, so that the
    other move gets to take its own first lock meanwhile. Returns the ids
    locked, in order, to show the seam was used."""
    lock_event = locking.lock_event
    locked = []
    firsts = threading.local()

    def lock_then_wait(**lookup):
        event = lock_event(**lookup)
        locked.append(event.pk)
        if not getattr(firsts, "done", False):
            firsts.done = True
            wait()
        return event

    monkeypatch.setattr(locking, "lock_event", lock_then_wait)
    return locked


def opposite_moves():
    a, b = make_event("Session A"), make_event("Session B")
    ada = register(a, "ada@example.org").registration
    bob = register(b, "bob@example.org").registration
    jobs = [
        lambda: services.move_registration(registration_id=ada.pk, to_event_id=b.pk),
        lambda: services.move_registration(registration_id=bob.pk, to_event_id=a.pk),
    ]
    return a, b, jobs


def test_two_opposite_moves_both_succeed(monkeypatch):
    """Ada moves from A to B while Bob moves from B to A: both moves go
    through, each person ends with one active registration, at the other
    event."""
    a, b, jobs = opposite_moves()
    locked = hold_after_first_lock(monkeypatch, lambda: time.sleep(0.3))

    results = race(jobs)

    assert all(isinstance(r, services.MoveResult) for r in results), results
    assert len(locked) == 4
    active = Registration.objects.filter(status__in=Registration.ACTIVE)
    assert set(active.values_list("email", "event_id")) == {
        ("ada@example.org", b.pk),
        ("bob@example.org", a.pk),
    }


def test_control_locking_in_the_order_of_the_move_deadlocks(monkeypatch):
    """Control: lock "from" then "to", and let each move take its first lock
    before either goes on. Every run, PostgreSQL finds the deadlock and
    fails one move: what the test above would catch if the order went."""

    def in_the_order_given(*event_ids):
        return {pk: locking.lock_event(event_id=pk) for pk in event_ids}

    _a, _b, jobs = opposite_moves()
    monkeypatch.setattr(moving, "lock_events", in_the_order_given)
    both_hold_one = threading.Barrier(2)
    hold_after_first_lock(monkeypatch, lambda: both_hold_one.wait(timeout=30))

    results = race(jobs)

    failed = [r for r in results if isinstance(r, OperationalError)]
    assert len(failed) == 1, results
    assert "deadlock" in str(failed[0])
