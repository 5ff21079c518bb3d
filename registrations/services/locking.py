"""The event lock and the seat counts read under it.

Every service that claims or frees a seat, or changes what a seat means,
starts by locking the event's row, and always that row first, so two of
them never deadlock. On PostgreSQL this is a row lock; SQLite takes its write
lock when the transaction begins (``transaction_mode: IMMEDIATE`` in the
settings), which serializes the same way.
"""

from typing import NamedTuple

from django.db.models import Count, Max, Q, Subquery
from django.utils.translation import gettext_lazy as _

from events.models import Event

from ..models import Registration, hash_token
from .errors import NOT_FOUND, RegistrationError

Status = Registration.Status


class SeatCounts(NamedTuple):
    confirmed: int
    waitlisted: int
    # The id of the given address's open registration (holding a seat or a
    # place in line, or awaiting approval), if it has one.
    existing_id: int | None = None
    # The highest line number of the event's open registrations (0 for
    # none): whoever is decided next takes the one after it.
    last_in_line: int = 0

    @property
    def next_in_line(self) -> int:
        return self.last_in_line + 1


def lock_event(
    *,
    event_id: int | None = None,
    slug: str | None = None,
    registration_id: int | None = None,
    token_hash: str | None = None,
) -> Event:
    """The event's row, locked until the transaction ends: by id, by slug, or
    as the event of a registration (by its id or its token's hash). Raises
    ``Event.DoesNotExist``.

    Through a registration, a subquery rather than a join, so that only the
    event's row is locked; a registration never moves to another event, so
    the subquery cannot go stale while the statement waits for the lock.
    """
    events = Event.objects.select_for_update()
    if slug is not None:
        return events.get(slug=slug)
    if event_id is not None:
        return events.get(pk=event_id)
    if registration_id is not None:
        registration = Registration.objects.filter(pk=registration_id)
    else:
        registration = Registration.objects.filter(token_hash=token_hash)
    return events.get(pk=Subquery(registration.values("event_id")[:1]))


def lock_registration(
    *, registration_id: int | None = None, token: str | None = None
) -> tuple[Registration, Event]:
    """Lock the registration's event, then read the registration fresh, by
    its id or by the token of its self-service link.

    Read after the lock, the token is checked against the row as it is now:
    a link staff revoked while we waited no longer works.
    """
    try:
        if token is None:
            event = lock_event(registration_id=registration_id)
            registration = Registration.objects.get(pk=registration_id)
        elif 0 < len(token) <= 200:  # any string may arrive in a URL
            token_hash = hash_token(token)
            event = lock_event(token_hash=token_hash)
            registration = Registration.objects.get(token_hash=token_hash)
        else:
            raise Registration.DoesNotExist
    except (Event.DoesNotExist, Registration.DoesNotExist):
        raise RegistrationError(
            _("This registration does not exist."), code=NOT_FOUND
        ) from None
    registration.event = event
    return registration, event


def read_seat_counts(event: Event, *, email_normalized: str = "") -> SeatCounts:
    """Confirmed and waitlisted registrations, the open registration
    (active, or awaiting approval) of ``email_normalized`` if any, and the
    last line number given, in one query. Call it under the event lock:
    as a statement of its own it reads after the lock was granted (a
    statement that waited for the lock would still see the rows as they were
    when it began). The one_open_registration_per_email constraint means
    at most one row can match the address."""
    counts = Registration.objects.filter(
        event=event, status__in=Registration.OPEN
    ).aggregate(
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
        existing_id=Max("pk", filter=Q(email_normalized=email_normalized)),
        last_in_line=Max("line_number"),
    )
    return SeatCounts(**counts | {"last_in_line": counts["last_in_line"] or 0})
