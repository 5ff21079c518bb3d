"""The staff overview's figures (PRODUCT.md §12): this week's and next
week's events with their seats, and what needs attention.

Every figure is counted by the database, in annotations on the query that
lists the events, so the page costs the same handful of queries whether
the calendar holds ten events or ten thousand. The template writes the
sentences and the links.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from events.models import Category, CertificatePolicy, Event
from registrations.models import Certificate, OutboundEmail, Registration
from registrations.selectors import with_seat_counts
from registrations.services.certificates import STALLED_PDF

Status = Registration.Status

# "A few days away": registration that is still low this close to the date
# needs a nudge (a mailing, a post) or a decision to cancel.
SOON = timedelta(days=7)
# Under a quarter full counts as low.
LOW_FILL_DIVISOR = 4
# Past events are checked for missing attendance this far back; older ones
# are settled, or their registrants' details are about to be purged.
RECENT_PAST = timedelta(days=60)
# What the page shows of an event; its long texts stay in the database.
SHOWN_FIELDS = ("title", "start", "end", "time_zone", "capacity", "status")
# Each list of things to fix shows this many, soonest first; the page says
# when there are more.
SHOWN = 10


@dataclass(frozen=True)
class Few:
    """The first ``SHOWN`` of a list, and whether it has more."""

    items: list
    more: bool

    def __bool__(self) -> bool:
        return bool(self.items)

    @classmethod
    def of(cls, queryset: QuerySet) -> "Few":
        rows = list(queryset[: SHOWN + 1])
        return cls(rows[:SHOWN], len(rows) > SHOWN)


@dataclass(frozen=True)
class Overview:
    this_week_starts: date
    next_week_starts: date
    this_week: list[Event]
    next_week: list[Event]
    full_with_waitlist: Few
    filling_slowly: Few
    failing_emails: int
    without_attendance: Few
    certificates_not_sent: Few
    awaiting_approval: Few

    @property
    def needs_attention(self) -> bool:
        return any(
            (
                self.full_with_waitlist,
                self.filling_slowly,
                self.failing_emails,
                self.without_attendance,
                self.certificates_not_sent,
                self.awaiting_approval,
            )
        )


def week_start(now: datetime) -> datetime:
    """Monday 00:00 of ``now``'s week on the site's clock (TIME_ZONE), the
    week staff plan by whatever their own browser's zone."""
    site_zone = timezone.get_default_timezone()
    today = now.astimezone(site_zone).date()
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, time.min, tzinfo=site_zone)


def _shift_week(monday: datetime, weeks: int) -> datetime:
    # By the calendar, not by seven times 24 hours: a week with a DST change is
    # 167 or 169 hours long, and the next one still starts at midnight.
    day = monday.date() + timedelta(weeks=weeks)
    return datetime.combine(day, time.min, tzinfo=monday.tzinfo)


def _count(queryset: QuerySet) -> Coalesce:
    """How many rows of ``queryset`` (correlated on the event by the
    caller), as a subquery: each uses an index on its event, so the cost
    doesn't grow with the other events' rows."""
    counted = queryset.order_by().values("event").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _registrations(**filters) -> QuerySet:
    return Registration.objects.filter(event=OuterRef("pk"), **filters)


def with_registration_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """``confirmed_count`` and ``waitlisted_count`` (the seats, as every
    page counts them) and ``awaiting_count`` on each event."""
    return with_seat_counts(queryset).annotate(
        awaiting_count=_count(_registrations(status=Status.AWAITING_APPROVAL))
    )


def _first_category(field: str, sets_it: Q) -> Subquery:
    # As Event.ce_credit() falls back: the first of its categories, by
    # name, that sets it.
    categories = Category.objects.filter(sets_it, events=OuterRef("pk"))
    return Subquery(categories.order_by("name", "pk").values(field)[:1])


def with_certificates_owed(
    queryset: QuerySet[Event], *, now: datetime
) -> QuerySet[Event]:
    """``owed_count``: attendees the event's certificate policy gives a
    certificate who have no valid one (``Event.ce_credit()`` and
    ``is_owed_certificate``, said in SQL); ``stalled_count``: valid
    certificates whose PDF hasn't been made ``STALLED_PDF`` after issue."""
    stalled_before = now - STALLED_PDF
    has_certificate = Certificate.objects.valid().filter(registration=OuterRef("pk"))
    attendees = _registrations(status=Status.CONFIRMED, attended=True).exclude(
        Exists(has_certificate)
    )
    return queryset.annotate(
        credit_policy=Coalesce(
            NullIf("certificate_policy", Value("")),
            _first_category("certificate_policy", ~Q(certificate_policy="")),
            Value(CertificatePolicy.NONE),
        ),
        credit_hours=Coalesce(
            "ce_hours", _first_category("ce_hours", Q(ce_hours__isnull=False))
        ),
        uncertified=_count(attendees),
        uncertified_evaluated=_count(attendees.filter(evaluation_completed=True)),
        stalled_count=_count(
            Certificate.objects.valid()
            .filter(event=OuterRef("pk"), pdf_made_at__isnull=True)
            .alias(
                made_from=Coalesce(
                    "revised_at", "issued_at", output_field=DateTimeField()
                )
            )
            .filter(made_from__lte=stalled_before)
        ),
    ).annotate(
        owed_count=_owed_by_policy(),
    )


def _owed_by_policy() -> Case:
    gives = Q(credit_hours__isnull=False) & ~Q(credit_policy=CertificatePolicy.NONE)
    return Case(
        When(
            gives & Q(credit_policy=CertificatePolicy.EVALUATED),
            then=F("uncertified_evaluated"),
        ),
        When(gives, then=F("uncertified")),
        default=Value(0),
        output_field=IntegerField(),
    )


def staff_overview(*, now: datetime | None = None) -> Overview:
    """Everything the overview shows, in seven queries."""
    now = now or timezone.now()
    this_monday = week_start(now)
    next_monday = _shift_week(this_monday, 1)
    following_monday = _shift_week(this_monday, 2)
    events = Event.objects.only(*SHOWN_FIELDS)
    live = events.exclude(status=Event.Status.CANCELLED)

    weeks = list(
        with_registration_counts(
            live.filter(start__gte=this_monday, start__lt=following_monday)
        ).order_by("start", "pk")
    )
    return Overview(
        this_week_starts=this_monday.date(),
        next_week_starts=next_monday.date(),
        this_week=[event for event in weeks if event.start < next_monday],
        next_week=[event for event in weeks if event.start >= next_monday],
        full_with_waitlist=Few.of(
            with_seat_counts(live.filter(start__gt=now, capacity__isnull=False))
            .filter(confirmed_count__gte=F("capacity"), waitlisted_count__gt=0)
            .order_by("start", "pk")
        ),
        filling_slowly=Few.of(
            with_seat_counts(
                live.filter(
                    status=Event.Status.SCHEDULED,
                    is_published=True,
                    registration_required=True,
                    external_registration_url="",
                    start__gt=now,
                    start__lte=now + SOON,
                    capacity__gt=0,
                )
            )
            .alias(scaled=F("confirmed_count") * LOW_FILL_DIVISOR)
            .filter(scaled__lt=F("capacity"))
            .order_by("start", "pk")
        ),
        failing_emails=OutboundEmail.objects.failing(now).count(),
        # Not made final either: an event where staff took attendance and
        # nobody came is settled.
        without_attendance=Few.of(
            with_seat_counts(
                live.filter(
                    end__lte=now,
                    end__gte=now - RECENT_PAST,
                    attendance_final_at__isnull=True,
                )
            )
            .filter(confirmed_count__gt=0)
            .exclude(Exists(_registrations(attended=True)))
            .order_by("-start", "-pk")
        ),
        certificates_not_sent=Few.of(
            with_certificates_owed(
                # Both ends of the window, though attendance is only final
                # after the end: PostgreSQL prices this query's subqueries
                # per event the index scan reads, and priced on every
                # upcoming event too it spends seconds compiling it (JIT).
                events.filter(
                    attendance_final_at__isnull=False,
                    end__lte=now,
                    end__gte=now - RECENT_PAST,
                ),
                now=now,
            )
            .filter(Q(owed_count__gt=0) | Q(stalled_count__gt=0))
            .order_by("-start", "-pk")
        ),
        awaiting_approval=Few.of(
            with_registration_counts(live.filter(end__gt=now))
            .filter(awaiting_count__gt=0)
            .order_by("start", "pk")
        ),
    )
