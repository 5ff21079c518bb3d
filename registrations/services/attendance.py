"""Attendance, recorded by staff after the event."""

from django.db import transaction

from ..models import Registration
from . import locking


def mark_attended(*, registration_id: int, attended: bool = True) -> Registration:
    """Record whether the registrant attended."""
    with transaction.atomic():
        registration, _event = locking.lock_registration(
            registration_id=registration_id
        )
        registration.attended = attended
        registration.save(update_fields=["attended"])
        return registration
