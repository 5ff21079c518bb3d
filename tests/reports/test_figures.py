"""The report figures on the hand-built data set of ``tests/reports/dataset``,
every answer worked out by hand; a join that doubles a row (an event in two
categories, seats summed across registrations) or a range read in UTC
gives another number."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from members.models import MemberLibrary
from registrations import services
from registrations.models import Registration
from reports import annual, evaluations, figures, tables
from reports.figures import ReportFilters
from tests.builders import eastern, make_category, make_event

from .dataset import NOW, add, build_dataset

pytestmark = pytest.mark.django_db

YEAR = ReportFilters(start=date(2031, 1, 1), end=date(2031, 12, 31))


@pytest.fixture
def data():
    return build_dataset()


def counts(row) -> dict:
    return {
        "registrations": row.registrations,
        "confirmed": row.confirmed,
        "attended": row.attended,
        "confirmed_ended": row.confirmed_ended,
        "no_shows": row.no_shows,
        "seats": row.seats,
        "seats_taken": row.seats_taken,
        "left_waiting": row.left_waiting,
        "turned_away": row.turned_away,
        "awaiting_approval": row.awaiting_approval,
        "events": row.events,
    }


def test_totals_count_each_registration_once(data):
    """Four events (the cancelled one and New Year's Eve, still 2030 in New
    York, left out), fourteen registrations. No-shows: Lee and Max of the
    eight confirmed at ended events; June's registrants are not counted
    as no-shows or left waiting before it ends. Seats: 10 + 4 + 5 (April's
    event has no capacity), 7 of them taken."""
    total = figures.totals(YEAR, now=NOW)
    assert counts(total) == {
        "registrations": 14,
        "confirmed": 9,
        "attended": 6,
        "confirmed_ended": 8,
        "no_shows": 2,
        "seats": 19,
        "seats_taken": 7,
        "left_waiting": 1,
        "turned_away": 1,
        "awaiting_approval": 1,
        "events": 4,
    }
    assert total.no_show_rate == 0.25
    assert total.fill_rate == 7 / 19


def test_category_filter_counts_an_event_in_two_categories_once(data):
    """Outreach: the two-category event and the late-March one, each once."""
    total = figures.totals(
        ReportFilters(YEAR.start, YEAR.end, category_id=data.outreach.pk), now=NOW
    )
    assert (total.registrations, total.confirmed, total.seats, total.events) == (
        10,
        6,
        14,
        2,
    )


def test_by_category(data):
    """A registration counts in each of its event's categories; seats are
    the events' own, summed once per event."""
    rows = figures.by_category(YEAR, none_label="No category", now=NOW)
    assert [row.label for row in rows] == ["Cataloging", "Outreach", "No category"]
    cataloging, outreach, none = rows
    assert counts(cataloging) == {
        "registrations": 8,
        "confirmed": 5,
        "attended": 3,
        "confirmed_ended": 4,
        "no_shows": 1,
        "seats": 15,
        "seats_taken": 5,
        "left_waiting": 0,
        "turned_away": 1,
        "awaiting_approval": 0,
        "events": 2,
    }
    assert counts(outreach) == {
        "registrations": 10,
        "confirmed": 6,
        "attended": 4,
        "confirmed_ended": 6,
        "no_shows": 2,
        "seats": 14,
        "seats_taken": 6,
        "left_waiting": 1,
        "turned_away": 1,
        "awaiting_approval": 1,
        "events": 2,
    }
    assert (none.key, none.registrations, none.seats, none.fill_rate) == (
        None,
        2,
        None,
        None,
    )


def test_a_category_without_registrations_has_a_row(data):
    """A category whose only event has no registrations still has a row: 0
    registrations, its event's 8 seats, 1 event and a fill rate of 0."""
    quiet = make_category("Quiet")
    make_event("Nobody came", start=eastern(2031, 5, 5), capacity=8, categories=[quiet])
    row = next(r for r in figures.by_category(YEAR, now=NOW) if r.key == quiet.pk)
    assert (row.registrations, row.seats, row.events, row.fill_rate) == (0, 8, 1, 0)


def test_by_month_reads_the_range_on_the_sites_clock(data):
    """Twelve rows; the late-March event (April in UTC) counts in March."""
    rows = figures.by_month(YEAR, now=NOW)
    assert [row.key for row in rows] == [date(2031, m, 1) for m in range(1, 13)]
    by_key = {row.key.month: row for row in rows}
    assert (by_key[3].registrations, by_key[3].seats, by_key[3].events) == (10, 14, 2)
    assert (by_key[4].registrations, by_key[4].seats, by_key[4].events) == (2, None, 1)
    assert (by_key[6].registrations, by_key[6].seats, by_key[6].events) == (2, 5, 1)
    assert [by_key[m].registrations for m in (1, 2, 5, 7, 12)] == [0] * 5
    assert sum(row.registrations for row in rows) == 14


def test_the_tallies_give_what_counting_the_registrations_gives(data):
    """The totals are added up from the events' tallies; the libraries'
    rows count the registrations themselves. Every registration is in one
    library's row or the row without one, so those rows add up to the
    totals, figure by figure (a figure the two ways define differently
    would not)."""
    total = figures.totals(YEAR, now=NOW)
    rows = figures.by_library(YEAR, now=NOW)
    for name in figures.REGISTRATION_COUNTS:
        assert sum(getattr(row, name) for row in rows) == getattr(total, name), name
    assert total.registrations > 0


def test_by_library_with_a_row_for_no_member_library(data):
    """A row for Shelbyville, one for Springfield, then one for registrants who
    named no member library, each with the figures worked out by hand."""
    rows = figures.by_library(YEAR, none_label="No member library", now=NOW)
    assert [row.label for row in rows] == [
        "Shelbyville Library",
        "Springfield Public Library",
        "No member library",
    ]
    shelbyville, springfield, none = (counts(row) for row in rows)
    assert springfield | {"seats": None, "events": 0} == {
        "registrations": 7,
        "confirmed": 5,
        "attended": 3,
        "confirmed_ended": 4,
        "no_shows": 1,
        "seats": None,
        "seats_taken": 4,
        "left_waiting": 1,
        "turned_away": 0,
        "awaiting_approval": 0,
        "events": 0,
    }
    assert (
        shelbyville["registrations"],
        shelbyville["confirmed"],
        shelbyville["attended"],
        shelbyville["no_shows"],
        shelbyville["turned_away"],
        shelbyville["left_waiting"],
    ) == (5, 3, 2, 1, 1, 0)
    assert (none["registrations"], none["confirmed"], none["awaiting_approval"]) == (
        2,
        1,
        1,
    )


def test_library_filter_narrows_registrations_not_seats(data):
    """Filtered to Springfield, the totals count only its 7 registrations (4
    seats taken) but all 19 seats; each event counts only Springfield's
    registrations."""
    total = figures.totals(
        ReportFilters(YEAR.start, YEAR.end, library_id=data.springfield.pk), now=NOW
    )
    assert (total.registrations, total.seats, total.seats_taken) == (7, 19, 4)
    events = figures.by_event(
        ReportFilters(YEAR.start, YEAR.end, library_id=data.springfield.pk), now=NOW
    )
    assert [(row.label, row.registrations) for row in events] == [
        ("Catalog your outreach", 3),
        ("Late night outreach", 2),
        ("No category", 1),
        ("June webinar", 1),
    ]


def test_format_filter(data):
    """Filtered to in-person events, the totals are the one in-person event's:
    4 registrations, 4 seats."""
    total = figures.totals(
        ReportFilters(YEAR.start, YEAR.end, format=Event.Format.IN_PERSON), now=NOW
    )
    assert (total.registrations, total.events, total.seats) == (4, 1, 4)


def test_by_event(data):
    """A row per event in date order, with the figures worked out by hand; an
    event without a seat limit has no fill rate, one not yet over no no-show
    rate."""
    rows = figures.by_event(YEAR, now=NOW)
    assert [row.label for row in rows] == [
        "Catalog your outreach",
        "Late night outreach",
        "No category",
        "June webinar",
    ]
    both, late, april, june = rows
    assert counts(both) == {
        "registrations": 6,
        "confirmed": 4,
        "attended": 3,
        "confirmed_ended": 4,
        "no_shows": 1,
        "seats": 10,
        "seats_taken": 4,
        "left_waiting": 0,
        "turned_away": 1,
        "awaiting_approval": 0,
        "events": 1,
    }
    assert both.fill_rate == 0.4
    assert (late.left_waiting, late.awaiting_approval, late.no_show_rate) == (1, 1, 0.5)
    assert (april.fill_rate, april.no_show_rate) == (None, 0)
    assert (june.left_waiting, june.no_show_rate, june.fill_rate) == (0, None, 0.2)


def test_evaluation_averages(data):
    """Text answers and the cancelled event's rating are left out."""
    by_question = evaluations.evaluation_by_question(YEAR)
    assert [(r.label, r.average, r.answers) for r in by_question] == [
        ("Overall", 4.0, 3),
        ("Useful", 2.0, 1),
    ]
    by_event = evaluations.evaluation_by_event(YEAR)
    assert [(r.label, round(r.average, 3), r.answers) for r in by_event] == [
        ("Catalog your outreach", 3.667, 3),
        ("Late night outreach", 3.0, 1),
    ]


def test_an_empty_range(data):
    """A range without events (January 2020): no registrations, seats or
    no-show rate in the totals, no library or category rows, and a single month
    row with 0 registrations."""
    empty = ReportFilters(start=date(2020, 1, 1), end=date(2020, 1, 31))
    total = figures.totals(empty, now=NOW)
    assert (total.registrations, total.seats, total.no_show_rate) == (0, None, None)
    assert figures.by_library(empty, now=NOW) == []
    assert figures.by_category(empty, now=NOW) == []
    assert [row.registrations for row in figures.by_month(empty, now=NOW)] == [0]


def test_months_of_a_range():
    """November 15, 2030 to February 1, 2031 covers four months, each given by
    its first day."""
    filters = ReportFilters(start=date(2030, 11, 15), end=date(2031, 2, 1))
    assert filters.months() == [
        date(2030, 11, 1),
        date(2030, 12, 1),
        date(2031, 1, 1),
        date(2031, 2, 1),
    ]


# The annual report


def test_annual_report_counts_different_people(data):
    """Pat (twice at Springfield, the address once in capitals), Quinn (once
    at Shelbyville, once naming Springfield), Robin (no library) and Taylor:
    four people, six attendances; the cancelled event and New Year's Eve
    (2030 in New York) left out. Someone counts once per library row. Two
    certificates stand (1.0 and 1.5 hours), the third was withdrawn."""
    report = annual.annual_report(2031, none_label="No member library")
    assert (report.total.people, report.total.attendances) == (4, 6)
    assert (report.total.certificates, report.total.ce_hours) == (2, Decimal("2.5"))
    assert [(row.label, row.people, row.attendances) for row in report.libraries] == [
        ("Shelbyville Library", 2, 2),
        ("Springfield Public Library", 2, 3),
        ("No member library", 1, 1),
    ]
    assert annual.annual_report(2030).total.people == 1


def test_annual_report_is_the_same_after_the_purge(data):
    """The addresses are erased, the fingerprints stay, so do the counts."""
    before = annual.annual_report(2031)
    keys = dict(Registration.objects.values_list("pk", "attendee_key"))
    purged = services.purge_personal_data(now=NOW + timedelta(days=400))
    assert purged == Registration.objects.count()
    assert not Registration.objects.filter(email__contains="spring.example").exists()
    assert dict(Registration.objects.values_list("pk", "attendee_key")) == keys
    assert annual.annual_report(2031) == before


# Queries


_libraries = itertools.count(1)


def grow(n: int) -> None:
    """``n`` more events in March, each in two categories, with a
    registration of each kind, a library and an evaluation."""
    library = MemberLibrary.objects.create(name=f"Library {next(_libraries)}")
    for i in range(n):
        event = make_event(
            start=eastern(2031, 3, 1 + i % 28),
            capacity=20,
            categories=[make_category(), make_category()],
        )
        add(event, f"one{n}-{i}@example.org", library=library, attended=True)
        add(event, f"two{n}-{i}@example.org", Registration.Status.WAITLISTED)
        add(event, f"three{n}-{i}@example.org", Registration.Status.DECLINED)


def queries_for(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


REPORT_QUERIES = {
    "totals": 1,
    "month": 1,
    "library": 1,
    "category": 1,
    "event": 1,
    "evaluation": 1,
    "evaluation_event": 1,
}


@pytest.mark.parametrize("table", sorted(REPORT_QUERIES))
def test_each_table_takes_a_fixed_number_of_queries(
    data, table, django_assert_num_queries
):
    """As many queries with 2 more events as with 20 more."""
    build = tables.TABLE_BUILDERS[table]
    grow(2)
    with django_assert_num_queries(REPORT_QUERIES[table]):
        build(YEAR)
    grow(20)
    with django_assert_num_queries(REPORT_QUERIES[table]):
        build(YEAR)


def test_the_annual_report_takes_three_queries(data, django_assert_num_queries):
    """The annual report takes three queries, with 2 more events as with 20
    more."""
    grow(2)
    with django_assert_num_queries(3):
        annual.annual_report(2031)
    grow(20)
    with django_assert_num_queries(3):
        annual.annual_report(2031)


def test_the_whole_report_takes_seven_queries(data):
    """The page's every table: the months (which the totals add up, not
    counted again), the libraries, the categories, the first events and the
    fullest, the evaluations; as many with 20 more events as with 2. For one
    library, the months and categories count its registrations apart from
    the events' seats: two queries more."""
    one_library = ReportFilters(YEAR.start, YEAR.end, library_id=data.springfield.pk)
    grow(2)
    small = queries_for(lambda: tables.report_tables(YEAR))
    small_library = queries_for(lambda: tables.report_tables(one_library))
    grow(20)
    assert queries_for(lambda: tables.report_tables(YEAR)) == small == 7
    assert queries_for(lambda: tables.report_tables(one_library)) == small_library
    assert small_library == 9


def test_the_totals_are_the_months_added_up(data):
    """The totals row the page shows (the months added up) is what counting
    every registration of the range at once gives, library filter and
    all."""
    for filters in (
        YEAR,
        ReportFilters(YEAR.start, YEAR.end, library_id=data.springfield.pk),
    ):
        registrations = Registration.objects.filter(
            event__start__gte=filters.start_moment,
            event__start__lt=filters.end_moment,
        ).exclude(event__status=Event.Status.CANCELLED)
        if filters.library_id:
            registrations = registrations.filter(library_id=filters.library_id)
        total = figures.total_of(figures.by_month(filters, now=NOW))
        assert total.registrations == registrations.count() > 0
        assert total == figures.totals(filters, now=NOW)


def test_the_fullest_chosen_first_are_the_fullest_of_all(data):
    """With a limit the fullest events are chosen before they are counted;
    they are the first of every event sorted by its fill rate, for all
    libraries and for one (whose seats taken alone decide)."""
    grow(6)
    # Fullest of all, but not by Springfield's seats; and the other way.
    packed = make_event("Packed", start=eastern(2031, 9, 1), capacity=4)
    for n in range(3):
        add(packed, f"other{n}@example.org")
    add(packed, "one@spring.example", library=data.springfield)
    local = make_event("Local", start=eastern(2031, 9, 2), capacity=4)
    for n in range(2):
        add(local, f"local{n}@spring.example", library=data.springfield)
    for filters in (
        YEAR,
        ReportFilters(YEAR.start, YEAR.end, library_id=data.springfield.pk),
    ):
        every = [
            row
            for row in figures.by_event(filters, now=NOW)
            if row.seats and row.seats > 0
        ]
        every.sort(key=lambda row: (-row.fill_rate, row.start, row.key))
        chosen = figures.by_event(filters, now=NOW, limit=3, fullest=True)
        assert [row.key for row in chosen] == [row.key for row in every[:3]]
        assert chosen == every[:3]
        fullest = figures.by_event(filters, now=NOW, limit=1, fullest=True)
        assert [row.label for row in fullest] == [
            "Local" if filters.library_id else "Packed"
        ]
        first = figures.by_event(filters, now=NOW, limit=3)
        assert first == figures.by_event(filters, now=NOW)[:3]


def test_the_page_shows_the_first_events_and_the_fullest_of_all(data, monkeypatch):
    """On the page, the event table stops at PAGE_ROWS (the database stops
    there); the fullest events' table is the same as its CSV's, whatever
    the event table shows."""
    everything = tables.TABLE_BUILDERS["event"](YEAR)
    fullest = tables.TABLE_BUILDERS["fullest"](YEAR)
    monkeypatch.setattr(tables, "PAGE_ROWS", 2)
    page = tables.report_tables(YEAR)
    assert [f.label for f in page["event"].items] == [
        f.label for f in everything.items
    ][:2]
    assert page["event"].cut_short and not everything.cut_short
    assert page["fullest"].items == fullest.items
    assert len(fullest.items) > 2


def test_an_event_whose_attendance_was_not_taken_adds_no_no_shows(data):
    """Ended, but nobody took its attendance: its confirmed registrants are
    not no-shows (they would all be), so the rate stays as it was."""
    before = figures.totals(YEAR, now=NOW)
    untaken = make_event("Untaken", start=eastern(2031, 5, 5), capacity=10)
    add(untaken, "pat@spring.example", library=data.springfield)
    add(untaken, "lee@spring.example", library=data.springfield)
    after = figures.totals(YEAR, now=NOW)
    assert after.confirmed == before.confirmed + 2
    assert (after.no_shows, after.confirmed_ended) == (
        before.no_shows,
        before.confirmed_ended,
    )


def test_turned_away_counts_the_declined_and_those_found_full_at_approval():
    """Both ways staff decide without a seat are "turned away": declined as
    not a member, and approved when nobody more fitted."""
    event = make_event(start=eastern(2033, 3, 1, 14), capacity=1)
    add(event, "seat@example.org")
    add(event, "declined@example.org", Registration.Status.DECLINED)
    add(event, "full@example.org", Registration.Status.TURNED_AWAY)
    year = ReportFilters(start=date(2033, 1, 1), end=date(2033, 12, 31))
    total = figures.totals(year, now=NOW)
    assert (total.registrations, total.confirmed, total.turned_away) == (3, 1, 2)
