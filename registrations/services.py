"""The only code that claims or frees a seat, or changes an event's capacity.

Every function here runs in one transaction, locks the event row first (always
in that order, so two of them never deadlock), decides from counts read under
that lock, writes, and writes its emails to the outbox in the same
transaction; they are sent after the commit. On PostgreSQL the lock is a real
row lock; SQLite takes its write lock when the transaction begins
(``transaction_mode: IMMEDIATE`` in the settings), which serializes the same
way.
"""

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from events import page_cache
from events.models import Event

from . import selectors
from .emails import queue_email
from .models import OutboundEmail, Registration, hash_token, normalize_email

Status = Registration.Status
Kind = OutboundEmail.Kind

NOT_FOUND = "not_found"

# A repeat submission re-sends the person's email, but not more often than this.
DEFAULT_RESEND_INTERVAL = timedelta(minutes=5)

REFUSALS = {
    selectors.NOT_REQUIRED: _("This event does not need registration: just join us."),
    selectors.EXTERNAL: _("Registration for this event is on the sponsor's site."),
    selectors.CANCELLED: _("This event has been cancelled."),
    selectors.POSTPONED: _(
        "This event has been postponed; registration will reopen with its new date."
    ),
    selectors.UNPUBLISHED: _("This event is not open for registration."),
    selectors.CLOSED: _("Registration for this event has closed."),
    selectors.NOT_OPEN: _("Registration for this event opens on {date}."),
    selectors.FULL: _("Sorry, this event is full."),
    selectors.WAITLIST_FULL: _("Sorry, this event and its waiting list are full."),
}


class RegistrationError(Exception):
    """A registration rule said no. ``message`` is meant for the person."""

    def __init__(self, message, *, code: str):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool
    # Whether this submission put an email in the outbox (a repeat submission
    # only does once every few minutes).
    email_queued: bool


def resend_interval() -> timedelta:
    seconds = getattr(settings, "REGISTRATION_RESEND_INTERVAL", None)
    return DEFAULT_RESEND_INTERVAL if seconds is None else timedelta(seconds=seconds)


def new_token() -> tuple[str, str]:
    """A self-service token (256 bits from ``secrets``) and the hash we keep."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _lock_event(
    event_id: int | None = None,
    *,
    slug: str | None = None,
    registration_id: int | None = None,
    token_hash: str | None = None,
) -> Event:
    """The event's row, locked until the transaction ends: by id, by slug, or
    as the event of a registration (by its id or its token's hash). Everything
    that claims or frees a seat starts here. Raises ``Event.DoesNotExist``."""
    if slug is not None:
        by, value = "slug", slug
    elif registration_id is not None:
        by, value = "registration", registration_id
    elif token_hash is not None:
        by, value = "token_hash", token_hash
    else:
        by, value = "pk", event_id
    return _fetch_locked_event(by, value)


# How _lock_event finds the row. Through a registration, a subquery rather
# than a join: only the event's row is locked, and as a registration never
# moves to another event, the subquery cannot go stale while the statement
# waits for the lock.
EVENT_LOCK_WHERE = {
    "pk": "{events}.{event_pk} = %s",
    "slug": "{events}.{slug} = %s",
    "registration": (
        "{events}.{event_pk} = (SELECT {registrations}.{event_id} "
        "FROM {registrations} WHERE {registrations}.{registration_pk} = %s)"
    ),
    "token_hash": (
        "{events}.{event_pk} = (SELECT {registrations}.{event_id} "
        "FROM {registrations} WHERE {registrations}.{token_hash} = %s)"
    ),
}


@functools.cache
def _event_lock_statement(vendor: str, by: str) -> tuple[str, list[str], list]:
    """(SQL, attribute names, columns that need converting) to read and lock
    one event by ``by``: plain SQL, built once per process, because every
    registration and cancellation starts with it and the ORM took longer to
    build this thirty-column statement, each time, than the database took to
    answer it. The columns listed are those the ORM would convert (SQLite
    returns datetimes as text, for one); PostgreSQL needs none."""
    qn = connection.ops.quote_name
    meta = Event._meta
    registrations = Registration._meta
    fields = meta.concrete_fields
    where = EVENT_LOCK_WHERE[by].format(
        events=qn(meta.db_table),
        event_pk=qn(meta.pk.column),
        slug=qn(meta.get_field("slug").column),
        registrations=qn(registrations.db_table),
        registration_pk=qn(registrations.pk.column),
        event_id=qn(registrations.get_field("event").column),
        token_hash=qn(registrations.get_field("token_hash").column),
    )
    columns = ", ".join(f"{qn(meta.db_table)}.{qn(field.column)}" for field in fields)
    sql = f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {where}"  # noqa: S608
    if connection.features.has_select_for_update:
        sql = f"{sql} {connection.ops.for_update_sql()}"
    converted = [
        (index, column)
        for index, column in enumerate(field.get_col(meta.db_table) for field in fields)
        if _converters(column)
    ]
    return sql, [field.attname for field in fields], converted


def _converters(column) -> list:
    return connection.ops.get_db_converters(column) + column.get_db_converters(
        connection
    )


def _fetch_locked_event(by: str, value) -> Event:
    sql, names, converted = _event_lock_statement(connection.vendor, by)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        row = cursor.fetchone()
    if row is None:
        raise Event.DoesNotExist("No such event.")
    values = list(row)
    for index, column in converted:
        for convert in _converters(column):
            values[index] = convert(values[index], column, connection)
    return Event.from_db(connection.alias, names, values)


SEAT_COUNTS_SQL = (
    "SELECT status, COUNT(*), MAX(CASE WHEN email_normalized = %s THEN id END) "
    "FROM {table} WHERE event_id = %s AND status IN (%s, %s) GROUP BY status"
)


def _seat_counts(event: Event) -> tuple[int, int]:
    """(confirmed, waitlisted), read fresh; call it under the event lock."""
    confirmed, waitlisted, _existing = _seat_counts_and_existing(event)
    return confirmed, waitlisted


def _seat_counts_and_existing(
    event: Event, email_normalized: str | None = None
) -> tuple[int, int, int | None]:
    """(confirmed, waitlisted, id of this address's active registration or
    None), in one query. Call it under the event lock: as a statement of its
    own it reads after the lock was granted (a statement that waited for the
    lock would still see the rows as they were when it began).

    Plain SQL because every registration and every freed seat runs it, and
    the ORM took several times longer to build it than the database took to
    answer it; the one_active_registration_per_email constraint means at
    most one row can match the address.
    """
    sql = SEAT_COUNTS_SQL.format(
        table=connection.ops.quote_name(Registration._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                email_normalized,
                event.pk,
                Status.CONFIRMED.value,
                Status.WAITLISTED.value,
            ],
        )
        rows = cursor.fetchall()
    counts = {status: count for status, count, _mine in rows}
    existing = max((mine for _s, _c, mine in rows if mine is not None), default=None)
    return counts.get(Status.CONFIRMED, 0), counts.get(Status.WAITLISTED, 0), existing


def _refuse(code: str, event: Event) -> RegistrationError:
    message = REFUSALS[code]
    if code == selectors.NOT_OPEN:
        opens = event.registration_opens.astimezone(event.tz)
        date = dateformat.format(opens, "l, F j, Y, g:i A")
        message = str(message).format(date=f"{date} {event.time_zone_label}")
    return RegistrationError(message, code=code)


def _email_with_link(
    registration: Registration,
    kind: str,
    now: datetime,
    *,
    also_save: tuple[str, ...] = (),
) -> None:
    """Issue a new token (the old link stops working) and queue ``kind``.
    ``also_save``: fields the caller changed, written in the same UPDATE."""
    token, registration.token_hash = new_token()
    registration.last_emailed_at = now
    registration.save(update_fields=["token_hash", "last_emailed_at", *also_save])
    queue_email(
        registration=registration,
        kind=kind,
        token=token,
        position=registration.waitlist_position,
    )


def _status_email_kind(registration: Registration) -> str:
    if registration.status == Status.CONFIRMED:
        return Kind.CONFIRMATION
    return Kind.WAITLISTED


def _fill_seats(event: Event, now: datetime) -> list[Registration]:
    """Promote the earliest waitlisted registrations into the free seats."""
    if event.status != Event.Status.SCHEDULED or now >= event.start:
        return []
    waiting = Registration.objects.filter(
        event=event, status=Status.WAITLISTED
    ).order_by("pk")
    if event.capacity is not None:
        confirmed, _waitlisted = _seat_counts(event)
        free = max(event.capacity - confirmed, 0)
        if not free:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        _promote(registration, event, now)
    return promoted


def _promote(registration: Registration, event: Event, now: datetime) -> None:
    registration.event = event
    registration.status = Status.CONFIRMED
    registration.promoted_at = now
    _email_with_link(
        registration, Kind.PROMOTION, now, also_save=("status", "promoted_at")
    )
    page_cache.mark_seats_changed(event.slug)


def register_for_event(
    *,
    event_id: int | None = None,
    event_slug: str | None = None,
    name: str,
    email: str,
    organization: str = "",
    accommodation_request: str = "",
    notify: bool = True,
) -> RegistrationResult:
    """Confirm a seat, or a place on the waiting list, or refuse with a reason.

    Someone already registered (same address, any letter case) gets their
    existing registration back and their email again, at most once every
    few minutes. ``notify=False`` (staff entering people, demo data) sends
    nothing; a later resend gives them their link.

    The event is given by ``event_id`` or, from the registration page, by
    ``event_slug``, so that finding it and locking it is one query.
    """
    if (event_id is None) == (event_slug is None):
        raise TypeError("Give event_id or event_slug.")
    name, email = name.strip(), email.strip()
    if not name or "@" not in email:
        raise RegistrationError(
            _("Please give your name and email address."), code="invalid"
        )
    with transaction.atomic():
        try:
            event = _lock_event(event_id, slug=event_slug)
        except Event.DoesNotExist:
            raise RegistrationError(
                _("This event does not exist."), code=NOT_FOUND
            ) from None
        now = timezone.now()
        confirmed, waitlisted, existing_id = _seat_counts_and_existing(
            event, normalize_email(email)
        )
        state = selectors.registration_state(
            event, confirmed=confirmed, waitlisted=waitlisted, now=now
        )
        if state.code not in {
            selectors.OPEN,
            selectors.WAITLIST,
            selectors.FULL,
            selectors.WAITLIST_FULL,
        }:
            raise _refuse(state.code, event)

        if existing_id is not None:
            existing = Registration.objects.get(pk=existing_id)
            existing.event = event
            due = notify and (
                existing.last_emailed_at is None
                or now - existing.last_emailed_at >= resend_interval()
            )
            if due:
                _email_with_link(existing, _status_email_kind(existing), now)
            return RegistrationResult(existing, created=False, email_queued=due)

        if not state.accepts_registrations:
            raise _refuse(state.code, event)
        status = Status.CONFIRMED if state.code == selectors.OPEN else Status.WAITLISTED
        token, token_hash = new_token()
        registration = Registration.objects.create(
            event=event,
            name=name,
            email=email,
            organization=organization.strip(),
            accommodation_request=accommodation_request.strip(),
            status=status,
            token_hash=token_hash,
            last_emailed_at=now if notify else None,
        )
        page_cache.mark_seats_changed(event.slug)
        if notify:
            queue_email(
                registration=registration,
                kind=_status_email_kind(registration),
                token=token,
                position=waitlisted + 1 if status == Status.WAITLISTED else None,
            )
        return RegistrationResult(registration, created=True, email_queued=notify)


def _locked_registration(
    registration_id: int | None = None, *, token: str | None = None
) -> tuple[Registration, Event]:
    """Lock the registration's event, then read the registration fresh, by
    its id or by the token of its self-service link.

    Read after the lock, the token is checked against the row as it is now:
    a link replaced by a new one (a promotion emails a fresh link) while we
    waited no longer works.
    """
    try:
        if token is None:
            event = _lock_event(registration_id=registration_id)
            registration = Registration.objects.get(pk=registration_id)
        elif 0 < len(token) <= 200:  # any string may arrive in a URL
            token_hash = hash_token(token)
            event = _lock_event(token_hash=token_hash)
            registration = Registration.objects.get(token_hash=token_hash)
        else:
            raise Registration.DoesNotExist
    except (Event.DoesNotExist, Registration.DoesNotExist):
        raise RegistrationError(
            _("This registration does not exist."), code=NOT_FOUND
        ) from None
    registration.event = event
    return registration, event


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
    with transaction.atomic():
        registration, event = _locked_registration(registration_id, token=token)
        if registration.status == Status.CANCELLED:
            return registration
        now = timezone.now()
        if not by_staff and now >= event.start:
            raise RegistrationError(
                _("This event has started, so the registration can no longer change."),
                code=selectors.CLOSED,
            )
        held_seat = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        page_cache.mark_seats_changed(event.slug)
        if now < event.start and event.status != Event.Status.CANCELLED:
            queue_email(registration=registration, kind=Kind.CANCELLATION)
        if held_seat:
            _fill_seats(event, now)
        return registration


def promote_waitlist(
    *, event_id: int, registration_id: int | None = None
) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served.

    With ``registration_id``, staff promote that person ahead of the line,
    which still needs a free seat.
    """
    with transaction.atomic():
        event = _lock_event(event_id)
        now = timezone.now()
        if registration_id is None:
            return _fill_seats(event, now)
        registration = Registration.objects.get(pk=registration_id, event=event)
        if registration.status != Status.WAITLISTED:
            raise RegistrationError(
                _("This registration is not on the waiting list."),
                code="not_waitlisted",
            )
        if event.status == Event.Status.CANCELLED:
            raise _refuse(selectors.CANCELLED, event)
        confirmed, _waitlisted = _seat_counts(event)
        if event.capacity is not None and confirmed >= event.capacity:
            raise RegistrationError(
                _(
                    "No seat is free. Raise the capacity or cancel a "
                    "registration first."
                ),
                code=selectors.FULL,
            )
        _promote(registration, event, now)
        return [registration]


def change_capacity(*, event_id: int, capacity: int | None) -> list[Registration]:
    """Set an event's seats (None: no limit). Raising it promotes as many
    waitlisted registrations as now fit; it may not go below the seats
    already confirmed. Returns the promoted registrations."""
    with transaction.atomic():
        event = _lock_event(event_id)
        confirmed, _waitlisted = _seat_counts(event)
        if capacity is not None and capacity < confirmed:
            raise RegistrationError(
                _(
                    "%(confirmed)s people already hold a confirmed seat, so the "
                    "capacity cannot go below %(confirmed)s. Cancel registrations "
                    "first if you need fewer seats."
                )
                % {"confirmed": confirmed},
                code="capacity_below_confirmed",
            )
        event.capacity = capacity
        event.save(update_fields=["capacity", "updated_at"])
        return _fill_seats(event, timezone.now())


def cancel_event(*, event_id: int) -> int:
    """Cancel an event and email everyone who holds a seat or a place in line.

    Registrations keep their status, so the roster still shows who was
    coming. Returns how many people were notified.
    """
    with transaction.atomic():
        event = _lock_event(event_id)
        if event.status == Event.Status.CANCELLED:
            raise RegistrationError(
                _("This event is already cancelled."), code="already_cancelled"
            )
        event.status = Event.Status.CANCELLED
        # Event.save raises the calendar sequence for a status change.
        event.save(update_fields=["status", "updated_at"])
        active = Registration.objects.filter(
            event=event, status__in=Registration.ACTIVE
        ).order_by("pk")
        return _queue_for_each(active, event, Kind.EVENT_CANCELLED)


def _queue_for_each(registrations, event: Event, kind: str) -> int:
    """Queue ``kind`` (an email without a self-service link) to each."""
    queued = 0
    for registration in registrations:
        registration.event = event
        queue_email(registration=registration, kind=kind)
        queued += 1
    return queued


def notify_event_changed(*, event_id: int) -> int:
    """Tell everyone holding a seat or a place in line that the event moved
    (a new time or place). Seat holders get the updated .ics with the join
    link; each email carries a fresh self-service link. Returns the count."""
    with transaction.atomic():
        event = _lock_event(event_id)
        now = timezone.now()
        if event.status == Event.Status.CANCELLED or event.end <= now:
            return 0
        told = 0
        for registration in Registration.objects.filter(
            event=event, status__in=Registration.ACTIVE, purged_at__isnull=True
        ).order_by("pk"):
            registration.event = event
            _email_with_link(registration, Kind.EVENT_CHANGED, now)
            told += 1
        return told


def send_recording(*, event_id: int) -> int:
    """Email the recording to everyone who held a seat or a place in line,
    once each however often it is asked. Returns how many were emailed."""
    with transaction.atomic():
        event = _lock_event(event_id)
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
        due = (
            Registration.objects.filter(
                event=event, status__in=Registration.ACTIVE, purged_at__isnull=True
            )
            .exclude(pk__in=already)
            .order_by("pk")
        )
        return _queue_for_each(due, event, Kind.RECORDING)


def resend_registration_email(*, registration_id: int) -> Registration:
    """Staff's "resend": the person's current status, with a new link (the
    old one stops working)."""
    with transaction.atomic():
        registration, _event = _locked_registration(registration_id)
        if registration.status == Status.CANCELLED:
            raise RegistrationError(
                _("This registration is cancelled; there is nothing to resend."),
                code="cancelled_registration",
            )
        if registration.purged_at is not None:
            raise RegistrationError(
                _("This registrant's details were erased; there is no one to email."),
                code="purged",
            )
        _email_with_link(registration, _status_email_kind(registration), timezone.now())
        return registration


def mark_attended(*, registration_id: int, attended: bool = True) -> Registration:
    with transaction.atomic():
        registration, _event = _locked_registration(registration_id)
        registration.attended = attended
        registration.save(update_fields=["attended"])
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
            event = _lock_event(event_id)
            if event.status != Event.Status.SCHEDULED or event.start <= now:
                continue
            due = Registration.objects.filter(
                event=event, status=Status.CONFIRMED, reminder_sent_at__isnull=True
            ).order_by("pk")
            for registration in due:
                registration.event = event
                registration.reminder_sent_at = now
                registration.save(update_fields=["reminder_sent_at"])
                _email_with_link(registration, Kind.REMINDER, now)
                reminded += 1
    return reminded


# What a purged registration keeps in place of an address. The pk makes it
# unique, so purged registrations never collide under
# one_active_registration_per_email; a domain without a dot is one the
# registration form refuses, so no member can already hold it; and
# ".invalid" (RFC 2606) delivers nowhere.
PURGED_EMAIL_PREFIX, PURGED_EMAIL_SUFFIX = "purged-", "@invalid"
# Stands in for a purged row's name in the admin's history of changes.
PURGED_REPR = "(personal data purged)"
PURGED_NOT_SENT = "Not sent: the registrant's personal data was purged."


def _purged_address(pk_field: str) -> Concat:
    return Concat(
        Value(PURGED_EMAIL_PREFIX),
        Cast(pk_field, output_field=CharField()),
        Value(PURGED_EMAIL_SUFFIX),
    )


def registrations_due_for_purge(
    *, now: datetime | None = None, days: int | None = None
) -> QuerySet[Registration]:
    """Registrations that still hold personal data although their event ended
    more than ``days`` (default ``PERSONAL_DATA_RETENTION_DAYS``) ago."""
    now = now or timezone.now()
    if days is None:
        days = settings.PERSONAL_DATA_RETENTION_DAYS
    return Registration.objects.filter(
        event__end__lt=now - timedelta(days=days), purged_at__isnull=True
    )


def purge_personal_data(*, now: datetime | None = None, days: int | None = None) -> int:
    """Erase registrants' names, emails, organizations and requests, and the
    emails we wrote them, once their event ended more than ``days`` ago.

    Status, attendance and timestamps stay, so every count per event is the
    same afterwards. The self-service link stops working. Each event is
    purged in its own transaction under its lock; a second run finds
    nothing. Returns how many registrations were purged.
    """
    now = now or timezone.now()
    event_ids = list(
        registrations_due_for_purge(now=now, days=days)
        .order_by("event_id")
        .values_list("event_id", flat=True)
        .distinct()
    )
    purged = 0
    for event_id in event_ids:
        with transaction.atomic():
            event = _lock_event(event_id)
            # Read again under the lock: the event's end may have moved.
            ids = list(
                registrations_due_for_purge(now=now, days=days)
                .filter(event=event)
                .values_list("pk", flat=True)
            )
            if not ids:
                continue
            address = _purged_address("pk")
            Registration.objects.filter(pk__in=ids).update(
                name="",
                email=address,
                email_normalized=address,
                organization="",
                accommodation_request="",
                # Not a SHA-256 hex digest, so no token can ever match it.
                token_hash=Concat(
                    Value("purged-"), Cast("pk", output_field=CharField())
                ),
                purged_at=now,
            )
            emails = OutboundEmail.objects.filter(registration_id__in=ids)
            email_ids = [str(pk) for pk in emails.values_list("pk", flat=True)]
            emails.update(
                recipient=_purged_address("registration_id"),
                subject="",
                body_text="",
                body_html="",
                ics="",
                # A mail server's refusal often quotes the address.
                last_error="",
            )
            emails.filter(status=OutboundEmail.Status.PENDING).update(
                status=OutboundEmail.Status.FAILED,
                next_attempt_at=None,
                last_error=PURGED_NOT_SENT,
            )
            # The admin's history names each row it changed by its str(),
            # which for a registration is the person's name and address.
            for model, pks in (
                (Registration, [str(pk) for pk in ids]),
                (OutboundEmail, email_ids),
            ):
                LogEntry.objects.filter(
                    content_type=ContentType.objects.get_for_model(model),
                    object_id__in=pks,
                ).update(object_repr=PURGED_REPR)
            purged += len(ids)
    return purged
