"""The annual report a state asks for: how many different people of the
library community attended at least one event in a year, in total and by
member library, with the year's certificates and CE hours."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from events.models import Event
from registrations.models import Certificate, Registration

from .figures import named_rows, site_time_zone


@dataclass(frozen=True)
class TrainedRow:
    """People trained: distinct attendees and their attendances; for the
    whole year, also the certificates issued and their CE hours."""

    label: str
    people: int = 0
    attendances: int = 0
    # Attendances without a fingerprint (purged before they were kept).
    unidentified: int = 0
    # None on a library's row: see ``annual_report``.
    certificates: int | None = None
    ce_hours: Decimal | None = None
    key: object = None


@dataclass(frozen=True)
class AnnualReport:
    year: int
    total: TrainedRow
    libraries: list[TrainedRow]


def _year_q(year: int, *, prefix: str) -> Q:
    tz = site_time_zone()
    return (
        Q(**{f"{prefix}start__gte": datetime(year, 1, 1, tzinfo=tz)})
        & Q(**{f"{prefix}start__lt": datetime(year + 1, 1, 1, tzinfo=tz)})
        & ~Q(**{f"{prefix}status": Event.Status.CANCELLED})
    )


def _trained(year: int):
    return Registration.objects.filter(_year_q(year, prefix="event__"), attended=True)


# People are told apart by ``attendee_key``, a one-way fingerprint of the
# address that outlives the purge of the address itself. Registrations
# purged before fingerprints were kept (migration 0011) have none: they
# count as attendances, not as people, and the page says how many.
TRAINED = {
    "people": Count("attendee_key", distinct=True, filter=~Q(attendee_key="")),
    "attendances": Count("pk"),
    "unidentified": Count("pk", filter=Q(attendee_key="")),
}


def _trained_row(label: str, row: dict | None, key=None, **extra) -> TrainedRow:
    row = row or {}
    return TrainedRow(
        label=label,
        people=row.get("people") or 0,
        attendances=row.get("attendances") or 0,
        unidentified=row.get("unidentified") or 0,
        key=key,
        **extra,
    )


def annual_report(year: int, *, none_label: str = "") -> AnnualReport:
    """Unique library staff trained in a year (events starting in it, on
    the site's clock, cancelled ones left out): different people who
    attended at least one event, in all and by member library, where
    someone counts once per library row and once in the total; and the
    year's certificates with their CE hours (three queries).

    CE hours are the year's only: the purge unlinks a certificate from its
    registration (so a library and times no longer tie to a name), after
    which a certificate has no library to be counted under."""
    total = _trained(year).aggregate(**TRAINED)
    rows = list(
        _trained(year)
        .values("library_id", "library__name")
        .annotate(**TRAINED)
        .order_by()
    )
    issued = Certificate.objects.valid().filter(_year_q(year, prefix="event__"))
    certificates = issued.aggregate(count=Count("pk"), hours=Sum("hours"))
    return AnnualReport(
        year=year,
        total=_trained_row(
            "",
            total,
            certificates=certificates["count"],
            ce_hours=certificates["hours"] or Decimal(0),
        ),
        libraries=[
            _trained_row(label, row, key)
            for label, key, row in named_rows(
                rows,
                id_field="library_id",
                name_field="library__name",
                none_label=none_label,
            )
        ],
    )
