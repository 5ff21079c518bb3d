"""Approving or declining a registration awaiting approval: someone who
named a member library from an address not on its domain (PRODUCT.md §9)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import page_cache

from .. import selectors
from ..emails import queue_email
from ..models import OutboundEmail, Registration
from . import locking, tally
from .errors import RegistrationError, refusal
from .links import email_with_link, status_email_kind

Status = Registration.Status

NOT_AWAITING = "not_awaiting"

# Where approval finds no seat and no place in line: as a new arrival would
# be refused, the registration is closed.
FULL = {selectors.FULL, selectors.WAITLIST_FULL}


def lock_awaiting(registration_id: int) -> Registration:
    registration, _event = locking.lock_registration(registration_id=registration_id)
    if registration.status != Status.AWAITING_APPROVAL:
        raise RegistrationError(
            _("This registration is not awaiting approval (it is %(status)s).")
            % {"status": registration.get_status_display().lower()},
            code=NOT_AWAITING,
        )
    return registration


def approve_registration(*, registration_id: int) -> Registration:
    """Staff confirm the registrant is a member. The registration is then
    decided as if it arrived now: a seat if one is free, else a place at
    the end of the waiting list, else (every seat and place taken) it is
    turned away, with an email saying the event is full; the person is
    emailed in each case. When the event takes nobody for
    another reason (registration closed, the event cancelled) the approval
    is refused with it, and the registration stays as it was."""
    with transaction.atomic():
        registration = lock_awaiting(registration_id)
        event = registration.event
        now = timezone.now()
        seats = locking.read_seat_counts(event)
        state = selectors.registration_state(
            event, confirmed=seats.confirmed, waitlisted=seats.waitlisted, now=now
        )
        if state.code in FULL:
            return close_without_a_seat(
                registration,
                now,
                status=Status.TURNED_AWAY,
                email=OutboundEmail.Kind.FULL_AT_APPROVAL,
            )
        if not state.accepts_registrations:
            raise refusal(state.code, event)
        before = tally.tallied(registration)
        if state.code == selectors.OPEN:
            registration.status = Status.CONFIRMED
        else:
            registration.status = Status.WAITLISTED
        registration.decided_at = now
        registration.line_number = seats.next_in_line
        email_with_link(
            registration,
            status_email_kind(registration),
            now,
            also_save=("status", "decided_at", "line_number"),
        )
        tally.count_changes(event.pk, [(before, tally.tallied(registration))])
        page_cache.mark_seats_changed(event.slug)
        return registration


def decline_registration(*, registration_id: int) -> Registration:
    """Staff find the registrant is not a member: the registration is
    declined (it never held a seat) and the person gets a short email."""
    with transaction.atomic():
        registration = lock_awaiting(registration_id)
        return close_without_a_seat(
            registration,
            timezone.now(),
            status=Status.DECLINED,
            email=OutboundEmail.Kind.DECLINED,
        )


def close_without_a_seat(
    registration: Registration, now, *, status: str, email: str
) -> Registration:
    """Decide the registration without a seat (``Registration.NOT_ADMITTED``;
    reports count both as turned away) and queue ``email`` saying why,
    unless the person's details were erased."""
    before = tally.tallied(registration)
    registration.status = status
    registration.decided_at = now
    registration.save(update_fields=["status", "decided_at"])
    tally.count_changes(registration.event_id, [(before, tally.tallied(registration))])
    if registration.purged_at is None:
        queue_email(registration=registration, kind=email)
    return registration
