"""Zoom's webinar attendee report, and the participants list of a Zoom
meeting (for webinars run as meetings).

The attendee report opens with a summary ("Attendee Report,", "Report
Generated:", then the Topic, Webinar ID, Actual Start Time... header and its
row), then sections, each a title row and a table: "Host Details",
"Panelist Details", "Attendee Details" and, in some reports, "Other
Attended". Only "Attendee Details" is read: hosts and panelists are the
presenters, and "Other Attended" gives no email address to match. In it, a
registrant who didn't come is a row with "Attended" No and "--" for the
times; one who dropped out and came back has a row for each stretch.
"""

from datetime import tzinfo

from django.utils.translation import gettext as _

from .reading import (
    ZOOM,
    AttendeeReport,
    filled,
    header_of,
    make_row,
    not_a_report,
    read_time,
    reads_day_first,
    table_after,
    title_of,
    value,
)

NAME = ("user name (original name)", "name (original name)", "user name", "name")
EMAIL = ("email", "user email")
JOIN = ("join time",)
LEAVE = ("leave time",)
MINUTES = ("time in session (minutes)", "duration (minutes)")


def recognises(rows) -> bool:
    for _line, cells in rows:
        if title_of(cells) in ("attendee report", "attendee details"):
            return True
        columns = header_of(cells)
        if "time in session (minutes)" in columns or "name (original name)" in columns:
            return True
    return False


def parse(rows, *, tz: tzinfo) -> AttendeeReport:
    columns, table = _attendee_table(rows)
    day_first = reads_day_first(
        value(cells, columns, *times)
        for _line, cells in table
        for times in (JOIN, LEAVE)
    )
    results = []
    for line, cells in table:
        if value(cells, columns, "attended").casefold() == "no":
            continue  # registered, never came: absent, not a problem
        name = value(cells, columns, *NAME) or " ".join(
            part
            for part in (
                value(cells, columns, "first name"),
                value(cells, columns, "last name"),
            )
            if part
        )
        results.append(
            make_row(
                line=line,
                name=name,
                email=value(cells, columns, *EMAIL),
                join=value(cells, columns, *JOIN),
                leave=value(cells, columns, *LEAVE),
                minutes=value(cells, columns, *MINUTES),
                tz=tz,
                day_first=day_first,
            )
        )
    title, started = _summary(rows, tz=tz, day_first=day_first)
    return AttendeeReport.of(ZOOM, title, started, results)


def _attendee_table(rows):
    """The header and data rows of the attendees: the "Attendee Details"
    section of a webinar report, or the one table of a meeting's list."""
    for index, (_line, cells) in enumerate(rows):
        if title_of(cells) == "attendee details":
            body = table_after(rows, index + 1)
            if not body:
                raise not_a_report(_("its Attendee Details section is empty."))
            columns, table = header_of(body[0][1]), body[1:]
            break
    else:
        for index, (_line, cells) in enumerate(rows):
            columns = header_of(cells)
            if _has_times(columns) and any(name in columns for name in EMAIL):
                table = table_after(rows, index + 1)
                break
        else:
            raise not_a_report(_("it has no Attendee Details section."))
    if not any(name in columns for name in EMAIL) or not _has_times(columns):
        raise not_a_report(
            _("its attendee section has no Email, Join Time and Leave Time columns.")
        )
    return columns, table


def _has_times(columns) -> bool:
    return any(n in columns for n in JOIN) and any(n in columns for n in LEAVE)


def _summary(rows, *, tz: tzinfo, day_first: bool):
    """The topic and start time from the header row that names them
    ("Topic,Webinar ID,Actual Start Time,..." and the row under it)."""
    for index, (_line, cells) in enumerate(rows[:-1]):
        columns = header_of(cells)
        if "topic" in columns and filled(rows[index + 1][1]):
            values = rows[index + 1][1]
            started = value(values, columns, "actual start time", "start time")
            return (
                value(values, columns, "topic"),
                read_time(started, tz, day_first=day_first),
            )
    return "", None
