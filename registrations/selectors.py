"""Reads about registration: where an event's registration stands, who holds a
token. Nothing here writes; ``services`` decides with the same rules under the
event lock.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, When
from django.utils import timezone

from events.models import Event

from .models import Registration, hash_token

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
    """The state for an event page; uses ``with_seat_counts()`` if annotated."""
    return registration_state(
        event, confirmed=event.confirmed_seats, waitlisted=event.waitlisted_seats
    )


def state_changes_at(event: Event) -> tuple:
    """The moments at which ``registration_state`` may change by itself:
    registration opening and closing, the event starting and ending."""
    return (
        event.registration_opens,
        event.registration_closes_at,
        event.start,
        event.end,
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
    """Annotate ``position`` (1..N in the event's waiting list, by arrival) on
    waitlisted rows, None on the others, in the same query.

    A correlated subquery rather than a window, so it stays right whatever
    filter or search the outer queryset has.
    """
    ahead = (
        Registration.objects.filter(
            event_id=OuterRef("event_id"),
            status=Registration.Status.WAITLISTED,
            pk__lte=OuterRef("pk"),
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
