"""Moving a registration to another event: staff's answer to "can I come to
the March session instead?".

The registration here is cancelled and a new one made there, in one
transaction: the person never holds two seats, nor loses theirs to a
refusal there. They get one email, about the new event, carrying the same
self-service link as before (the link moves with them), instead of a
cancellation receipt and a confirmation that would read as two mistakes.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import page_cache
from events.models import Event

from .. import selectors
from ..models import Registration
from . import locking, tally
from .errors import NOT_FOUND, RegistrationError, refusal
from .links import email_with_link, new_link, status_email_kind
from .waitlist import fill_seats

Status = Registration.Status


@dataclass(frozen=True)
class MoveResult:
    # The registration left behind, now cancelled.
    cancelled: Registration
    # The new registration: confirmed, or on the new event's waiting list.
    moved: Registration


def lock_events(*event_ids: int) -> dict[int, Event]:
    """Lock the events' rows, the lowest id first. Two moves between the
    same two events in opposite directions then queue on the same row
    instead of each holding the row the other waits for (a deadlock)."""
    events = {}
    for event_id in sorted(set(event_ids)):
        try:
            events[event_id] = locking.lock_event(event_id=event_id)
        except Event.DoesNotExist:
            raise RegistrationError(
                _("This event does not exist."), code=NOT_FOUND
            ) from None
    return events


def move_registration(*, registration_id: int, to_event_id: int) -> MoveResult:
    """Cancel the registration and register the same person for
    ``to_event_id`` under that event's rules (a seat, else its waiting
    list, else a refusal that leaves everything as it was). The seat freed
    here goes to the next in line. One email: the new event's confirmation
    (or waiting-list notice) with the person's link, which now shows the
    new registration."""
    with transaction.atomic(durable=True):
        # Read before the locks: a registration never changes its event, so
        # this cannot go stale while we wait for them.
        from_event_id = (
            Registration.objects.filter(pk=registration_id)
            .values_list("event_id", flat=True)
            .first()
        )
        if from_event_id is None:
            raise RegistrationError(
                _("This registration does not exist."), code=NOT_FOUND
            )
        if from_event_id == to_event_id:
            raise RegistrationError(
                _("This registration is already for that event."), code="same_event"
            )
        events = lock_events(from_event_id, to_event_id)
        source, target = events[from_event_id], events[to_event_id]
        registration = Registration.objects.get(pk=registration_id)
        registration.event = source
        if registration.status == Status.CANCELLED:
            raise RegistrationError(
                _("This registration is cancelled; there is nothing to move."),
                code="cancelled_registration",
            )
        if registration.status not in Registration.ACTIVE:
            raise RegistrationError(
                _("Approve or decline this registration before moving it."),
                code="not_active",
            )
        if registration.purged_at is not None:
            raise RegistrationError(
                _("This registrant's details were erased; there is no one to move."),
                code="purged",
            )

        now = timezone.now()
        seats = locking.read_seat_counts(
            target, email_normalized=registration.email_normalized
        )
        if seats.existing_id is not None:
            raise RegistrationError(
                _("They are already registered for %(event)s.") % {"event": target},
                code="already_registered",
            )
        state = selectors.registration_state(
            target, confirmed=seats.confirmed, waitlisted=seats.waitlisted, now=now
        )
        if not state.accepts_registrations:
            raise refusal(state.code, target)

        # The link they were sent goes with them; the row left behind gets
        # one that was never sent to anyone. Written in this order, since
        # a link belongs to one row at a time.
        link_secret, token_hash = registration.link_secret, registration.token_hash
        held_seat = registration.status == Status.CONFIRMED
        before = tally.tallied(registration)
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        new_link(registration)
        registration.save(
            update_fields=["status", "cancelled_at", "link_secret", "token_hash"]
        )
        moved = Registration(
            event=target,
            name=registration.name,
            email=registration.email,
            organization=registration.organization,
            library_id=registration.library_id,
            accommodation_request=registration.accommodation_request,
            status=Status.CONFIRMED
            if state.code == selectors.OPEN
            else Status.WAITLISTED,
            line_number=seats.next_in_line,
            link_secret=link_secret,
            token_hash=token_hash,
        )
        moved.save(force_insert=True)
        tally.count_changes(source.pk, [(before, tally.tallied(registration))])
        tally.count_changes(target.pk, [(None, tally.tallied(moved))])
        email_with_link(moved, status_email_kind(moved), now)
        page_cache.mark_seats_changed(source.slug)
        page_cache.mark_seats_changed(target.slug)
        if held_seat:
            fill_seats(source, now)
        return MoveResult(cancelled=registration, moved=moved)
