"""The outbox: every email is a row written in the transaction of the change it
reports, and sent by a task after the commit.

``queue_email`` is called by the services (inside their transaction);
``deliver_outbound_email`` is what the task runs: it writes the email
(``write_email``) and sends it. A mail server that fails costs a retry,
never a registration.

What survives what:

- A database connection that drops while the mail server talks (PostgreSQL
  restarted, the connection killed): the row is written on a fresh
  connection, retried for about half a minute, so the email is recorded as
  sent and the worker's own bookkeeping finds a working connection.
- A worker killed mid-send: its row stays "sending"; ``send_due_emails``
  (run every half minute by ``bin/serve``, or a timer) sends it again once
  the claim is ``STALE_CLAIM`` old. The mail server may then get it twice:
  every attempt carries the same ``Message-ID``, so the copies are
  recognisably one message.
- A mail server that never answers: each step of the conversation waits at
  most ``EMAIL_TIMEOUT`` seconds (settings), then the send fails and is
  retried later.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.templatetags.event_tags import date_line

from .mail_parts import calendar_attachment, message_id
from .models import (
    Certificate,
    Message,
    OutboundEmail,
    Registration,
    hash_token,
    link_token,
)

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
    Kind.AWAITING_APPROVAL: _("We'll confirm your membership: {title}"),
    Kind.DECLINED: _("Registration not accepted: {title}"),
    Kind.FULL_AT_APPROVAL: _("No seat left: {title}"),
    Kind.EVALUATION: _("How was it? A short evaluation: {title}"),
    Kind.CERTIFICATE: _("Your CE certificate: {title}"),
}

# Emails about a held seat carry the join URL and the event as an .ics.
SEAT_KINDS = {Kind.CONFIRMATION, Kind.PROMOTION, Kind.REMINDER, Kind.EVENT_CHANGED}

# Emails that carry the registrant's self-service link (a secret), written
# in when the email is sent.
LINK_KINDS = {
    Kind.CONFIRMATION,
    Kind.WAITLISTED,
    Kind.PROMOTION,
    Kind.REMINDER,
    Kind.EVENT_CHANGED,
    Kind.AWAITING_APPROVAL,
    Kind.EVALUATION,
    Kind.CERTIFICATE,
}

# Emails whose words are written when queued and kept on the row until sent,
# because they cannot be written again later: the sign-in link's one-time
# token exists only then. Their bodies are cleared once sent and once given
# up on; a cleared one cannot be resent (the person asks for a new link).
STORED_KINDS = {Kind.SIGN_IN}
CLEARED_BODIES = {"body_text": "", "body_html": ""}

NOBODY_TO_WRITE_TO = _(
    "Not sent: the registration was deleted, or its personal data erased, "
    "before the email went out."
)

# Seconds to wait before each retry; one more try than there are delays.
DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200)

# A claim older than this belongs to a worker that died mid-send. A live
# send takes at most a few EMAIL_TIMEOUTs (one per step of the SMTP
# conversation) plus RECORD_RETRY_WAITS, well under this.
STALE_CLAIM = timedelta(minutes=2)

# After the mail server took an email, keep trying to record it (on a fresh
# connection each time) for this long: a PostgreSQL restart takes seconds,
# and an email whose "sent" is lost goes out again.
RECORD_RETRY_WAITS = (0, 1, 2, 4, 8, 15)


def retry_delays() -> tuple[int, ...]:
    return tuple(
        getattr(settings, "REGISTRATION_EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS)
    )


def max_attempts() -> int:
    return len(retry_delays()) + 1


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def queue_email(
    *,
    registration: Registration,
    kind: str,
    position: int | None = None,
    message: Message | None = None,
) -> OutboundEmail:
    """Write to the outbox that ``registration`` is owed a ``kind`` email;
    it is written and sent after the commit.

    Only what the email is about is stored here, inside the caller's
    transaction (and often under its event lock): the words, the link and
    the .ics are written by ``write_email`` when it is sent, so the lock is
    not held while templates render, and the link is never stored.
    ``position`` is the place in line the email reports, as it is now;
    ``message`` is staff's message a ``MESSAGE`` email carries.
    """
    if message is not None:
        subject = message.subject
    else:
        subject = str(SUBJECTS[kind]).format(title=registration.event.title)
    email = OutboundEmail.objects.create(
        registration=registration,
        kind=kind,
        recipient=registration.email,
        subject=subject[:300],
        position=position,
        message=message,
    )
    transaction.on_commit(partial(enqueue_email, email.pk), robust=True)
    return email


class Unwritable(Exception):
    """An email about a registration that is gone, or whose personal data
    was purged, before it could be sent: there is nobody to write to."""


@dataclass(frozen=True)
class Written:
    text: str
    html: str
    ics: str = ""
    # The certificate's PDF, for the email that brings it.
    pdf: bytes = b""


def write_email(email: OutboundEmail) -> Written:
    """The email's words: kept on the row for the few written when queued
    (``STORED_KINDS``), otherwise rendered now from its registration and
    event as they are, with the registration's current link."""
    if email.kind in STORED_KINDS:
        return Written(email.body_text, email.body_html)
    registration = email.registration
    if registration is None or registration.purged_at is not None:
        raise Unwritable(email.pk)
    event = registration.event
    seat = kind_holds_seat(email.kind, registration)
    token = ""
    if email.kind in LINK_KINDS and registration.link_secret:
        token = link_token(registration.link_secret)
    if token and hash_token(token) != registration.token_hash:
        # The SECRET_KEY changed since the link was made: every earlier
        # link is dead already, so this email's link becomes the one
        # (unless staff revoked the link meanwhile: then theirs stands).
        Registration.objects.filter(
            pk=registration.pk, link_secret=registration.link_secret
        ).update(token_hash=hash_token(token))
    certificate = None
    if email.kind == Kind.CERTIFICATE:
        certificate = Certificate.objects.valid().filter(registration=registration)
        certificate = certificate.exclude(pdf_made_at=None).first()
        if certificate is None:
            # Withdrawn before it went out: nothing to send.
            raise Unwritable(email.pk)
    if email.kind == Kind.MESSAGE and email.message is None:
        # Staff's message was deleted (with its event): no words to send.
        raise Unwritable(email.pk)
    context = {
        "site_name": settings.ALMANAC_SITE_NAME,
        "certificate": certificate,
        "certificate_url": (
            absolute_url(certificate.get_absolute_url()) if certificate else ""
        ),
        "evaluation_url": (
            absolute_url(reverse("registrations:evaluation", kwargs={"token": token}))
            if token and email.kind == Kind.EVALUATION
            else ""
        ),
        "registration": registration,
        "event": event,
        "when": date_line(event),
        "event_url": absolute_url(event.get_absolute_url()),
        "manage_url": (
            absolute_url(reverse("registrations:manage", kwargs={"token": token}))
            if token
            else ""
        ),
        "join_url": event.join_url if seat else "",
        "position": email.position,
        "kind": email.kind,
        "message": email.message,
    }
    return Written(
        text=render_to_string(f"emails/{email.kind}.txt", context),
        html=render_to_string(f"emails/{email.kind}.html", context),
        ics=calendar_attachment(event) if seat else "",
        pdf=bytes(certificate.pdf) if certificate else b"",
    )


def kind_holds_seat(kind: str, registration: Registration) -> bool:
    """Whether the email goes with a held seat (join URL, .ics attached)."""
    return kind in SEAT_KINDS and registration.status == Registration.Status.CONFIRMED


def enqueue_email(email_id: int, run_after: datetime | None = None) -> None:
    # Imported here: tasks imports this module.
    from .tasks import send_outbound_email

    task = send_outbound_email
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(email_id)


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    written = write_email(email)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=written.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={"Auto-Submitted": "auto-generated", "Message-ID": message_id(email)},
    )
    if written.html:
        message.attach_alternative(written.html, "text/html")
    if written.ics:
        message.attach("event.ics", written.ics, "text/calendar")
    if written.pdf:
        message.attach("certificate.pdf", written.pdf, "application/pdf")
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
    email = OutboundEmail.objects.select_related("registration__event", "message").get(
        pk=email_id
    )
    try:
        message = build_message(email)
    except Unwritable:
        _record_after_send(
            email_id,
            status=OutboundEmail.Status.FAILED,
            claimed_at=None,
            next_attempt_at=None,
            last_error=str(NOBODY_TO_WRITE_TO),
        )
        return OutboundEmail.Status.FAILED
    try:
        message.send()
    except Exception as exc:
        return _record_failure(email, exc)
    _record_after_send(
        email_id,
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        claimed_at=None,
        next_attempt_at=None,
        last_error="",
        # The bodies may hold a self-service link: keep only the record.
        **CLEARED_BODIES,
    )
    return OutboundEmail.Status.SENT


def _record_failure(email: OutboundEmail, exc: Exception) -> str:
    logger.warning(
        "Sending email %s failed (attempt %s): %r", email.pk, email.attempts, exc
    )
    error = f"{type(exc).__name__}: {exc}"[:2000]
    delays = retry_delays()
    cleared = {}
    if email.attempts >= max_attempts():
        status, next_attempt_at = OutboundEmail.Status.FAILED, None
        if email.kind in STORED_KINDS:
            # Given up on: the link it carries has no reason to stay.
            cleared = CLEARED_BODIES
    else:
        status = OutboundEmail.Status.PENDING
        next_attempt_at = timezone.now() + timedelta(seconds=delays[email.attempts - 1])
    _record_after_send(
        email.pk,
        status=status,
        claimed_at=None,
        next_attempt_at=next_attempt_at,
        last_error=error,
        **cleared,
    )
    if next_attempt_at is not None:
        schedule_retry(email.pk, next_attempt_at)
    return status


def _record_after_send(email_id: int, **fields) -> None:
    """Write what the mail server did to the row, surviving a database
    connection that went away while it talked (a PostgreSQL restart, a
    killed connection): each try runs on a fresh connection."""
    _retry_on_lost_connection(
        lambda: OutboundEmail.objects.filter(pk=email_id).update(**fields)
    )


def _retry_on_lost_connection(write: Callable[[], object]) -> None:
    if connection.in_atomic_block:
        # Inside someone's transaction (the immediate backend under a test):
        # a new connection would lose it, so there is nothing to retry.
        write()
        return
    last_try = len(RECORD_RETRY_WAITS) - 1
    for attempt, wait in enumerate(RECORD_RETRY_WAITS):
        time.sleep(wait)
        # The mail server may have taken long enough for the connection to
        # die: have Django check it before use, and reconnect if it did.
        connection.close_if_unusable_or_obsolete()
        try:
            write()
            return
        except (OperationalError, InterfaceError) as exc:
            if attempt == last_try:
                raise
            logger.warning("Database unavailable while recording an email: %r", exc)
            connection.close()


def release_broken_connection() -> None:
    """Leave the task's database connection fit for whoever uses it next:
    ``db_worker`` records each task's result on it right after, and a
    connection that died during the task would take the worker down."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


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
    # An email whose registrant was purged has no address left to send to;
    # a sign-in email cleared when it was given up on has nothing left to
    # send (the person asks for a new link).
    updated = (
        OutboundEmail.objects.filter(
            pk=email_id,
            status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.PENDING],
            registration__purged_at__isnull=True,
        )
        .exclude(kind__in=STORED_KINDS, body_text="")
        .update(
            status=OutboundEmail.Status.PENDING,
            attempts=0,
            next_attempt_at=None,
            claimed_at=None,
        )
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
    release_stale_claims(now=now)
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


def release_stale_claims(*, now: datetime) -> int:
    """Rows left "sending" by a worker that stopped mid-send (killed, or its
    host went down) become due again; one that has had all its tries is
    given up on, so an email that kills its worker is not tried forever.
    Returns how many were released."""
    stale = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    exhausted = stale.filter(attempts__gte=max_attempts())
    given_up = {
        "status": OutboundEmail.Status.FAILED,
        "claimed_at": None,
        "next_attempt_at": None,
        "last_error": "The worker stopped while sending it, on its last try.",
    }
    failed = exhausted.filter(kind__in=STORED_KINDS).update(
        **given_up, **CLEARED_BODIES
    )
    failed += exhausted.update(**given_up)
    released = stale.update(status=OutboundEmail.Status.PENDING, claimed_at=None)
    if failed or released:
        logger.warning(
            "%s email(s) were left sending by a worker that stopped: "
            "%s queued again, %s given up on",
            failed + released,
            released,
            failed,
        )
    return released
