"""Matching a report to an event's registrations: by email whatever its
case, a minimum share of the event's minutes to count, summed over a
person's rows, and the walk-ins, the unconfirmed and the absent listed
apart. Pure: the registrations are unsaved instances, no database."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from registrations.attendance_reports import (
    AttendeeReport,
    AttendeeRow,
    match_report,
    minutes_present,
    parse_attendee_report,
)
from registrations.models import Registration

SAMPLES = Path(__file__).parent / "samples"
EASTERN = ZoneInfo("America/New_York")
START = datetime(2026, 3, 12, 14, 0, tzinfo=EASTERN)
END = datetime(2026, 3, 12, 15, 0, tzinfo=EASTERN)
CONFIRMED = Registration.Status.CONFIRMED


def registration(pk, name, email, status=CONFIRMED) -> Registration:
    return Registration(pk=pk, name=name, email=email, status=status)


def registrants(**statuses) -> list[Registration]:
    """The webinar's registrations, as registrants typed their addresses."""
    people = [
        (1, "Maria Alvarez", "maria.alvarez@springfieldlibrary.org"),
        (2, "Dev Patel", "dpatel@springfieldlibrary.org"),
        (3, "Tom Okafor", " tom.okafor@GMAIL.com "),
        (4, "Joan Whitaker", "jwhitaker@springfieldlibrary.org"),
        (5, "Ruth Baker", "Ruth.Baker@gmail.com"),
        (6, "Priya Shah", "pshah@springfieldlibrary.org"),
    ]
    return [
        registration(pk, name, email, statuses.get(name.split()[0], CONFIRMED))
        for pk, name, email in people
    ]


def zoom_report():
    data = (SAMPLES / "zoom_webinar_attendee_report.csv").read_bytes()
    return parse_attendee_report(data, tz=EASTERN)


def at(minute: int, second: int = 0) -> datetime:
    """That many minutes and seconds after the event's start."""
    return START + timedelta(minutes=minute, seconds=second)


def row(join: datetime, leave: datetime, email="ruth.baker@gmail.com", line=1):
    return AttendeeRow(line, "Ruth Baker", email, join, leave)


def report_of(*rows) -> AttendeeReport:
    return AttendeeReport("zoom", "", None, rows, ())


def summary(matched):
    return {
        "attended": [(a.registration.pk, a.minutes) for a in matched.attended],
        "too_short": [
            (t.registration.pk, t.minutes, t.needed) for t in matched.too_short
        ],
        "unmatched": [tuple(u) for u in matched.unmatched],
        "not_confirmed": [
            (n.registration.pk, n.minutes) for n in matched.not_confirmed
        ],
        "absent": [r.pk for r in matched.absent],
    }


def test_minutes_present_counts_overlaps_once():
    """Two stretches that overlap count their union: 10 to 40 and 30 to 50
    is 40 minutes, not 50."""
    rows = [row(at(10), at(40)), row(at(30), at(50))]
    assert minutes_present(rows, START, END) == 40


def test_minutes_present_clips_to_the_event():
    """Time before the start and after the end doesn't count, nor does a
    stretch wholly outside the event."""
    rows = [
        row(at(-20), at(10)),
        row(at(50), at(90)),
        row(at(-60), at(-30)),
        row(at(70), at(80)),
    ]
    assert minutes_present(rows, START, END) == 20
    assert minutes_present([], START, END) == 0


def test_minutes_present_across_time_zones():
    """A row written in UTC and one on the event's clock are compared as
    the same instants."""
    utc = ZoneInfo("UTC")
    rows = [
        row(datetime(2026, 3, 12, 18, 0, tzinfo=utc), at(30)),
        row(at(20), datetime(2026, 3, 12, 18, 45, tzinfo=utc)),
    ]
    assert minutes_present(rows, START, END) == 45


def test_zoom_report_matched_to_registrations():
    """The sample's people sorted out: four attended (Dev's three rows
    summed, Tom's mixed-case email matched), Joan's 28 minutes short of the
    30 needed, Lena a walk-in, Priya absent, and no problems."""
    matched = match_report(
        zoom_report(), registrations=registrants(), start=START, end=END
    )
    assert summary(matched) == {
        "attended": [(2, 54), (1, 60), (5, 30), (3, 45)],
        "too_short": [(4, 28, 30)],
        "unmatched": [("Lena Fischer", "lena.fischer@gmail.com", 50)],
        "not_confirmed": [],
        "absent": [6],
    }
    assert matched.needed == 30
    assert matched.problems == ()
    assert matched.outside_event is False


def test_teams_report_matched_to_registrations():
    """The Teams sample: the guest is matched through the email he
    registered with in Teams, the caller by phone is a problem."""
    data = (SAMPLES / "teams_attendance_report.csv").read_bytes()
    report = parse_attendee_report(data, tz=EASTERN)
    matched = match_report(report, registrations=registrants(), start=START, end=END)
    assert summary(matched) == {
        "attended": [(2, 53), (1, 59), (5, 30), (3, 45)],
        "too_short": [(4, 28, 30)],
        "unmatched": [("Lena Fischer (External)", "Lena.Fischer@gmail.com", 50)],
        "not_confirmed": [],
        "absent": [6],
    }
    assert [problem.line for problem in matched.problems] == [36]


@pytest.mark.parametrize(
    ("leave", "attended"),
    [(at(30), True), (at(29, 59), False)],
)
def test_exactly_the_minimum_share_counts(leave, attended):
    """Half of a one-hour event is 30 minutes: 30 counts, 29:59 doesn't."""
    ruth = registration(5, "Ruth Baker", "ruth.baker@gmail.com")
    matched = match_report(
        report_of(row(at(0), leave)), registrations=[ruth], start=START, end=END
    )
    assert bool(matched.attended) is attended
    assert bool(matched.too_short) is not attended


def test_the_share_is_per_event():
    """With three quarters required, 45 minutes are needed: Dev's 54 and
    Tom's 45 count, Ruth's 30 doesn't."""
    matched = match_report(
        zoom_report(),
        registrations=registrants(),
        start=START,
        end=END,
        minimum_share=0.75,
    )
    assert [a.registration.pk for a in matched.attended] == [2, 1, 3]
    assert [(t.registration.pk, t.needed) for t in matched.too_short] == [
        (4, 45),
        (5, 45),
    ]


def test_rows_summed_before_the_share_is_judged():
    """Two stretches of 20 minutes each make 40 of 60: attended, though
    neither alone reaches half."""
    ruth = registration(5, "Ruth Baker", "ruth.baker@gmail.com")
    rows = [
        row(at(0), at(20), email="RUTH.BAKER@gmail.com", line=1),
        row(at(30), at(50), email="ruth.baker@gmail.com", line=2),
    ]
    matched = match_report(report_of(*rows), registrations=[ruth], start=START, end=END)
    assert [(a.registration.pk, a.minutes) for a in matched.attended] == [(5, 40)]


def test_unconfirmed_registrations_are_listed_apart():
    """Tom's registration was cancelled and Ruth is on the waiting list:
    the report doesn't mark them, nor call them walk-ins."""
    matched = match_report(
        zoom_report(),
        registrations=registrants(
            Tom=Registration.Status.CANCELLED, Ruth=Registration.Status.WAITLISTED
        ),
        start=START,
        end=END,
    )
    assert summary(matched)["not_confirmed"] == [(5, 30), (3, 45)]
    assert [a.registration.pk for a in matched.attended] == [2, 1]
    assert [u.email for u in matched.unmatched] == ["lena.fischer@gmail.com"]


def test_a_live_registration_wins_over_a_cancelled_one():
    """An address that cancelled and registered again is matched to the
    confirmed registration, whichever comes first."""
    cancelled = registration(
        7, "Ruth Baker", "ruth.baker@gmail.com", Registration.Status.CANCELLED
    )
    confirmed = registration(3, "Ruth Baker", "ruth.baker@gmail.com")
    matched = match_report(
        report_of(row(at(0), at(60))),
        registrations=[confirmed, cancelled],
        start=START,
        end=END,
    )
    assert [a.registration.pk for a in matched.attended] == [3]
    assert matched.not_confirmed == ()


def test_a_report_of_another_day_is_flagged():
    """Matched against the next day's session, nobody was present: all too
    short, and the match says the report falls outside the event."""
    day = timedelta(days=1)
    matched = match_report(
        zoom_report(),
        registrations=registrants(),
        start=START + day,
        end=END + day,
    )
    assert matched.outside_event is True
    assert matched.attended == ()
    assert {t.minutes for t in matched.too_short} == {0}


def test_an_event_must_end_after_it_starts():
    """A window that ends at its start is a programming error, not a match
    of nobody."""
    with pytest.raises(ValueError):
        match_report(report_of(), registrations=[], start=START, end=START)
