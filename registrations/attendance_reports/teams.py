"""Microsoft Teams' attendance report, for a meeting or a webinar.

Teams writes it in UTF-16 with tabs between cells (a ".csv" in name only),
in three numbered sections: "1. Summary" (Meeting title, Attended
participants, Start time, End time, Meeting duration, Average attendance
time: a name and a value on each row), "2. Participants" (Name, First Join,
Last Leave, In-Meeting Duration, Email, Participant ID (UPN), Role; a webinar
adds the registration's first and last name, email, time and status) and
"3. In-Meeting Activities" (Name, Join Time, Leave Time, Duration, Email,
Role: a row for each time a person joined). Times are the downloader's wall
clock, "3/12/26, 1:58:02 PM"; durations "1h 2m 3s".

The activities are read, since one person's several stretches are there;
the participants only when a file has no activities, taking first join to
last leave (which counts a gap in the middle as time present).

The older list (before mid-2021), downloaded from the meeting's participants
pane, holds only "Full Name, User Action, Timestamp": names, no email, so
nobody in it can be matched; it is refused with a word on where to find the
report.
"""

from datetime import tzinfo

from django.utils.translation import gettext as _

from .reading import (
    TEAMS,
    AttendeeReport,
    ReportError,
    header_of,
    make_row,
    not_a_report,
    read_time,
    reads_day_first,
    table_after,
    title_of,
    value,
)

SECTIONS = ("1. summary", "2. participants", "3. in-meeting activities")
# The meeting's own organizers are the hosts, not attendees; everyone else
# is kept whatever their role, since in a Teams meeting everyone is a
# "Presenter" unless the organizer changed the meeting's options.
ORGANIZERS = {"organizer", "co-organizer"}
LEGACY = {"full name", "user action", "timestamp"}


def recognises(rows) -> bool:
    for _line, cells in rows:
        if title_of(cells) in SECTIONS:
            return True
        columns = header_of(cells)
        if "first join" in columns and "last leave" in columns:
            return True
    return False


def is_legacy(rows) -> bool:
    return any(header_of(cells).keys() >= LEGACY for _line, cells in rows[:3])


def legacy_error() -> ReportError:
    return ReportError(
        _(
            "This is the older Teams attendance list, which gives names but no "
            "email addresses, so nobody in it can be matched to a registrant. "
            "In Teams, open the meeting, choose Attendance and download the "
            "attendance report instead."
        )
    )


def parse(rows, *, tz: tzinfo) -> AttendeeReport:
    participants_columns, participants = _table(rows, "first join", "last leave")
    activities_columns, activities = _table(rows, "join time", "leave time")
    if activities_columns:
        columns, table = activities_columns, activities
        join, leave, minutes = "join time", "leave time", "duration"
    elif participants_columns:
        columns, table = participants_columns, participants
        join, leave, minutes = "first join", "last leave", "in-meeting duration"
    else:
        raise not_a_report(_("it has no list of participants with join times."))
    if "email" not in columns:
        raise not_a_report(_("its list of participants has no Email column."))
    day_first = reads_day_first(
        value(cells, columns, column) for _l, cells in table for column in (join, leave)
    )
    registered = _registration_emails(participants_columns, participants)
    results = []
    for line, cells in table:
        if value(cells, columns, "role").casefold() in ORGANIZERS:
            continue
        if not value(cells, columns, join) and not value(cells, columns, minutes):
            # Teams writes these beside a rejoin, with a leave time only;
            # its own duration for the person leaves them out, and so do we.
            continue
        name = value(cells, columns, "name")
        results.append(
            make_row(
                line=line,
                name=name,
                email=value(cells, columns, "email") or registered.get(name, ""),
                join=value(cells, columns, join),
                leave=value(cells, columns, leave),
                minutes=value(cells, columns, minutes),
                tz=tz,
                day_first=day_first,
            )
        )
    title, started = _summary(rows, tz=tz, day_first=day_first)
    return AttendeeReport.of(TEAMS, title, started, results)


def _table(rows, join: str, leave: str):
    """The columns and data rows under the header naming ``join`` and
    ``leave``, or ({}, [])."""
    for index, (_line, cells) in enumerate(rows):
        columns = header_of(cells)
        if "name" in columns and join in columns and leave in columns:
            return columns, table_after(rows, index + 1)
    return {}, []


def _registration_emails(columns, table) -> dict[str, str]:
    """A webinar's guests join with no email, but they registered with one:
    name to that address, for names that appear once."""
    emails = {}
    seen = set()
    for _line, cells in table:
        name = value(cells, columns, "name")
        email = value(cells, columns, "email") or value(
            cells, columns, "registration email"
        )
        if name in seen:
            emails.pop(name, None)
        elif email:
            emails[name] = email
        seen.add(name)
    return emails


def _summary(rows, *, tz: tzinfo, day_first: bool):
    title, started = "", None
    for _line, cells in rows:
        if title_of(cells) == "2. participants":
            break
        key = cells[0].casefold() if len(cells) > 1 else ""
        if key in ("meeting title", "title") and not title:
            title = cells[1]
        elif key in ("start time", "meeting start time") and started is None:
            started = read_time(cells[1], tz, day_first=day_first)
    return title, started
