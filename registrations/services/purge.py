"""Personal data is kept only so long: some days after their event,
registrants' names, addresses, requests and answers are erased, and the
emails we wrote them; status, attendance, timestamps and member library
stay, so every count holds, by library too."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from ..models import Answer, Certificate, OutboundEmail, Registration
from . import locking

# What a purged registration keeps in place of an address. The pk makes it
# unique, so purged registrations never collide under
# one_open_registration_per_email; a domain without a dot is one the
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
    """Erase registrants' names, emails, organizations, requests and answers
    to the event's questions, and the emails we wrote them, once their event
    ended more than ``days`` ago.

    Status, attendance, timestamps and the member library stay, so every
    count per event, and per library, is the same afterwards. The
    self-service link stops working. Each event is purged in its own
    transaction under its lock; a second run finds nothing. Returns how
    many registrations were purged.
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
            event = locking.lock_event(event_id=event_id)
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
                link_secret="",
                purged_at=now,
            )
            # Deleted rather than blanked: an answer holds nothing but what
            # the person wrote or chose, and even a choice ("my role") can
            # tell who they were. The library is kept: the consortium
            # reports by it, and it names a library, not a person.
            Answer.objects.filter(registration_id__in=ids).delete()
            # Attendees' certificates are kept longer (their own copy of
            # name, address, event, hours and code), but no longer joined
            # to the registration, whose library and times would then stay
            # tied to a name. A withdrawn one certifies nothing: it goes now.
            certificates = Certificate.objects.filter(registration_id__in=ids)
            certificates.filter(revoked_at__isnull=False).delete()
            certificates.update(registration=None)
            emails = OutboundEmail.objects.filter(registration_id__in=ids)
            email_ids = [str(pk) for pk in emails.values_list("pk", flat=True)]
            emails.update(
                recipient=_purged_address("registration_id"),
                subject="",
                body_text="",
                body_html="",
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
