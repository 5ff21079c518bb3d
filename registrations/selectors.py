"""Reads about registration: an event's seats, where its registration stands,
who holds a token, someone's registrations, who a staff message reaches.
Nothing here writes; ``services`` decides with the same rules under the
event lock.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Event

from .models import Message, Registration, hash_token, in_line_before

# Where an event's registration stands. Only OPEN and WAITLIST take a form.
NOT_REQUIRED = "not_required"
EXTERNAL = "external"
CANCELLED = "cancelled"
POSTPONED = "postponed"
UNPUBLISHED = "unpublished"
CLOSED = "closed"
NOT_OPEN = "not_open"
OPEN = "open"
WAITLIST = "waitlist"
FULL = "full"
WAITLIST_FULL = "waitlist_full"


# Seats. Pages read an event's counts from two attributes set in the query
# that loads it (``with_seat_counts``) or in one query for a list of events
# already loaded (``count_seats``); ``Seats.of`` refuses an event without
# them rather than run a query per event shown.

SEAT_COUNTS = ("confirmed_count", "waitlisted_count")


class SeatCountsMissing(LookupError):
    """An event's seats were read before they were counted."""


def _counted(status: str) -> Coalesce:
    # Correlated subqueries rather than a join with GROUP BY: each uses the
    # (event, status) index, so a page of 20 events costs the same whatever
    # the number of registrations in the database.
    counted = (
        Registration.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_seat_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate ``confirmed_count`` and ``waitlisted_count`` on each event."""
    return queryset.annotate(
        confirmed_count=_counted(Registration.Status.CONFIRMED),
        waitlisted_count=_counted(Registration.Status.WAITLISTED),
    )


def count_seats(events: Iterable[Event]) -> None:
    """Count the seats of events already loaded, in one query for them all
    (none when every one is counted already)."""
    uncounted = {
        event.pk: event for event in events if not hasattr(event, SEAT_COUNTS[0])
    }
    if not uncounted:
        return
    rows = (
        Registration.objects.filter(event__in=uncounted.keys())
        .values("event")
        .order_by()
        .annotate(
            confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
            waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        )
    )
    counts = {row["event"]: (row["confirmed"], row["waitlisted"]) for row in rows}
    for pk, event in uncounted.items():
        event.confirmed_count, event.waitlisted_count = counts.get(pk, (0, 0))


@dataclass(frozen=True, slots=True)
class Seats:
    """An event's seats: ``capacity`` None means no limit."""

    capacity: int | None
    confirmed: int
    waitlisted: int

    @classmethod
    def of(cls, event: Event) -> "Seats":
        try:
            return cls(event.capacity, event.confirmed_count, event.waitlisted_count)
        except AttributeError:
            raise SeatCountsMissing(
                f"Seats of {event!r} read before with_seat_counts() or count_seats()."
            ) from None

    @property
    def left(self) -> int | None:
        """Free seats, or None when the event has no seat limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.left == 0


@dataclass(frozen=True)
class RegistrationState:
    code: str
    seats_left: int | None = None

    @property
    def accepts_registrations(self) -> bool:
        return self.code in {OPEN, WAITLIST}


def registration_state(
    event: Event, *, confirmed: int, waitlisted: int, now: datetime | None = None
) -> RegistrationState:
    """What a new registration would get right now, from the given counts.

    The order matters: an external or cancelled event says so even when full.
    """
    now = now or timezone.now()
    if not event.registration_required:
        return RegistrationState(NOT_REQUIRED)
    if event.external_registration_url:
        return RegistrationState(EXTERNAL)
    if event.status == Event.Status.CANCELLED:
        return RegistrationState(CANCELLED)
    if event.status == Event.Status.POSTPONED:
        return RegistrationState(POSTPONED)
    if not event.is_published:
        return RegistrationState(UNPUBLISHED)
    if now >= event.registration_closes_at or now >= event.start:
        return RegistrationState(CLOSED)
    if event.registration_opens and now < event.registration_opens:
        return RegistrationState(NOT_OPEN)
    if event.capacity is None:
        return RegistrationState(OPEN)
    seats_left = max(event.capacity - confirmed, 0)
    if seats_left > 0:
        return RegistrationState(OPEN, seats_left)
    if not event.waitlist_enabled:
        return RegistrationState(FULL, 0)
    if event.waitlist_limit is not None and waitlisted >= event.waitlist_limit:
        return RegistrationState(WAITLIST_FULL, 0)
    return RegistrationState(WAITLIST, 0)


def current_registration_state(event: Event) -> RegistrationState:
    """The state for a page, from the seats counted on ``event``."""
    seats = Seats.of(event)
    return registration_state(
        event, confirmed=seats.confirmed, waitlisted=seats.waitlisted
    )


def get_registration_by_token(token: str) -> Registration | None:
    """The registration a self-service link points to, or None.

    Any string may arrive in the URL; it is only ever hashed and compared.
    """
    if not token or len(token) > 200:
        return None
    return (
        Registration.objects.select_related("event")
        .filter(token_hash=hash_token(token))
        .first()
    )


def with_waitlist_positions(queryset):
    """Annotate ``position`` (1..N in the event's waiting list, in
    ``LINE_ORDER``) on waitlisted rows, None on the others, in the same
    query.

    A correlated subquery rather than a window, so it stays right whatever
    filter or search the outer queryset has.
    """
    ahead = (
        Registration.objects.filter(
            in_line_before(OuterRef("line_number"), OuterRef("pk"), or_at=True),
            event_id=OuterRef("event_id"),
            status=Registration.Status.WAITLISTED,
        )
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        position=Case(
            When(
                status=Registration.Status.WAITLISTED,
                then=Subquery(ahead, output_field=IntegerField()),
            ),
            default=None,
            output_field=IntegerField(),
        )
    )


def registrations_of(email_normalized: str) -> QuerySet[Registration]:
    """Every registration made with the address (any letter case), with its
    event: newest events first, so past ones come after the upcoming ones."""
    return (
        Registration.objects.filter(email_normalized=email_normalized)
        .select_related("event")
        .order_by("-event__start", "-pk")
    )


# Staff's messages to an event's registrants (``services.send_message``).

Audience = Message.Audience
# Who each audience is: filters on the event's registrations.
AUDIENCE_FILTERS = {
    Audience.CONFIRMED: Q(status=Registration.Status.CONFIRMED),
    Audience.WAITLISTED: Q(status=Registration.Status.WAITLISTED),
    # Attendance is only recorded for seat holders; one cancelled since
    # (a mistaken cancellation, say) is not written to as an attendee.
    Audience.ATTENDED: Q(status=Registration.Status.CONFIRMED, attended=True),
}


def message_recipients(event: Event, audience: str) -> QuerySet[Registration]:
    """The registrations of ``event`` in ``audience`` whose address we still
    have, in arrival order."""
    return Registration.objects.filter(
        AUDIENCE_FILTERS[audience], event=event, purged_at__isnull=True
    ).order_by("pk")


def count_audiences(event: Event) -> dict[str, int]:
    """How many people each audience would reach, in one query."""
    return Registration.objects.filter(event=event, purged_at__isnull=True).aggregate(
        **{
            audience: Count("pk", filter=condition)
            for audience, condition in AUDIENCE_FILTERS.items()
        }
    )
