"""The waiting list: free seats go to the next in line, first come first
served, and a capacity change promotes as many as now fit."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import page_cache
from events.models import Event

from .. import selectors
from ..models import LINE_ORDER, OutboundEmail, Registration
from . import locking, tally
from .errors import CAPACITY_BELOW_CONFIRMED, RegistrationError, refusal
from .links import email_with_link

Status = Registration.Status


def fill_seats(event: Event, now: datetime) -> list[Registration]:
    """Promote the earliest waitlisted registrations into the free seats of
    a scheduled event that has not started. Call it under the event lock."""
    if event.status != Event.Status.SCHEDULED or now >= event.start:
        return []
    waiting = Registration.objects.filter(
        event=event, status=Status.WAITLISTED
    ).order_by(*LINE_ORDER)
    if event.capacity is not None:
        confirmed = locking.read_seat_counts(event).confirmed
        free = max(event.capacity - confirmed, 0)
        if not free:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        promote(registration, event, now)
    return promoted


def promote(registration: Registration, event: Event, now: datetime) -> None:
    """Confirm a waitlisted registration and email its fresh link."""
    registration.event = event
    before = tally.tallied(registration)
    registration.status = Status.CONFIRMED
    registration.promoted_at = now
    email_with_link(
        registration,
        OutboundEmail.Kind.PROMOTION,
        now,
        also_save=("status", "promoted_at"),
    )
    tally.count_changes(event.pk, [(before, tally.tallied(registration))])
    page_cache.mark_seats_changed(event.slug)


def apply_capacity(event: Event, capacity: int | None) -> list[Registration]:
    """Set the seats of the locked ``event`` and promote as many as now fit.
    Refuses a capacity below the seats already confirmed."""
    confirmed = locking.read_seat_counts(event).confirmed
    if capacity is not None and capacity < confirmed:
        raise RegistrationError(
            CAPACITY_BELOW_CONFIRMED % {"confirmed": confirmed},
            code="capacity_below_confirmed",
        )
    event.capacity = capacity
    event.save(update_fields=["capacity", "updated_at"])
    return fill_seats(event, timezone.now())


def change_capacity(*, event_id: int, capacity: int | None) -> list[Registration]:
    """Set an event's seats (None: no limit). Raising it promotes as many
    waitlisted registrations as now fit; it may not go below the seats
    already confirmed. Returns the promoted registrations."""
    with transaction.atomic():
        return apply_capacity(locking.lock_event(event_id=event_id), capacity)


def promote_waitlist(
    *, event_id: int, registration_id: int | None = None
) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served.

    With ``registration_id``, staff promote that person ahead of the line,
    which still needs a free seat.
    """
    with transaction.atomic():
        event = locking.lock_event(event_id=event_id)
        now = timezone.now()
        if registration_id is None:
            return fill_seats(event, now)
        registration = Registration.objects.get(pk=registration_id, event=event)
        if registration.status != Status.WAITLISTED:
            raise RegistrationError(
                _("This registration is not on the waiting list."),
                code="not_waitlisted",
            )
        if event.status == Event.Status.CANCELLED:
            raise refusal(selectors.CANCELLED, event)
        confirmed = locking.read_seat_counts(event).confirmed
        if event.capacity is not None and confirmed >= event.capacity:
            raise RegistrationError(
                _(
                    "No seat is free. Raise the capacity or cancel a "
                    "registration first."
                ),
                code=selectors.FULL,
            )
        promote(registration, event, now)
        return [registration]
