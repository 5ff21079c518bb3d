"""Builders for CE credit tests: a webinar that has ended, with attendees."""

from datetime import timedelta
from decimal import Decimal

from django.utils.text import slugify

from registrations import services
from registrations.models import Registration, link_token
from tests.builders import make_event


def past_webinar_with_attendees(
    clock,
    names=("Pat Reader",),
    *,
    hours: str = "1.0",
    policy: str = "attendees",
    **fields,
):
    """A one-hour webinar registered for a day ahead, then the clock moved
    past its end (two hours after its start), each of ``names`` registered
    (``first.last@springfieldlibrary.org``) and ticked attended by staff.
    Attendance is not final yet. Returns the event and the registrations."""
    event = make_event(
        start=clock.now + timedelta(days=1),
        ce_hours=Decimal(hours) if hours else None,
        certificate_policy=policy,
        **fields,
    )
    registrations = [
        services.register_for_event(
            event_id=event.pk,
            name=name,
            email=f"{slugify(name).replace('-', '.')}@springfieldlibrary.org",
        ).registration
        for name in names
    ]
    clock.advance(days=1, hours=2)
    for registration in registrations:
        services.mark_attended(registration_id=registration.pk)
    return event, [Registration.objects.get(pk=r.pk) for r in registrations]


def token_of(registration: Registration) -> str:
    """The registrant's self-service token (what their emails link to)."""
    return link_token(registration.link_secret)
