"""Attendance, recorded by staff once the event has started."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Registration
from . import locking
from .errors import RegistrationError

NOT_STARTED = "not_started"


def mark_attended(*, registration_id: int, attended: bool = True) -> Registration:
    """Record whether the registrant attended. Refused before the event
    starts: nobody can have attended yet, and a tick made in advance would
    count toward CE credit for someone who may not come."""
    with transaction.atomic():
        registration, event = locking.lock_registration(registration_id=registration_id)
        if timezone.now() < event.start:
            raise RegistrationError(
                _(
                    "Attendance can be marked once the event has started; "
                    "this one has not started yet."
                ),
                code=NOT_STARTED,
            )
        registration.attended = attended
        registration.save(update_fields=["attended"])
        return registration
