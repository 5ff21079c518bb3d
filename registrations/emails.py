"""The outbox: every email is a row written in the transaction of the change it
reports, and sent by a task after the commit.

``queue_email`` is called by the services (inside their transaction);
``deliver_outbound_email`` is what the task runs. A mail server that fails
costs a retry, never a registration.
"""

import logging
import threading
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .models import OutboundEmail, Registration

logger = logging.getLogger(__name__)

Kind = OutboundEmail.Kind

SUBJECTS = {
    Kind.CONFIRMATION: _("You're registered: {title}"),
    Kind.WAITLISTED: _("You're on the waiting list: {title}"),
    Kind.PROMOTION: _("A seat opened up, you're in: {title}"),
    Kind.CANCELLATION: _("Your registration is cancelled: {title}"),
    Kind.EVENT_CANCELLED: _("Event cancelled: {title}"),
    Kind.REMINDER: _("Reminder: {title}"),
    Kind.EVENT_CHANGED: _("New time: {title}"),
    Kind.RECORDING: _("Recording available: {title}"),
}

# Emails about a held seat carry the join URL and the event as an .ics.
SEAT_KINDS = {Kind.CONFIRMATION, Kind.PROMOTION, Kind.REMINDER, Kind.EVENT_CHANGED}

# Seconds to wait before each retry; one more try than there are delays.
DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200)

# A claim older than this belongs to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=15)


def retry_delays() -> tuple[int, ...]:
    return tuple(
        getattr(settings, "REGISTRATION_EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS)
    )


def max_attempts() -> int:
    return len(retry_delays()) + 1


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def when_text(event: Event) -> str:
    """ "Tuesday, March 3, 2026, 2:00 PM - 3:00 PM Eastern Time - US & Canada"."""
    start, end = event.local_start, event.local_end
    day = dateformat.format(start, "l, F j, Y")
    start_time = dateformat.format(start, "g:i A")
    if start.date() == end.date():
        end_text = dateformat.format(end, "g:i A")
    else:
        end_text = dateformat.format(end, "l, F j, Y, g:i A")
    return f"{day}, {start_time} - {end_text} {event.time_zone_label}"


# The seat holder's .ics names no one, so every seat email about the same
# version of an event carries the same bytes: built once per process, keyed
# on everything it is made from. Any change to the event's row or its
# categories is a new key, so a cached file is never stale, only unused.
ICS_CACHE_SIZE = 256
_ics_cache: dict[tuple, str] = {}
_ics_cache_lock = threading.Lock()


def calendar_attachment(event: Event) -> str:
    from events.ical import event_ics

    key = (
        settings.SITE_URL,
        tuple(getattr(event, field.attname) for field in Event._meta.concrete_fields),
        tuple(event.categories.values_list("name", flat=True)),
    )
    ics = _ics_cache.get(key)
    if ics is None:
        ics = event_ics(event, include_join_url=True).decode("utf-8")
        with _ics_cache_lock:
            while len(_ics_cache) >= ICS_CACHE_SIZE:
                del _ics_cache[next(iter(_ics_cache))]
            _ics_cache[key] = ics
    return ics


def queue_email(
    *,
    registration: Registration,
    kind: str,
    token: str | None = None,
    position: int | None = None,
) -> OutboundEmail:
    """Render one email and write it to the outbox; send it after the commit.

    ``token`` is the fresh self-service token when the email carries the
    link; it exists in the clear only in this email's body, until it is sent.
    """
    event = registration.event
    seat = kind in SEAT_KINDS and registration.status == Registration.Status.CONFIRMED
    context = {
        "site_name": settings.ALMANAC_SITE_NAME,
        "registration": registration,
        "event": event,
        "when": when_text(event),
        "event_url": absolute_url(event.get_absolute_url()),
        "manage_url": (
            absolute_url(reverse("registrations:manage", kwargs={"token": token}))
            if token
            else ""
        ),
        "join_url": event.join_url if seat else "",
        "position": position,
        "kind": kind,
    }
    email = OutboundEmail.objects.create(
        registration=registration,
        kind=kind,
        recipient=registration.email,
        subject=str(SUBJECTS[kind]).format(title=event.title)[:300],
        body_text=render_to_string(f"emails/{kind}.txt", context),
        body_html=render_to_string(f"emails/{kind}.html", context),
        ics=calendar_attachment(event) if seat else "",
    )
    transaction.on_commit(partial(enqueue_email, email.pk), robust=True)
    return email


def enqueue_email(email_id: int, run_after: datetime | None = None) -> None:
    # Imported here: tasks imports this module.
    from .tasks import send_outbound_email

    task = send_outbound_email
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(email_id)


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={"Auto-Submitted": "auto-generated"},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.ics:
        message.attach("event.ics", email.ics, "text/calendar")
    return message


def deliver_outbound_email(*, email_id: int) -> str:
    """Send one outbox row if it is due and nobody else is sending it.

    Returns the row's status afterwards ("skipped" if it was not ours to
    send). Never raises: a failure is recorded on the row and retried.
    """
    try:
        return _deliver(email_id)
    except Exception:
        logger.exception("Could not process outgoing email %s", email_id)
        return "error"


def _deliver(email_id: int) -> str:
    now = timezone.now()
    # Claiming with one conditional UPDATE means two workers (or the task and
    # `send_pending_emails`) never both send it, and no lock is held while
    # the mail server takes its time.
    claimed = (
        OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            status=OutboundEmail.Status.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return "skipped"
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        build_message(email).send()
    except Exception as exc:
        return _record_failure(email, exc)
    OutboundEmail.objects.filter(pk=email_id).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        claimed_at=None,
        next_attempt_at=None,
        last_error="",
        # The bodies may hold a self-service link: keep only the record.
        body_text="",
        body_html="",
        ics="",
    )
    return OutboundEmail.Status.SENT


def _record_failure(email: OutboundEmail, exc: Exception) -> str:
    logger.warning(
        "Sending email %s failed (attempt %s): %r", email.pk, email.attempts, exc
    )
    error = f"{type(exc).__name__}: {exc}"[:2000]
    delays = retry_delays()
    if email.attempts >= max_attempts():
        status, next_attempt_at = OutboundEmail.Status.FAILED, None
    else:
        status = OutboundEmail.Status.PENDING
        next_attempt_at = timezone.now() + timedelta(seconds=delays[email.attempts - 1])
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=status,
        claimed_at=None,
        next_attempt_at=next_attempt_at,
        last_error=error,
    )
    if next_attempt_at is not None:
        schedule_retry(email.pk, next_attempt_at)
    return status


def schedule_retry(email_id: int, run_after: datetime) -> None:
    """Queue the retry on a backend that can wait (the database one); others
    leave it to ``manage.py send_pending_emails``, which retries due rows."""
    from .tasks import send_outbound_email

    if not send_outbound_email.get_backend().supports_defer:
        return
    try:
        enqueue_email(email_id, run_after=run_after)
    except Exception:
        logger.exception("Could not queue a retry of email %s", email_id)


def requeue_email(*, email_id: int) -> bool:
    """Staff's "resend": give a failed (or stuck) email a fresh set of tries."""
    # An email whose registrant was purged has no address left to send to.
    updated = OutboundEmail.objects.filter(
        pk=email_id,
        status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.PENDING],
        registration__purged_at__isnull=True,
    ).update(
        status=OutboundEmail.Status.PENDING,
        attempts=0,
        next_attempt_at=None,
        claimed_at=None,
    )
    if updated:
        transaction.on_commit(partial(enqueue_email, email_id), robust=True)
    return bool(updated)


def send_due_emails(*, limit: int | None = None) -> dict[str, int]:
    """Send every pending email whose time has come, and release stale claims.

    The safety net behind the task queue: run it from cron (or after an
    outage); it is harmless to run while workers are busy.
    """
    now = timezone.now()
    OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=OutboundEmail.Status.PENDING, claimed_at=None)
    due = (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    if limit is not None:
        due = due[:limit]
    counts: dict[str, int] = {}
    for email_id in list(due):
        status = deliver_outbound_email(email_id=email_id)
        counts[status] = counts.get(status, 0) + 1
    return counts
