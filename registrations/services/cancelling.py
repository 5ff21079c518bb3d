"""Cancelling a registration; the seat it frees goes to the next in line."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import page_cache
from events.models import Event

from .. import selectors
from ..emails import queue_email
from ..models import OutboundEmail, Registration
from . import locking, tally
from .errors import RegistrationError
from .waitlist import fill_seats

Status = Registration.Status


def cancel_registration(
    *,
    registration_id: int | None = None,
    token: str | None = None,
    by_staff: bool = False,
) -> Registration:
    """Cancel a registration; a freed seat goes to the next in line, in the
    same transaction. Cancelling twice changes nothing the second time.

    The registration is given by ``registration_id`` or, from a self-service
    link, by its ``token``, which is looked up under the event's lock (so
    the link's page needs no query of its own first).

    Members may cancel until the event starts; staff at any time.
    """
    if (registration_id is None) == (token is None):
        raise TypeError("Give registration_id or token.")
    with transaction.atomic(durable=True):
        registration, event = locking.lock_registration(
            registration_id=registration_id, token=token
        )
        if registration.status not in Registration.OPEN:  # nothing left to cancel
            return registration
        now = timezone.now()
        if not by_staff and now >= event.start:
            raise RegistrationError(
                _("This event has started, so the registration can no longer change."),
                code=selectors.CLOSED,
            )
        held_seat = registration.status == Status.CONFIRMED
        before = tally.tallied(registration)
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        tally.count_changes(event.pk, [(before, tally.tallied(registration))])
        page_cache.mark_seats_changed(event.slug)
        if now < event.start and event.status != Event.Status.CANCELLED:
            queue_email(registration=registration, kind=OutboundEmail.Kind.CANCELLATION)
        if held_seat:
            fill_seats(event, now)
        return registration
