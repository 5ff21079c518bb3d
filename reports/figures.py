"""The report figures (PRODUCT.md §12), each computed by the database.

Every function here runs a fixed number of queries, whatever the number of
events and registrations: counts are conditional aggregates grouped by
month, library, category or event, never rows looped in Python.

Where they can, the counts are added up from each event's tally
(``registrations.models.EventTally``, one row per event, kept by the
registration services), so a decade's months read 10,000 events rather
than 200,000 registrations. One library's figures count its registrations
themselves: a tally counts the whole event's.

Two traps this module avoids:

- An event's seats must be summed once per event. Summed across a join with
  its registrations they would be counted once per registration, so seats
  come from a query of events (or the event-category table) with at most
  its one-row tally, never from the registrations query.
- An event in two categories appears twice in a join with its categories.
  The category filter is an ``Exists``, which joins nothing, so totals count
  each registration once; only the per-category breakdown joins the
  categories, where a registration rightly counts in each of its event's
  categories (so those rows may add up to more than the total).
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

from events.models import Event
from registrations.models import (
    Registration,
)
from registrations.models.tally import counts_of

Status = Registration.Status


def site_time_zone() -> zoneinfo.ZoneInfo:
    """Date ranges, months and years are read on the consortium's own clock
    (the site's TIME_ZONE), not each event's: a report of "March" holds the
    events that start in March in the consortium's office."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class ReportFilters:
    """Which events and registrations a report counts.

    ``start`` and ``end`` are days, both included, in the site's TIME_ZONE:
    an event counts when its start falls within them. Cancelled events are
    left out (nobody was trained at them). ``library_id`` narrows the
    registrations (a registration's member library), not the events, so
    seats stay the events' whole capacity.
    """

    start: date
    end: date
    category_id: int | None = None
    format: str = ""
    library_id: int | None = None

    @property
    def start_moment(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=site_time_zone())

    @property
    def end_moment(self) -> datetime:
        """The first moment after the range (exclusive)."""
        day_after = self.end + timedelta(days=1)
        return datetime.combine(day_after, time.min, tzinfo=site_time_zone())

    def months(self) -> list[date]:
        """The first day of every month the range touches, in order."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


@dataclass(frozen=True)
class Figures:
    """One row of a report: the totals, a month, a library, a category or
    an event."""

    label: str
    registrations: int = 0
    confirmed: int = 0
    attended: int = 0
    # Confirmed registrations at events that have ended, and those of them
    # not marked attended: the no-show rate's denominator and numerator.
    confirmed_ended: int = 0
    no_shows: int = 0
    # Seats of the events with a capacity, and the confirmed registrations
    # at those events: the fill rate. None when no event had a capacity.
    seats: int | None = None
    seats_taken: int = 0
    left_waiting: int = 0
    turned_away: int = 0
    awaiting_approval: int = 0
    events: int = 0
    # What the row is of: a month's first day, a library's, category's or
    # event's pk (None for "No member library"), and an event's start.
    key: object = None
    start: datetime | None = None

    @property
    def no_show_rate(self) -> float | None:
        """Confirmed but not attended, of those confirmed, at events that
        have ended; None when there were none."""
        if not self.confirmed_ended:
            return None
        return self.no_shows / self.confirmed_ended

    @property
    def fill_rate(self) -> float | None:
        """Seats taken (confirmed) of the seats offered, at events with a
        capacity; None without one."""
        if not self.seats:
            return None
        return self.seats_taken / self.seats


def _where(prefix: str, now: datetime) -> dict[str, Q]:
    """Which events a figure counts at, as seen from a query of events
    (``prefix=""``) or of registrations (``"event__"``)."""
    ended = Q(**{f"{prefix}end__lte": now})
    return {
        "any": Q(),
        "ended": ended,
        # Only where attendance was taken (made final) does "not marked
        # attended" mean a no-show: an event whose roster nobody took would
        # count everyone.
        "taken": ended & Q(**{f"{prefix}attendance_final_at__isnull": False}),
        "with_seats": Q(**{f"{prefix}capacity__isnull": False}),
    }


# Each registration figure: which of the registrations an event's tally
# counts (registrations.models.tally.COUNTED), at which events (``_where``).
FIGURES = {
    "registrations": ("registrations", "any"),
    "confirmed": ("confirmed", "any"),
    "attended": ("attended", "any"),
    "confirmed_ended": ("confirmed", "taken"),
    "no_shows": ("confirmed_absent", "taken"),
    "seats_taken": ("confirmed", "with_seats"),
    # Still on the waiting list when the event ended: never given a seat.
    "left_waiting": ("waitlisted", "ended"),
    # Declined by staff, or approved when nobody more fitted (members-only
    # events, approval). Someone refused on the page because the event was
    # full is not stored at all, so it can't be counted here.
    "turned_away": ("not_admitted", "any"),
    "awaiting_approval": ("awaiting_approval", "any"),
}
REGISTRATION_COUNTS = tuple(FIGURES)


def event_q(filters: ReportFilters, *, prefix: str, outer: str) -> Q:
    """The events the filters choose, as seen from a query of events
    (``prefix=""``, ``outer="pk"``) or of registrations (``"event__"``,
    ``"event_id"``)."""
    q = Q(**{f"{prefix}start__gte": filters.start_moment}) & Q(
        **{f"{prefix}start__lt": filters.end_moment}
    )
    q &= ~Q(**{f"{prefix}status": Event.Status.CANCELLED})
    if filters.format:
        q &= Q(**{f"{prefix}format": filters.format})
    if filters.category_id is not None:
        # Exists, not a join: an event in two categories stays one row.
        q &= Q(
            Exists(
                Event.categories.through.objects.filter(
                    event_id=OuterRef(outer), category_id=filters.category_id
                )
            )
        )
    return q


def _registrations(filters: ReportFilters):
    registrations = Registration.objects.filter(
        event_q(filters, prefix="event__", outer="event_id")
    )
    if filters.library_id is not None:
        registrations = registrations.filter(library_id=filters.library_id)
    return registrations


def _events(filters: ReportFilters):
    return Event.objects.filter(event_q(filters, prefix="", outer="pk"))


def _counts(*, prefix: str, event_prefix: str, now: datetime, base: Q) -> dict:
    """The FIGURES (named ``n_<figure>``, as an annotation may not take a
    field's name, "attended") counted from registrations (``prefix=""``,
    ``event_prefix="event__"``) or from events through their registrations
    (``"registrations__"``, ``""``); ``base`` narrows them all (the library
    filter)."""
    counted, where = counts_of(prefix), _where(event_prefix, now)
    return {
        f"n_{name}": Count(
            f"{prefix}pk", filter=(base & counted[count] & where[at]) or None
        )
        for name, (count, at) in FIGURES.items()
    }


def _tally_sums(now: datetime) -> dict:
    """The FIGURES added up from a query of events, from each one's tally:
    one row per event, where counting the registrations reads them all."""
    where = _where("", now)
    return {
        f"n_{name}": Sum(f"tally__{count}", filter=where[at] or None)
        for name, (count, at) in FIGURES.items()
    }


def _from_tallies(filters: ReportFilters) -> bool:
    """Whether the events' tallies can answer: they count all of an event's
    registrations, so not those of one member library."""
    return filters.library_id is None


# What a month's row and the totals row have that adds up.
SUMMED = (*REGISTRATION_COUNTS, "events")


def _registration_counts(now: datetime) -> dict:
    return _counts(prefix="", event_prefix="event__", now=now, base=Q())


def _figures(label: str, row: dict | None, *, key=None, **extra) -> Figures:
    row = row or {}
    counts = {name: row.get(f"n_{name}") or 0 for name in REGISTRATION_COUNTS}
    return Figures(label=label, key=key, **counts, **extra)


def _seats(row: dict | None) -> dict:
    row = row or {}
    return {"seats": row.get("seats"), "events": row.get("events") or 0}


SEATS = {"seats": Sum("capacity"), "events": Count("pk")}


def totals(filters: ReportFilters, *, now: datetime | None = None) -> Figures:
    """The whole range's figures: its months added up (as many queries as
    ``by_month``)."""
    return total_of(by_month(filters, now=now))


def total_of(months: list[Figures]) -> Figures:
    """The months' figures added up. Every event falls in exactly one month
    of its range, so each registration and each seat counts once, and the
    database is not asked to count them all a second time."""
    capacities = [month.seats for month in months if month.seats is not None]
    return Figures(
        label="",
        **{name: sum(getattr(month, name) for month in months) for name in SUMMED},
        seats=sum(capacities) if capacities else None,
    )


def _month_key(value) -> date:
    """TruncMonth gives a datetime (in the site's zone) or a date."""
    return date(value.year, value.month, 1)


def by_month(filters: ReportFilters, *, now: datetime | None = None) -> list[Figures]:
    """One row per month of the range, months without events included, so
    a chart's gaps show (one query from the tallies; for one library, two:
    its registrations, and the events' seats)."""
    now = now or timezone.now()
    tz = site_time_zone()
    months = _events(filters).values(month=TruncMonth("start", tzinfo=tz)).order_by()
    if _from_tallies(filters):
        counts = months.annotate(**_tally_sums(now), **SEATS)
        counted = seats = {_month_key(row["month"]): row for row in counts}
    else:
        counted = {
            _month_key(row["month"]): row
            for row in _registrations(filters)
            .values(month=TruncMonth("event__start", tzinfo=tz))
            .annotate(**_registration_counts(now))
            .order_by()
        }
        seats = {_month_key(row["month"]): row for row in months.annotate(**SEATS)}
    return [
        _figures("", counted.get(month), key=month, **_seats(seats.get(month)))
        for month in filters.months()
    ]


def named_rows(rows, *, id_field: str, name_field: str, none_label: str):
    """Rows by name, the row without one ("No member library") last."""
    named = sorted(
        (row for row in rows if row[id_field] is not None),
        key=lambda row: (row[name_field].casefold(), row[id_field]),
    )
    unnamed = [row for row in rows if row[id_field] is None]
    return [(row[name_field], row[id_field], row) for row in named] + [
        (none_label, None, row) for row in unnamed
    ]


def by_library(
    filters: ReportFilters, *, none_label: str = "", now: datetime | None = None
) -> list[Figures]:
    """One row per member library with registrations in the range, and one
    for the registrations with no member library (one query). Seats belong
    to events, not libraries, so there is no fill rate here."""
    now = now or timezone.now()
    rows = list(
        _registrations(filters)
        .values("library_id", "library__name")
        .annotate(**_registration_counts(now))
        .order_by()
    )
    return [
        _figures(label, row, key=key)
        for label, key, row in named_rows(
            rows,
            id_field="library_id",
            name_field="library__name",
            none_label=none_label,
        )
    ]


def by_category(
    filters: ReportFilters, *, none_label: str = "", now: datetime | None = None
) -> list[Figures]:
    """One row per category of the range's events, and one for events
    without a category (one query from the tallies; two for one library).
    A registration counts in each of its event's categories, so the rows
    may add up to more than the totals."""
    now = now or timezone.now()
    # Every category of the range's events, those without a registration
    # too; each (event, category) pair is one row, so seats add up once.
    categories = (
        _events(filters)
        .values(category_id=F("categories__pk"), category_name=F("categories__name"))
        .order_by()
    )
    if _from_tallies(filters):
        rows = list(categories.annotate(**_tally_sums(now), **SEATS))
        counted = {row["category_id"]: row for row in rows}
    else:
        counted = {
            row["category_id"]: row
            for row in _registrations(filters)
            .values(category_id=F("event__categories__pk"))
            .annotate(**_registration_counts(now))
            .order_by()
        }
        rows = list(categories.annotate(**SEATS))
    return [
        _figures(label, counted.get(key), key=key, **_seats(row))
        for label, key, row in named_rows(
            rows,
            id_field="category_id",
            name_field="category_name",
            none_label=none_label,
        )
    ]


def by_event(
    filters: ReportFilters,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    fullest: bool = False,
) -> list[Figures]:
    """One row per event in the range, by start, or the fullest first (of
    those with a capacity); at most ``limit`` (one query: only the
    registrations are joined, so each event's own capacity is read once).

    With a ``limit``, the events are chosen first and only theirs are
    counted, so a page of a decade's events reads a page of registrations.
    The fullest are chosen by their seats taken (``_seats_taken``)."""
    now = now or timezone.now()
    base = Q()
    if filters.library_id is not None:
        base = Q(registrations__library_id=filters.library_id)
    events = _events(filters)
    if fullest:
        events = events.filter(capacity__gt=0)
    if limit is not None:
        chosen = events.order_by("start", "pk")
        if fullest:
            chosen = chosen.alias(
                fill=Cast(_seats_taken(filters), FloatField()) / F("capacity")
            ).order_by("-fill", "start", "pk")
        events = Event.objects.filter(pk__in=chosen.values("pk")[:limit])
    rows = (
        events.annotate(
            **_counts(prefix="registrations__", event_prefix="", now=now, base=base)
        )
        .values(
            "pk", "title", "start", "capacity", *(f"n_{n}" for n in REGISTRATION_COUNTS)
        )
        .order_by("start", "pk")
    )
    if fullest:
        rows = rows.alias(
            fill=Cast("n_seats_taken", FloatField()) / F("capacity")
        ).order_by("-fill", "start", "pk")
    return [
        _figures(
            row["title"],
            row,
            key=row["pk"],
            start=row["start"],
            seats=row["capacity"],
            events=1,
        )
        for row in rows
    ]


def _seats_taken(filters: ReportFilters) -> Coalesce:
    """The confirmed registrations of the event of the outer query: its
    tally's, or for one library's, a subquery (one count on the (event,
    status) index per event, no join of every registration)."""
    if _from_tallies(filters):
        return Coalesce("tally__confirmed", 0)
    taken = Registration.objects.filter(
        event_id=OuterRef("pk"),
        status=Status.CONFIRMED,
        library_id=filters.library_id,
    )
    count = taken.order_by().values("event_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count), 0)
