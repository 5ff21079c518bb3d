"""The statements that every registration and cancellation runs: the
event's row read and locked (by id, by slug, or through a registration), and
a cancellation found by its link's token under that lock. They must read the
event whole and lock its row, and only its row.
"""

import threading
import time
import uuid
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import DatabaseError, connections, transaction
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import services
from registrations.models import Registration, hash_token
from registrations.services import locking
from tests.builders import make_event
from tests.subprocess_settings import setting_value

from .conftest import race, register, token_from, widen_after_counting

Status = Registration.Status
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def lookups(registration: Registration) -> dict[str, dict]:
    """Every way ``lock_event`` can be asked for this registration's event."""
    event = registration.event
    return {
        "pk": {"event_id": event.pk},
        "slug": {"slug": event.slug},
        "registration": {"registration_id": registration.pk},
        "token_hash": {"token_hash": registration.token_hash},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["pk", "slug", "registration", "token_hash"])
def test_the_locked_event_is_the_event_the_orm_reads(by):
    """Each lookup returns the event with every field as the ORM gives it:
    aware datetimes, a UUID, booleans, numbers."""
    opens = timezone.now() - timedelta(days=1)
    event = make_event(
        capacity=12,
        waitlist_enabled=True,
        waitlist_limit=3,
        registration_opens=opens,
        join_url="https://meet.example.org/j/9",
    )
    registration = register(event, 1).registration
    expected = Event.objects.get(pk=event.pk)
    with transaction.atomic():
        locked = locking.lock_event(**lookups(registration)[by])
    for field in Event._meta.concrete_fields:
        value = getattr(locked, field.attname)
        assert value == getattr(expected, field.attname), field.name
        assert type(value) is type(getattr(expected, field.attname)), field.name
    assert isinstance(locked.uid, uuid.UUID)
    assert isinstance(locked.start, datetime)
    assert timezone.is_aware(locked.start)
    assert locked.is_published is True
    assert not locked._state.adding
    assert locked._state.db == "default"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lookup",
    [
        {"event_id": 0},
        {"slug": "no-such-event"},
        {"registration_id": 0},
        {"token_hash": hash_token("no-such-token")},
    ],
)
def test_locking_an_event_that_is_not_there_raises_does_not_exist(lookup):
    """Locking an event by an id, slug, registration or token that matches nothing
    raises Event.DoesNotExist."""
    make_event()
    with transaction.atomic(), pytest.raises(Event.DoesNotExist):
        locking.lock_event(**lookup)


@pytest.mark.django_db
def test_cancelling_by_token_frees_the_seat_for_the_next_in_line(commit):
    """The self-service link's token is enough: the seat goes to the next in
    line in the same transaction."""
    event = make_event(capacity=1, waitlist_enabled=True)
    with commit():
        first = register(event, 1).registration
    token = token_from(mail.outbox[-1])
    waiting = register(event, 2).registration

    cancelled = services.cancel_registration(token=token)

    assert cancelled.pk == first.pk
    assert Registration.objects.get(pk=first.pk).status == Status.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED


@pytest.mark.django_db
def test_a_revoked_link_no_longer_cancels(client, commit):
    """Staff revoked the link; the old token is read under the lock and is
    unknown, both to the service and to the page, and nothing changes."""
    event = make_event(capacity=5)
    with commit():
        registration = register(event, 1).registration
    old_token = token_from(mail.outbox[-1])
    services.revoke_links(registration_id=registration.pk)

    with pytest.raises(services.RegistrationError) as refused:
        services.cancel_registration(token=old_token)
    assert refused.value.code == services.NOT_FOUND
    response = client.post(reverse("registrations:cancel", kwargs={"token": old_token}))
    assert response.status_code == 404
    assert "We don't recognize this link" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "nope", "a" * 201])
def test_an_unknown_or_malformed_token_cancels_nothing(client, token):
    """An empty, unknown or overlong cancellation token is refused as not found, by the
    service and by the page (404), and the registration stays confirmed."""
    event = make_event(capacity=5)
    registration = register(event, 1).registration
    with pytest.raises(services.RegistrationError) as refused:
        services.cancel_registration(token=token)
    assert refused.value.code == services.NOT_FOUND
    if token:
        url = reverse("registrations:cancel", kwargs={"token": token})
        assert client.post(url).status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


@pytest.mark.parametrize("arguments", [{}, {"registration_id": 1, "token": "x"}])
def test_cancel_needs_exactly_one_of_id_and_token(arguments):
    """Cancelling with neither a registration id nor a token, or with both, is a
    programming error (TypeError)."""
    with pytest.raises(TypeError):
        services.cancel_registration(**arguments)


# The settings


def test_postgresql_binds_parameters_on_the_server_and_prepares_statements():
    """A statement repeated on a persistent connection is planned once."""
    url = {"DATABASE_URL": "postgres://almanac@db.example.org:5432/almanac"}
    options = "settings.DATABASES['default']['OPTIONS']"
    assert (
        setting_value({"SECRET_KEY": "x"} | url, f"{options}['server_side_binding']")
        == "True"
    )
    assert (
        setting_value({"SECRET_KEY": "x"} | url, f"{options}['prepare_threshold']")
        == "5"
    )
    off = url | {"DATABASE_PREPARED_STATEMENTS": "0"}
    assert (
        setting_value({"SECRET_KEY": "x"} | off, f"'prepare_threshold' in {options}")
        == "False"
    )


# On PostgreSQL, with real row locks


def on_postgres(test):
    """Real row locks: PostgreSQL only, committed for real (other connections
    must see the rows)."""
    marks = [
        pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)"),
        pytest.mark.django_db(transaction=True),
        pytest.mark.postgres,
    ]
    for mark in marks:
        test = mark(test)
    return test


def in_another_connection(job):
    """Run ``job`` in a thread with its own database connection."""
    outcome = {}

    def run():
        try:
            with transaction.atomic():
                outcome["value"] = job()
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return outcome


@on_postgres
@pytest.mark.parametrize("by", ["registration", "token_hash"])
def test_locking_through_a_registration_locks_the_event_row_only(by):
    """Found through its registration, the event's row is locked and the
    registration's is not (a join would lock both, in an order of its own)."""
    event = make_event(capacity=5)
    registration = register(event, 1).registration
    with transaction.atomic():
        locking.lock_event(**lookups(registration)[by])
        event_lock = in_another_connection(
            lambda: Event.objects.select_for_update(nowait=True).get(pk=event.pk)
        )
        registration_lock = in_another_connection(
            lambda: Registration.objects.select_for_update(nowait=True).get(
                pk=registration.pk
            )
        )
    assert isinstance(event_lock.get("error"), DatabaseError)
    assert registration_lock.get("value") == registration


RACERS = 30
SEATS = 10


@pytest.fixture
def slow_counting(monkeypatch):
    """Hold each decision open a moment after counting, so that without the
    lock every racer would count before anyone writes."""
    return widen_after_counting(monkeypatch, lambda: time.sleep(0.02))


@on_postgres
def test_racers_by_slug_as_the_registration_page_sends_them(slow_counting):
    """The page's path (the event found by its slug in the locking query):
    exactly the seats confirmed, everyone else on the waiting list; each
    racer went through the slowed count."""
    event = make_event(capacity=SEATS, waitlist_enabled=True)
    results = race(
        [
            lambda n=n: services.register_for_event(
                event_slug=event.slug, name=f"Racer {n}", email=f"r{n}@example.org"
            )
            for n in range(RACERS)
        ]
    )
    assert all(isinstance(r, services.RegistrationResult) for r in results), results
    registrations = Registration.objects.filter(event=event)
    assert registrations.filter(status=Status.CONFIRMED).count() == SEATS
    assert registrations.filter(status=Status.WAITLISTED).count() == RACERS - SEATS
    assert len(slow_counting) == RACERS


@on_postgres
def test_cancellations_by_token_racing_registrations_fill_every_seat_once(
    commit, slow_counting
):
    """Seat holders cancelling through their links while newcomers register:
    every freed seat goes to the next in line, none is given twice; every
    cancellation and registration went through the slowed count."""
    event = make_event(capacity=SEATS, waitlist_enabled=True)
    tokens = []
    for n in range(SEATS):
        with commit():
            register(event, f"holder{n}@example.org")
        tokens.append(token_from(mail.outbox[-1]))
    line = [register(event, f"line{n}@example.org").registration for n in range(5)]
    jobs = [lambda t=t: services.cancel_registration(token=t) for t in tokens]
    jobs += [lambda n=n: register(event, f"new{n}@example.org") for n in range(SEATS)]
    counted_before = len(slow_counting)
    results = race(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(slow_counting) - counted_before == len(jobs)
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED)
    assert confirmed.count() == SEATS
    # The five already in line were promoted first, whoever won the races.
    assert set(confirmed.values_list("pk", flat=True)) >= {r.pk for r in line}
