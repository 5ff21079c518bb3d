"""The last seats, raced for by real threads on PostgreSQL.

SQLite has no row locks (it serializes whole transactions), so these run only
where DATABASE_URL points at PostgreSQL, as in CI. Each race holds every
decision open right after the seat count the services really run
(``widen_after_counting``); the control takes the lock away and overbooks.
"""

import threading
import time

import pytest
from django.conf import settings

from events.models import Event
from registrations import services
from registrations.models import EventTally, Registration
from registrations.selectors import with_waitlist_positions
from registrations.services import locking
from tests.builders import make_event

from .conftest import race, widen_after_counting

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL): the race needs real row locks",
    ),
]

Status = Registration.Status
RACERS = 40
SEATS = 10


@pytest.fixture
def slow_counting(monkeypatch):
    """Hold each decision open a moment after counting seats, so that
    without the lock every racer would count before anyone writes."""
    return widen_after_counting(monkeypatch, lambda: time.sleep(0.02))


def registration_job(event, n):
    return lambda: services.register_for_event(
        event_id=event.pk, name=f"Racer {n}", email=f"racer{n}@example.org"
    )


def counts(event):
    active = Registration.objects.filter(event=event)
    return (
        active.filter(status=Status.CONFIRMED).count(),
        active.filter(status=Status.WAITLISTED).count(),
    )


def test_forty_racers_ten_seats_and_a_waitlist(slow_counting):
    """40 simultaneous registrations for 10 seats: exactly 10 confirmed and 30
    waitlisted, at positions 1 to 30 in the order they got the lock. The
    event had no tally: the first to get the lock made it, the others
    counted themselves in it."""
    event = make_event(capacity=SEATS, waitlist_enabled=True)
    results = race([registration_job(event, n) for n in range(RACERS)])
    assert all(isinstance(r, services.RegistrationResult) for r in results), results
    assert len(slow_counting) == RACERS
    assert counts(event) == (SEATS, RACERS - SEATS)
    tally = EventTally.objects.get(event=event).counts()
    assert (tally["confirmed"], tally["waitlisted"]) == (SEATS, RACERS - SEATS)
    waiting = with_waitlist_positions(
        Registration.objects.filter(event=event, status=Status.WAITLISTED)
    ).order_by("pk")
    assert [r.position for r in waiting] == list(range(1, RACERS - SEATS + 1))
    # Arrival order: every confirmed row got the lock before every waitlisted one.
    confirmed_ids = Registration.objects.filter(
        event=event, status=Status.CONFIRMED
    ).values_list("pk", flat=True)
    assert max(confirmed_ids) < min(r.pk for r in waiting)


def test_forty_racers_ten_seats_no_waitlist(slow_counting):
    """Without a waiting list: exactly 10 confirmed, 30 told the event is full."""
    event = make_event(capacity=SEATS, waitlist_enabled=False)
    results = race([registration_job(event, n) for n in range(RACERS)])
    refused = [r for r in results if isinstance(r, services.RegistrationError)]
    assert len(slow_counting) == RACERS
    assert len(refused) == RACERS - SEATS
    assert {r.code for r in refused} == {"full"}
    assert counts(event) == (SEATS, 0)


def test_concurrent_cancellations_and_registrations_never_exceed_capacity(
    slow_counting,
):
    """Ten cancellations (each promoting someone) racing ten new
    registrations and a capacity change end with every seat filled and none
    over; each of them counted the seats through the slowed count. The
    event's tally still equals a recount."""
    event = make_event(capacity=SEATS)
    holders = [
        registration_job(event, f"holder{n}")().registration for n in range(SEATS)
    ]
    for n in range(SEATS):
        registration_job(event, f"waiting{n}")()
    jobs = [
        (lambda pk=r.pk: services.cancel_registration(registration_id=pk))
        for r in holders
    ]
    jobs += [registration_job(event, f"new{n}") for n in range(SEATS)]
    jobs.append(lambda: services.change_capacity(event_id=event.pk, capacity=SEATS))
    counted_before = len(slow_counting)
    results = race(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(slow_counting) - counted_before >= len(jobs)
    confirmed, waitlisted = counts(event)
    assert confirmed == SEATS == Event.objects.get(pk=event.pk).capacity
    assert waitlisted == SEATS
    # The tally the reports read changed with every racer, under the lock.
    tally = EventTally.objects.get(event=event).counts()
    EventTally.objects.recount()
    assert EventTally.objects.get(event=event).counts() == tally
    assert (tally["confirmed"], tally["waitlisted"]) == (SEATS, SEATS)


def test_without_the_lock_the_same_race_overbooks(monkeypatch):
    """Control: replace the lock with a plain read of the event, and hold
    every racer after counting until all 40 have counted. Each then sees
    every seat free, so all 40 are confirmed for 10 seats, on every run:
    what the tests above would catch if the lock went missing."""

    def read_without_locking(*, event_id=None, slug=None, **_lookups):
        if slug is not None:
            return Event.objects.get(slug=slug)
        return Event.objects.get(pk=event_id)

    monkeypatch.setattr(locking, "lock_event", read_without_locking)
    everyone_counted = threading.Barrier(RACERS)
    widen_after_counting(monkeypatch, lambda: everyone_counted.wait(timeout=30))
    event = make_event(capacity=SEATS, waitlist_enabled=True)
    # Its tally made beforehand: the first registration's insert of it also
    # relies on the lock, and would refuse all racers but one on its own.
    EventTally.objects.create(event=event)

    results = race([registration_job(event, n) for n in range(RACERS)])

    assert all(isinstance(r, services.RegistrationResult) for r in results), results
    assert counts(event) == (RACERS, 0)


def test_approvals_and_new_registrations_race_for_the_last_seats(slow_counting):
    """Ten registrants awaiting approval are approved while ten members
    register, for ten seats with a waiting list: every seat is filled and
    none over; everyone else is on the waiting list, nobody lost."""
    from members.models import LibraryDomain, MemberLibrary

    library = MemberLibrary.objects.create(name="Springfield Public Library")
    LibraryDomain.objects.create(library=library, domain="springfieldlibrary.org")
    event = make_event(
        capacity=SEATS,
        waitlist_enabled=True,
        who_may_register=Event.WhoMayRegister.MEMBERS,
    )
    awaiting = [
        services.register_for_event(
            event_id=event.pk,
            name=f"Named {n}",
            email=f"named{n}@gmail.com",
            organization="Springfield Public Library",
        ).registration
        for n in range(SEATS)
    ]
    assert {r.status for r in awaiting} == {Status.AWAITING_APPROVAL}
    jobs = [
        (lambda pk=r.pk: services.approve_registration(registration_id=pk))
        for r in awaiting
    ]
    jobs += [
        (
            lambda n=n: services.register_for_event(
                event_id=event.pk,
                name=f"Member {n}",
                email=f"member{n}@springfieldlibrary.org",
            )
        )
        for n in range(SEATS)
    ]
    counted_before = len(slow_counting)
    results = race(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(slow_counting) - counted_before == len(jobs)
    assert counts(event) == (SEATS, SEATS)
    assert not Registration.objects.filter(
        event=event, status=Status.AWAITING_APPROVAL
    ).exists()
    # Each decided under the lock took its own place in line.
    waiting = Registration.objects.filter(event=event, status=Status.WAITLISTED)
    assert sorted(r.waitlist_position for r in waiting) == list(range(1, SEATS + 1))
    assert len({r.line_number for r in waiting}) == SEATS


def test_without_the_lock_approvals_overbook(monkeypatch):
    """Control for the race above: with the lock replaced by a plain read
    and every approval held after counting until all have counted, each
    sees the seats free and all twenty are confirmed for ten seats."""
    from members.models import MemberLibrary

    library = MemberLibrary.objects.create(name="Springfield Public Library")
    event = make_event(
        capacity=SEATS,
        waitlist_enabled=True,
        who_may_register=Event.WhoMayRegister.MEMBERS,
    )
    awaiting = [
        services.register_for_event(
            event_id=event.pk,
            name=f"Named {n}",
            email=f"named{n}@gmail.com",
            organization=library.name,
        ).registration
        for n in range(2 * SEATS)
    ]

    def read_without_locking(*, registration_id=None, token=None):
        registration = Registration.objects.get(pk=registration_id)
        return registration, Event.objects.get(pk=registration.event_id)

    monkeypatch.setattr(locking, "lock_registration", read_without_locking)
    everyone_counted = threading.Barrier(2 * SEATS)
    widen_after_counting(monkeypatch, lambda: everyone_counted.wait(timeout=30))
    results = race(
        [
            (lambda pk=r.pk: services.approve_registration(registration_id=pk))
            for r in awaiting
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert counts(event) == (2 * SEATS, 0)
