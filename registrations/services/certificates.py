"""CE certificates of attendance: who is owed one, issuing it, re-issuing it
with the same code when the name is corrected, withdrawing it, and keeping
it only ``CERTIFICATE_RETENTION_DAYS``.

Issuing writes the certificate's row; its PDF is made by the task worker
(``tasks.make_certificate``), never in a request, and emailed from there.
Attendance becomes *final* when staff say so or, by itself, when the
attendance code's window closes (``close_attendance``): only then are
evaluations asked for and certificates issued, so a certificate never goes
out before the roster is settled.
"""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import MAX_ATTENDANCE_CODE_HOURS, CertificatePolicy, Event

from ..emails import queue_email
from ..models import Certificate, EvaluationQuestion, OutboundEmail, Registration
from . import locking
from .errors import RegistrationError

Status = Registration.Status

# Events whose attendance closes by itself: those whose code window closed
# within this long. Older ones were settled by an earlier run, or predate
# certificates, and must not start emailing now.
AUTOMATIC_CLOSE_WITHIN = timedelta(days=14)

# The longest attendance code window staff may set (Event's validator).
LONGEST_CODE_WINDOW = timedelta(hours=MAX_ATTENDANCE_CODE_HOURS)

# A PDF not made in this long was lost by its worker: queue it again.
STALLED_PDF = timedelta(minutes=10)


def is_owed_certificate(registration: Registration, event: Event) -> bool:
    """Whether the event's certificate policy gives this registrant one: a
    confirmed attendee (who also sent the evaluation, if the policy asks)
    of an event that grants CE hours."""
    credit = event.ce_credit()
    if not credit.gives_certificates:
        return False
    if registration.status != Status.CONFIRMED or not registration.attended:
        return False
    if credit.policy == CertificatePolicy.EVALUATED:
        return registration.evaluation_completed
    return True


def mark_attendance_final(*, event_id: int, by: AbstractBaseUser | None = None) -> int:
    """Staff say the roster is settled (or the code window closed): every
    attendee is asked for the evaluation, once (the event gets the default
    one if it has none: a policy that waits for the evaluation needs one),
    and everyone the policy gives a certificate is issued one. Safe to run
    again: it asks and issues only what is still owed. Returns how many
    certificates it issued.
    """
    with transaction.atomic():
        event = locking.lock_event(event_id=event_id)
        now = timezone.now()
        if now < event.end:
            raise RegistrationError(
                _("Attendance can be made final once the event has ended."),
                code="not_ended",
            )
        if event.attendance_final_at is None:
            # update(), not save(): nothing a page or a feed shows changed.
            Event.objects.filter(pk=event.pk).update(attendance_final_at=now)
            event.attendance_final_at = now
        EvaluationQuestion.objects.add_defaults(event=event)
        attendees = list(
            Registration.objects.filter(
                event=event, status=Status.CONFIRMED, attended=True
            )
        )
        asked = set(
            OutboundEmail.objects.filter(
                registration__in=attendees, kind=OutboundEmail.Kind.EVALUATION
            ).values_list("registration_id", flat=True)
        )
        issued = 0
        for registration in attendees:
            registration.event = event
            issued += settle_certificate(
                registration=registration,
                event=event,
                asked_to_evaluate=registration.pk in asked,
            )
        return issued


def settle_certificate(
    *,
    registration: Registration,
    event: Event,
    asked_to_evaluate: bool | None = None,
) -> int:
    """Call under the event's lock after anything that changes whether a
    registrant is owed a certificate (attendance, the evaluation): once
    attendance is final, ask an attendee for the evaluation if nobody has
    (someone ticked, or who entered the code, after final), issue the
    certificate owed, or withdraw the one no longer owed. A certificate
    staff withdrew stays withdrawn. Returns 1 if it issued (or restored)
    one. ``asked_to_evaluate``, if the caller knows, saves a query."""
    if event.attendance_final_at is None:
        return 0
    attendee = registration.status == Status.CONFIRMED and registration.attended
    if attendee and not registration.evaluation_completed:
        if asked_to_evaluate is None:
            asked_to_evaluate = OutboundEmail.objects.filter(
                registration=registration, kind=OutboundEmail.Kind.EVALUATION
            ).exists()
        if not asked_to_evaluate:
            queue_email(registration=registration, kind=OutboundEmail.Kind.EVALUATION)
    certificate = Certificate.objects.filter(registration=registration).first()
    owed = is_owed_certificate(registration, event)
    now = timezone.now()
    if not owed:
        if certificate is not None and not certificate.is_revoked:
            certificate.revoked_at = now
            certificate.save(update_fields=["revoked_at"])
        return 0
    if certificate is not None and (
        not certificate.is_revoked or certificate.withdrawn_by_staff
    ):
        return 0
    hours = event.ce_credit().hours
    if certificate is None:
        certificate = Certificate(registration=registration, event=event, issued_at=now)
    else:
        # Restored (attendance corrected back): same code, made afresh.
        certificate.revoked_at = None
        certificate.revised_at = now
    certificate.name = registration.name
    certificate.email_normalized = registration.email_normalized
    certificate.hours = hours
    certificate.pdf_made_at = None
    certificate.email_on_completion = True
    certificate.save()
    queue_certificate_pdf(certificate.pk)
    return 1


def reissue_certificate(*, registration_id: int) -> Certificate | None:
    """The registrant's name was corrected: make their certificate again,
    with the same code, and email the new PDF. None if they have no valid
    certificate."""
    with transaction.atomic():
        registration, _event = locking.lock_registration(
            registration_id=registration_id
        )
        certificate = (
            Certificate.objects.valid()
            .select_for_update()
            .filter(registration=registration)
            .first()
        )
        if certificate is None or certificate.name == registration.name:
            return None
        certificate.name = registration.name
        certificate.revised_at = timezone.now()
        certificate.pdf_made_at = None
        certificate.email_on_completion = True
        certificate.save(
            update_fields=["name", "revised_at", "pdf_made_at", "email_on_completion"]
        )
        queue_certificate_pdf(certificate.pk)
        return certificate


def lock_certificate(certificate_id: int) -> Certificate:
    """Its event's row first, as every service locks, then the certificate
    (a certificate never moves to another event). ``of=self``: PostgreSQL
    refuses FOR UPDATE on the nullable side of an outer join."""
    event_id = Certificate.objects.values_list("event_id", flat=True).get(
        pk=certificate_id
    )
    locking.lock_event(event_id=event_id)
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("registration")
        .get(pk=certificate_id)
    )


def revoke_certificate(*, certificate_id: int) -> Certificate:
    """Staff withdraw a certificate: its page no longer confirms it, it can
    no longer be downloaded, and no later change of attendance or
    evaluation brings it back."""
    with transaction.atomic():
        certificate = lock_certificate(certificate_id)
        if certificate.revoked_at is None or not certificate.withdrawn_by_staff:
            certificate.revoked_at = certificate.revoked_at or timezone.now()
            certificate.withdrawn_by_staff = True
            certificate.save(update_fields=["revoked_at", "withdrawn_by_staff"])
        return certificate


def queue_certificate_pdf(certificate_id: int) -> None:
    """Have the task worker make the PDF once the transaction commits."""
    transaction.on_commit(partial(_enqueue_pdf, certificate_id), robust=True)


def _enqueue_pdf(certificate_id: int) -> None:
    # Imported here: tasks imports the services.
    from ..tasks import make_certificate

    make_certificate.enqueue(certificate_id)


def store_certificate_pdf(*, certificate_id: int, pdf: bytes, name: str) -> bool:
    """Keep the PDF the worker made from ``name``, and queue its email if
    one is owed. A PDF made from a name corrected since is dropped: the
    correction queued a newer one. Returns whether it was kept."""
    with transaction.atomic():
        certificate = lock_certificate(certificate_id)
        if certificate.is_revoked or certificate.name != name:
            return False
        certificate.pdf = pdf
        certificate.pdf_made_at = timezone.now()
        registration = certificate.registration
        emailed = certificate.email_on_completion
        certificate.email_on_completion = False
        certificate.save(update_fields=["pdf", "pdf_made_at", "email_on_completion"])
        if emailed and registration is not None and registration.purged_at is None:
            queue_email(registration=registration, kind=OutboundEmail.Kind.CERTIFICATE)
        return True


def close_attendance(*, now: datetime | None = None) -> int:
    """Make attendance final for events whose attendance code window closed
    (within ``AUTOMATIC_CLOSE_WITHIN``), and queue again the PDFs a worker
    lost. Run it hourly (cron or a timer). Returns how many events it
    closed."""
    now = now or timezone.now()
    candidates = Event.objects.filter(
        attendance_final_at__isnull=True,
        end__lte=now,
        end__gte=now - AUTOMATIC_CLOSE_WITHIN - LONGEST_CODE_WINDOW,
        registrations__attended=True,
    ).distinct()
    closed = 0
    for event in candidates:
        window_closed = event.attendance_code_closes_at
        if window_closed <= now and now - window_closed <= AUTOMATIC_CLOSE_WITHIN:
            mark_attendance_final(event_id=event.pk)
            closed += 1
    for certificate_id in (
        Certificate.objects.valid()
        .filter(
            pdf_made_at__isnull=True,
            issued_at__lte=now - STALLED_PDF,
        )
        .values_list("pk", flat=True)
    ):
        _enqueue_pdf(certificate_id)
    return closed


def certificates_due_for_purge(
    *, now: datetime | None = None, days: int | None = None
) -> QuerySet[Certificate]:
    """Certificates whose event ended more than ``days`` (default
    ``CERTIFICATE_RETENTION_DAYS``) ago."""
    now = now or timezone.now()
    if days is None:
        days = settings.CERTIFICATE_RETENTION_DAYS
    return Certificate.objects.filter(event__end__lt=now - timedelta(days=days))


def purge_certificates(*, now: datetime | None = None, days: int | None = None) -> int:
    """Delete the certificate records kept past their retention: the name,
    address, hours and code go, and the code stops verifying. Returns how
    many were deleted."""
    deleted, _by_model = certificates_due_for_purge(now=now, days=days).delete()
    return deleted


def make_certificate_pdf(*, certificate_id: int) -> str:
    """What the task worker runs: render the certificate as it is now
    (outside any transaction: rendering takes a while) and keep it.
    Returns "made", or "skipped" if it was withdrawn or renamed meanwhile."""
    certificate = (
        Certificate.objects.select_related("event__organizer")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or certificate.is_revoked:
        return "skipped"
    # Here, not at the top: see documents' docstring.
    from .. import documents

    pdf = documents.render_certificate(certificate)
    kept = store_certificate_pdf(
        certificate_id=certificate.pk, pdf=pdf, name=certificate.name
    )
    return "made" if kept else "skipped"
