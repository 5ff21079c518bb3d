"""Reading Zoom's and Teams' attendee reports: the people in them, their
join and leave times in the event's zone, and the rows that can't be used,
from sample files laid out as the platforms export them."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from registrations.attendance_reports import (
    TEAMS,
    ZOOM,
    ReportError,
    minutes_present,
    parse_attendee_report,
)

SAMPLES = Path(__file__).parent / "samples"
EASTERN = ZoneInfo("America/New_York")
# The webinar the samples were downloaded from: 2 to 3 PM in New York.
START = datetime(2026, 3, 12, 14, 0, tzinfo=EASTERN)
END = datetime(2026, 3, 12, 15, 0, tzinfo=EASTERN)
NOT_A_REPORT = (
    "This doesn't look like a Zoom attendee report or a Teams attendance list: "
)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def parse(data: bytes):
    return parse_attendee_report(data, tz=EASTERN)


def minutes_of(report, email: str) -> float:
    rows = [row for row in report.rows if row.email.lower() == email]
    return minutes_present(rows, START, END)


def emails(report) -> set[str]:
    return {row.email for row in report.rows}


def test_zoom_report_reads_the_attendee_section_only():
    """Only Zoom's "Attendee Details" are attendees: not the host, the
    panelists, the registrants marked "No" or the "Other Attended" after
    them; emails stay as written."""
    report = parse(sample("zoom_webinar_attendee_report.csv"))
    assert report.platform == ZOOM
    assert report.platform_name == "Zoom"
    assert report.title == "Summer Reading Kickoff: Programs That Work"
    assert report.started == datetime(2026, 3, 12, 13, 52, 40, tzinfo=EASTERN)
    assert emails(report) == {
        "maria.alvarez@springfieldlibrary.org",
        "DPatel@SpringfieldLibrary.org",
        "Tom.Okafor@Gmail.com",
        "jwhitaker@springfieldlibrary.org",
        "ruth.baker@gmail.com",
        "lena.fischer@gmail.com",
    }
    assert report.problems == ()


def test_zoom_rejoins_are_summed_and_clipped_to_the_event():
    """Dev Patel's three rows, the last overlapping the one before and
    running past the end, make 18m50s plus 35m30s of the hour."""
    report = parse(sample("zoom_webinar_attendee_report.csv"))
    dev = [row for row in report.rows if row.email == "DPatel@SpringfieldLibrary.org"]
    assert [row.line for row in dev] == [14, 15, 16]
    assert [row.platform_minutes for row in dev] == [19, 17, 25]
    assert dev[0].name == "Dev Patel - Springfield PL (Dev Patel)"
    assert minutes_of(report, "dpatel@springfieldlibrary.org") == 54 + 20 / 60
    # Joined before the start and left after the end: the hour, no more.
    assert minutes_of(report, "maria.alvarez@springfieldlibrary.org") == 60


def test_times_are_read_on_the_event_clock():
    """The files write local times without a zone; they are read in the
    event's zone (Eastern daylight time on March 12, 2026)."""
    report = parse(sample("zoom_webinar_attendee_report.csv"))
    row = next(row for row in report.rows if row.name == "Joan Whitaker")
    assert row.join == datetime(2026, 3, 12, 14, 10, tzinfo=EASTERN)
    assert row.join.utcoffset().total_seconds() == -4 * 3600
    assert row.leave == datetime(2026, 3, 12, 14, 38, tzinfo=EASTERN)


def test_zoom_report_with_or_without_a_byte_order_mark():
    """The sample starts with a UTF-8 byte-order mark; it doesn't end up in
    the first cell, and the same file without it reads the same."""
    data = sample("zoom_webinar_attendee_report.csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert parse(data) == parse(data[3:])


def test_zoom_2020_layout():
    """The 2020 attendee report, all quoted, with no user name column (the
    name is first and last) and dates like "Mar 12, 2026 14:01:10"."""
    report = parse(sample("zoom_webinar_attendee_report_2020.csv"))
    assert report.platform == ZOOM
    assert report.started == datetime(2026, 3, 12, 13, 52, tzinfo=EASTERN)
    assert [(row.name, row.email) for row in report.rows] == [
        ("Maria Alvarez", "Maria.Alvarez@springfieldlibrary.org"),
        ("Dev Patel", "dpatel@springfieldlibrary.org"),
        ("Dev Patel", "dpatel@springfieldlibrary.org"),
        ("Lena Fischer", "lena.fischer@gmail.com"),
    ]
    assert minutes_of(report, "dpatel@springfieldlibrary.org") == 54 + 20 / 60
    assert report.problems == ()


def test_zoom_meeting_participants_list():
    """A webinar run as a Zoom meeting gives the meeting's participants
    list instead: one table under the meeting's own header."""
    text = (
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),"
        "Participants\n"
        '91234567890,Summer Reading Kickoff,"03/12/2026 01:55:00 PM",'
        '"03/12/2026 03:05:00 PM",webinars@springfieldlibrary.org,70,2\n'
        "\n"
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),"
        "Guest\n"
        "Maria Alvarez,maria.alvarez@springfieldlibrary.org,"
        "03/12/2026 01:58:02 PM,03/12/2026 02:30:00 PM,32,Yes\n"
        "Maria Alvarez,maria.alvarez@springfieldlibrary.org,"
        "03/12/2026 02:35:00 PM,03/12/2026 03:00:40 PM,26,Yes\n"
    )
    report = parse(text.encode())
    assert report.platform == ZOOM
    assert report.title == "Summer Reading Kickoff"
    assert [row.line for row in report.rows] == [5, 6]
    assert minutes_of(report, "maria.alvarez@springfieldlibrary.org") == 55


def test_teams_report_in_utf16_with_tabs():
    """Teams' attendance report is UTF-16 with tabs: its In-Meeting
    Activities are read, the organizer left out, a presenter kept; emails
    stay as written."""
    data = sample("teams_attendance_report.csv")
    assert data.startswith(b"\xff\xfe")
    report = parse(data)
    assert report.platform == TEAMS
    assert report.platform_name == "Microsoft Teams"
    assert report.title == "Summer Reading Kickoff: Programs That Work"
    assert report.started == datetime(2026, 3, 12, 13, 55, 12, tzinfo=EASTERN)
    assert emails(report) == {
        "Maria.Alvarez@springfieldlibrary.org",
        "DPatel@SpringfieldLibrary.org",
        "tom.okafor@gmail.com",
        "jwhitaker@springfieldlibrary.org",
        "ruth.baker@gmail.com",
        "Lena.Fischer@gmail.com",
    }
    names = {row.name for row in report.rows}
    assert "Alvarez, Maria" in names
    assert "MLS Learning Services" not in names


def test_teams_rejoins_are_summed():
    """Dev Patel's three stretches make 53m20s of the hour; Maria's row
    with a leave time only, which Teams writes beside a rejoin, is neither
    counted nor a problem."""
    report = parse(sample("teams_attendance_report.csv"))
    dev = [row for row in report.rows if row.name == "Dev Patel"]
    assert [row.platform_minutes for row in dev] == [18 + 50 / 60, 15.5, 24]
    assert minutes_of(report, "dpatel@springfieldlibrary.org") == 53 + 20 / 60
    maria = [row for row in report.rows if row.name == "Alvarez, Maria"]
    assert [row.line for row in maria] == [26, 28]
    assert minutes_of(report, "maria.alvarez@springfieldlibrary.org") == 59.5


def test_teams_guest_is_known_by_the_email_they_registered_with():
    """A webinar guest joins with no email; the email from their Teams
    registration, in the Participants section, stands in."""
    report = parse(sample("teams_attendance_report.csv"))
    tom = next(row for row in report.rows if row.name == "Tom Okafor (Guest)")
    assert tom.email == "tom.okafor@gmail.com"
    assert tom.line == 32


def test_teams_row_without_email_is_a_problem():
    """A caller by phone has no email: a problem, with its line, its name
    and the reason, not a row and not an error."""
    report = parse(sample("teams_attendance_report.csv"))
    [problem] = report.problems
    assert problem.line == 36
    assert problem.name == "+1 413-555-0143"
    assert problem.reason == (
        "no email address, so it can't be matched to a registrant"
    )


def test_teams_report_without_a_byte_order_mark_or_saved_as_utf8():
    """The same report reads the same without its byte-order mark (UTF-16
    known by its NUL bytes) and saved again as UTF-8."""
    data = sample("teams_attendance_report.csv")
    report = parse(data)
    assert parse(data[2:]) == report
    assert parse(data.decode("utf-16").encode("utf-8")) == report


def test_teams_day_first_dates():
    """A Teams list whose dates can only be day first (17/3/26) is read
    day first throughout, 4/3/26 included, as 4 March."""
    text = "\r\n".join(
        [
            "1. Summary",
            "Meeting title\tStory Time Online",
            "Start time\t4/3/26, 13:58:00",
            "",
            "3. In-Meeting Activities",
            "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole",
            "Joan Whitaker\t4/3/26, 14:00:00\t4/3/26, 14:30:00\t30m\tj@x.org\tAttendee",
            "Ruth Baker\t17/3/26, 14:00:00\t17/3/26, 14:45:00\t45m\tr@x.org\tAttendee",
        ]
    )
    report = parse(text.encode("utf-16"))
    assert [row.join.date().isoformat() for row in report.rows] == [
        "2026-03-04",
        "2026-03-17",
    ]
    assert report.started == datetime(2026, 3, 4, 13, 58, tzinfo=EASTERN)


def test_a_time_with_its_own_offset_keeps_it():
    """A time that carries an offset is not moved onto the event's clock."""
    text = "\n".join(
        [
            "Attendee Details,",
            "Attended,User Name (Original Name),Email,Join Time,Leave Time,"
            "Time in Session (minutes)",
            "Yes,Ruth Baker,ruth.baker@gmail.com,2026-03-12T18:30:00Z,"
            "2026-03-12T19:00:00Z,30",
        ]
    )
    [row] = parse(text.encode()).rows
    assert row.join == datetime(2026, 3, 12, 14, 30, tzinfo=EASTERN)
    assert row.join.utcoffset().total_seconds() == 0


def test_a_bad_time_is_a_problem_with_its_line():
    """A join time that is no date (the 32nd of March) makes that row a
    problem naming its line and the text; the other rows are still read."""
    data = sample("zoom_webinar_attendee_report.csv").replace(
        b'"03/12/2026 02:10:00 PM"', b'"03/32/2026 02:10:00 PM"'
    )
    report = parse(data)
    [problem] = report.problems
    assert problem.line == 18
    assert problem.name == "Joan Whitaker"
    assert problem.reason == (
        "the join time “03/32/2026 02:10:00 PM” isn't a date and time"
    )
    assert len(report.rows) == 7


def test_rows_that_cannot_be_used():
    """No email, no leave time, a time with no date, and a leave before the
    join: each a problem in a librarian's words, in the file's order."""
    text = "\n".join(
        [
            "Attendee Details,",
            "Attended,User Name (Original Name),Email,Join Time,Leave Time,"
            "Time in Session (minutes)",
            "Yes,No Email,,03/12/2026 02:00:00 PM,03/12/2026 02:30:00 PM,30",
            "Yes,Still In,a@gmail.com,03/12/2026 02:00:00 PM,,",
            "Yes,Time Only,b@gmail.com,02:00:00 PM,03/12/2026 02:30:00 PM,30",
            "Yes,Backwards,c@gmail.com,03/12/2026 02:30:00 PM,"
            "03/12/2026 02:00:00 PM,30",
        ]
    )
    report = parse(text.encode())
    assert report.rows == ()
    assert [(p.line, p.name, p.reason) for p in report.problems] == [
        (3, "No Email", "no email address, so it can't be matched to a registrant"),
        (4, "Still In", "no leave time"),
        (5, "Time Only", "the join time “02:00:00 PM” isn't a date and time"),
        (6, "Backwards", "the leave time is before the join time"),
    ]


def test_older_teams_list_is_refused_with_a_way_forward():
    """The older Teams list has names but no emails: refused, saying where
    to download the report that has them."""
    with pytest.raises(ReportError) as refused:
        parse(sample("teams_attendance_list_2020.csv"))
    assert refused.value.message.startswith(
        "This is the older Teams attendance list, which gives names but no "
        "email addresses"
    )
    assert "choose Attendance and download the attendance report" in (
        refused.value.message
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"Name,Email,Favourite book\nMaria,maria@gmail.com,Beloved\n",
            "it has neither Zoom's Attendee Details nor Teams' Participants.",
        ),
        (b"  \r\n", "the file is empty."),
        (
            b"PK\x03\x04\x14\x00\x06\x00 workbook",
            "it is an Excel workbook. Download the report as a CSV file and "
            "upload that.",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "it is not a text file."),
        (
            b"Attendee Details,\nAttended,User Name,Country/Region Name\n",
            "its attendee section has no Email, Join Time and Leave Time columns.",
        ),
    ],
)
def test_a_file_that_is_no_report_raises_one_clear_error(data, reason):
    """Anything that is neither report raises ReportError, its message made
    for the upload page."""
    with pytest.raises(ReportError) as refused:
        parse(data)
    assert refused.value.message == NOT_A_REPORT + reason
