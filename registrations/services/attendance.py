"""Attendance, recorded once the event has started: ticked by staff, or
read from the webinar platform's attendee report. Who recorded it, how and
when is kept with it (CE certificates rest on it)."""

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from limits import services as limits
from limits.services import Rate

from ..models import Registration
from . import locking, tally
from .certificates import settle_certificate
from .errors import RegistrationError

NOT_STARTED = "not_started"

Source = Registration.AttendanceSource


def refuse_before_start(event: Event) -> None:
    """Nobody can have attended yet, and a tick made in advance would count
    toward CE credit for someone who may not come."""
    if timezone.now() < event.start:
        raise RegistrationError(
            _(
                "Attendance can be marked once the event has started; "
                "this one has not started yet."
            ),
            code=NOT_STARTED,
        )


def mark_attended(
    *,
    registration_id: int,
    attended: bool = True,
    by: AbstractBaseUser | None = None,
    source: str = Source.STAFF,
) -> Registration:
    """Record whether the registrant attended, and who recorded it
    (``by``, a staff user) and how."""
    with transaction.atomic():
        registration, event = locking.lock_registration(registration_id=registration_id)
        refuse_before_start(event)
        before = tally.tallied(registration)
        registration.set_attendance(attended, source=source, by=by, at=timezone.now())
        registration.save(update_fields=Registration.ATTENDANCE_FIELDS)
        tally.count_changes(event.pk, [(before, tally.tallied(registration))])
        # Once attendance is final, a late tick issues the certificate and
        # an untick withdraws it.
        settle_certificate(registration=registration, event=event)
        return registration


def record_report_attendance(
    *,
    event_id: int,
    attended: Mapping[int, int],
    too_short: Mapping[int, int] = {},
    by: AbstractBaseUser | None = None,
) -> int:
    """Apply an attendee report staff confirmed: the registrations in
    ``attended`` (registration id -> minutes present) are marked attended;
    those in ``too_short`` keep their attendance, and who recorded it, as
    it was, with their minutes noted. Only the event's confirmed
    registrations are touched. Returns how many were marked attended."""
    too_short = too_short or {}
    with transaction.atomic():
        event = locking.lock_event(event_id=event_id)
        refuse_before_start(event)
        now = timezone.now()
        registrations = list(
            Registration.objects.filter(
                event=event,
                status=Registration.Status.CONFIRMED,
                pk__in=[*attended, *too_short],
            )
        )
        before = {r.pk: tally.tallied(r) for r in registrations}
        for registration in registrations:
            if registration.pk in attended:
                registration.set_attendance(True, source=Source.REPORT, by=by, at=now)
                registration.minutes_attended = attended[registration.pk]
            else:
                # Only the minutes: an attendance staff ticked, or the
                # registrant recorded with the code, keeps who recorded it.
                registration.minutes_attended = too_short[registration.pk]
        Registration.objects.bulk_update(
            registrations, [*Registration.ATTENDANCE_FIELDS, "minutes_attended"]
        )
        tally.count_changes(
            event.pk, [(before[r.pk], tally.tallied(r)) for r in registrations]
        )
        for registration in registrations:
            settle_certificate(registration=registration, event=event)
        return sum(r.pk in attended for r in registrations)


def record_attendance(
    *,
    event_id: int,
    attended_ids: Iterable[int],
    by: AbstractBaseUser | None = None,
    shown_attended_ids: Iterable[int] | None = None,
) -> int:
    """Apply the roster staff ticked: among the event's confirmed
    registrations, those in ``attended_ids`` attended and the others did
    not. Only the rows whose attendance changes are written, so one that
    the report or the registrant's code recorded keeps who recorded it.

    ``shown_attended_ids``, when given, is who was ticked when the page was
    drawn: a row staff left as it was shown is left as it is now, so a
    registrant who entered the code while the page was open is not
    unticked by a page that never showed it. Returns how many changed."""
    wanted = set(attended_ids)
    shown = None if shown_attended_ids is None else set(shown_attended_ids)
    with transaction.atomic():
        event = locking.lock_event(event_id=event_id)
        refuse_before_start(event)
        now = timezone.now()
        changed, before = [], {}
        for registration in Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED
        ).order_by("pk"):
            attended = registration.pk in wanted
            if shown is not None and attended == (registration.pk in shown):
                continue
            if registration.attended == attended:
                continue
            before[registration.pk] = tally.tallied(registration)
            registration.set_attendance(attended, source=Source.STAFF, by=by, at=now)
            changed.append(registration)
        Registration.objects.bulk_update(changed, Registration.ATTENDANCE_FIELDS)
        tally.count_changes(
            event.pk, [(before[r.pk], tally.tallied(r)) for r in changed]
        )
        # Once attendance is final, a late tick issues the certificate and
        # an untick withdraws it.
        for registration in changed:
            settle_certificate(registration=registration, event=event)
        return len(changed)


# Wrong attendance codes one registration may enter in a quarter of an hour.
WRONG_CODES = Rate(attempts=5, seconds=15 * 60)
CODE_SCOPE = "attendance_code"


def same_code(typed: str, code: str) -> bool:
    """Codes compare without case, spaces or dashes, as people type what
    they heard ("k7q-x3m")."""

    def plain(value: str) -> str:
        return "".join(ch for ch in value.upper() if ch.isalnum())

    return bool(code) and plain(typed) == plain(code)


def enter_attendance_code(*, token: str, code: str) -> Registration:
    """A confirmed registrant records their own attendance with the code
    read out during the webinar, from its start until the event's window
    after the end. Wrong codes are counted (the database, as the other
    limits are); after five in a quarter of an hour the next is refused
    without being checked."""
    with transaction.atomic(durable=True):
        registration, event = locking.lock_registration(token=token)
        if registration.status != Registration.Status.CONFIRMED:
            raise RegistrationError(
                _("Only a confirmed registration can record attendance."),
                code="not_confirmed",
            )
        refuse_before_start(event)
        now = timezone.now()
        if not event.takes_attendance_code(now):
            raise RegistrationError(
                _(
                    "The time to enter this event's attendance code has "
                    "passed. Please write to the organizer."
                ),
                code="code_closed",
            )
        if registration.attended:
            return registration
        key = str(registration.pk)
        if limits.is_over_limit(
            scope=CODE_SCOPE, key=key, successes=WRONG_CODES, attempts=WRONG_CODES
        ):
            raise RegistrationError(
                _(
                    "That was too many wrong codes. Please wait a quarter of "
                    "an hour, then try again."
                ),
                code="too_many_codes",
            )
        right = same_code(code, event.attendance_code)
        if right:
            before = tally.tallied(registration)
            registration.set_attendance(True, source=Source.CODE, by=None, at=now)
            registration.save(update_fields=Registration.ATTENDANCE_FIELDS)
            tally.count_changes(event.pk, [(before, tally.tallied(registration))])
            settle_certificate(registration=registration, event=event)
    if not right:
        # After the transaction: the refusal must not roll back its count.
        limits.record_attempt(scope=CODE_SCOPE, key=key, succeeded=False)
        raise RegistrationError(
            _("That is not this event's attendance code. Please check it."),
            code="wrong_code",
        )
    return registration
