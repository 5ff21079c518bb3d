"""A member's CE record (PRODUCT.md §11 "My record"): the CE hours their
valid certificates grant, per calendar year, for ``/my/`` and its yearly PDF.

Read from certificates, not registrations: a certificate keeps its own copy
of the name, address and hours, and outlives the registration's personal
data (``CERTIFICATE_RETENTION_DAYS``), so an attendee's record stays whole
after their registrations are purged.

A year is the year of the event's start in the event's own time zone: a
webinar on December 31 at 8pm Eastern counts for that December, although it
is already January 1 in UTC. Zones differ per event, so the grouping is done
here in Python, over the one query that reads the address's certificates.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from events.models import Event

from .models import Certificate, format_hours
from .models.certificate import is_certificate_code


@dataclass(frozen=True, slots=True)
class RecordEntry:
    """One certificate on the record, with its event and the event's date."""

    certificate: Certificate
    event: Event
    day: date

    @property
    def hours_text(self) -> str:
        return format_hours(self.certificate.hours)


@dataclass(frozen=True, slots=True)
class RecordYear:
    year: int
    hours: Decimal
    entries: list[RecordEntry]

    @property
    def hours_text(self) -> str:
        """Written as the certificates write hours: "2.0", "2.25"."""
        return format_hours(self.hours)


@dataclass(frozen=True, slots=True)
class CeRecord:
    """Every valid certificate of one address: the years newest first, each
    year's certificates in the order the events took place."""

    name: str = ""
    years: list[RecordYear] = field(default_factory=list)
    # The certificates by the registration they were issued for, so a
    # registration's row finds its own without a query per row.
    by_registration: dict[int, Certificate] = field(default_factory=dict)

    def year(self, year: int) -> RecordYear | None:
        return next((each for each in self.years if each.year == year), None)


def certificates_of(email_normalized: str):
    """The address's valid certificates with their events, without the PDFs'
    bytes (a list needs none of them)."""
    return (
        Certificate.objects.valid()
        .filter(email_normalized=email_normalized)
        .select_related("event")
        .defer("pdf")
    )


def ce_record_of(email_normalized: str) -> CeRecord:
    """The address's CE record, in one query however many certificates."""
    certificates = list(certificates_of(email_normalized))
    if not certificates:
        return CeRecord()
    # The name as last written on a certificate: a corrected name re-issues
    # the certificate (``revised_at``), and the newest one is the latest word.
    newest = max(
        certificates,
        key=lambda each: (each.revised_at or each.issued_at, each.issued_at, each.pk),
    )
    entries: dict[int, list[RecordEntry]] = {}
    for certificate in sorted(
        certificates, key=lambda each: (each.event.start, each.pk)
    ):
        day = certificate.event.local_start.date()
        entries.setdefault(day.year, []).append(
            RecordEntry(certificate=certificate, event=certificate.event, day=day)
        )
    years = [
        RecordYear(
            year=year,
            hours=sum((entry.certificate.hours for entry in entries[year]), Decimal(0)),
            entries=entries[year],
        )
        for year in sorted(entries, reverse=True)
    ]
    return CeRecord(
        name=newest.name,
        years=years,
        by_registration={
            each.registration_id: each
            for each in certificates
            if each.registration_id is not None
        },
    )


def downloadable_certificate(email_normalized: str, code: str) -> Certificate | None:
    """The address's own valid certificate with this code, once its PDF is
    made; None for anyone else's, a withdrawn one, or one still being made."""
    if not is_certificate_code(code):  # any string may arrive in a URL
        return None
    return (
        Certificate.objects.valid()
        .filter(code=code, email_normalized=email_normalized, pdf_made_at__isnull=False)
        .select_related("event")
        .first()
    )
