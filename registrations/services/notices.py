"""What registrants are told about their event: it is cancelled, it moved,
its recording is out, it is soon; and staff's resend of a registration's
email. Nobody whose personal data was purged is written to."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event

from ..emails import queue_email
from ..models import OutboundEmail, Registration
from . import locking
from .errors import RegistrationError
from .links import email_with_link, status_email_kind

Status = Registration.Status
Kind = OutboundEmail.Kind


def reachable(event: Event, statuses=Registration.OPEN):
    """The event's registrants holding a seat or a place in line, or
    awaiting approval, whose address we still have, in arrival order."""
    return Registration.objects.filter(
        event=event, status__in=statuses, purged_at__isnull=True
    ).order_by("pk")


def _queue_for_each(registrations, event: Event, kind: str) -> int:
    """Queue ``kind`` (an email without a self-service link) to each."""
    queued = 0
    for registration in registrations:
        registration.event = event
        queue_email(registration=registration, kind=kind)
        queued += 1
    return queued


def announce_cancellation(event: Event) -> int:
    """Cancel the locked ``event`` and email its reachable registrants.
    Registrations keep their status, so the roster still shows who was
    coming. Returns how many were emailed."""
    if event.status == Event.Status.CANCELLED:
        raise RegistrationError(
            _("This event is already cancelled."), code="already_cancelled"
        )
    event.status = Event.Status.CANCELLED
    # Event.save raises the calendar sequence for a status change.
    event.save(update_fields=["status", "updated_at"])
    return _queue_for_each(reachable(event), event, Kind.EVENT_CANCELLED)


def cancel_event(*, event_id: int) -> int:
    """Cancel an event and email everyone who holds a seat or a place in
    line. Returns how many people were notified."""
    with transaction.atomic():
        return announce_cancellation(locking.lock_event(event_id=event_id))


def announce_move(event: Event, now: datetime) -> int:
    """Tell the locked ``event``'s reachable registrants it has a new time or
    place, unless it is cancelled or over. Seat holders get the updated .ics
    with the join link; each email carries a fresh self-service link."""
    if event.status == Event.Status.CANCELLED or event.end <= now:
        return 0
    told = 0
    for registration in reachable(event):
        registration.event = event
        email_with_link(registration, Kind.EVENT_CHANGED, now)
        told += 1
    return told


def notify_event_changed(*, event_id: int) -> int:
    """Tell everyone holding a seat or a place in line that the event moved
    (a new time or place). Returns how many were told."""
    with transaction.atomic():
        event = locking.lock_event(event_id=event_id)
        return announce_move(event, timezone.now())


def mail_recording(event: Event) -> int:
    """Email the locked ``event``'s recording to each reachable registrant
    not yet sent it. Refused before the event ends or without a URL."""
    if not event.recording_url:
        raise RegistrationError(
            _("This event has no recording URL yet."), code="no_recording"
        )
    if event.end > timezone.now():
        raise RegistrationError(
            _("The recording goes out once the event has ended."),
            code="not_ended",
        )
    already = OutboundEmail.objects.filter(
        registration__event=event, kind=Kind.RECORDING
    ).values("registration_id")
    due = reachable(event, Registration.ACTIVE).exclude(pk__in=already)
    return _queue_for_each(due, event, Kind.RECORDING)


def send_recording(*, event_id: int) -> int:
    """Email the recording to everyone who held a seat or a place in line,
    once each however often it is asked. Returns how many were emailed."""
    with transaction.atomic():
        return mail_recording(locking.lock_event(event_id=event_id))


def resend_registration_email(*, registration_id: int) -> Registration:
    """Staff's "resend": the person's current status, with their link (the
    same one as before, unless staff revoked it)."""
    with transaction.atomic():
        registration, _event = locking.lock_registration(
            registration_id=registration_id
        )
        if registration.status == Status.CANCELLED:
            raise RegistrationError(
                _("This registration is cancelled; there is nothing to resend."),
                code="cancelled_registration",
            )
        if registration.status in Registration.NOT_ADMITTED:
            raise RegistrationError(
                _("This registration holds no seat (%(status)s): nothing to resend.")
                % {"status": registration.get_status_display().lower()},
                code="declined_registration",
            )
        if registration.purged_at is not None:
            raise RegistrationError(
                _("This registrant's details were erased; there is no one to email."),
                code="purged",
            )
        email_with_link(registration, status_email_kind(registration), timezone.now())
        return registration


def send_reminders(*, within: timedelta, now: datetime | None = None) -> int:
    """Queue a reminder to every confirmed registrant of a scheduled event
    starting within ``within``. Each person is reminded once, ever: the
    waitlisted never, and a second run finds nobody new. Returns the count."""
    now = now or timezone.now()
    event_ids = list(
        Event.objects.filter(
            status=Event.Status.SCHEDULED,
            is_published=True,
            start__gt=now,
            start__lte=now + within,
            registrations__status=Status.CONFIRMED,
            registrations__reminder_sent_at__isnull=True,
        )
        .order_by("start", "pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    reminded = 0
    for event_id in event_ids:
        with transaction.atomic():
            event = locking.lock_event(event_id=event_id)
            if event.status != Event.Status.SCHEDULED or event.start <= now:
                continue
            due = Registration.objects.filter(
                event=event, status=Status.CONFIRMED, reminder_sent_at__isnull=True
            ).order_by("pk")
            for registration in due:
                registration.event = event
                registration.reminder_sent_at = now
                registration.save(update_fields=["reminder_sent_at"])
                email_with_link(registration, Kind.REMINDER, now)
                reminded += 1
    return reminded
