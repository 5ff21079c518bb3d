"""Reading the webinar platforms' attendee reports, and matching them to an
event's registrations: the first step of marking attendance from a report.
Plain code, no models and no database: ``parse_attendee_report`` turns the
uploaded bytes into rows (name, email, join, leave) and the rows it couldn't
use; ``match_report`` sorts them out against the registrations it is given.

The layouts, and where they come from (read in 2026):

- Zoom's webinar **Attendee Report**: web portal, Reports, Webinar, "Attendee
  report", exported as CSV (Zoom's "Generating webinar reports" help page,
  read as its reseller Nissho Electronics mirrors it; it names the report,
  not its columns). The columns come from real exports. The 2020 version:
  an anonymized export shipped with the ZoomReports R package
  (beemyfriend/ZoomReports, inst/extdata/Anonymized_Zoom_Attendee_Report.csv)
  with "Attendee Report,", "Report Generated:", the Topic, Webinar ID,
  Actual Start Time, Actual Duration (minutes), # Registered... row, then
  Host, Panelist and Attendee Details (Attended, First Name, Last Name,
  Email, Registration Time, Approval Status, Join Time, Leave Time, Time in
  Session (minutes), Country/Region Name) and a trailing "Other Attended";
  dates "Mar 28, 2020 08:07:27". The current version, as projects parsing
  it in 2025-2026 show it: Attended, User Name (Original Name), First Name,
  Last Name, Email, Phone, Registration Time, Approval Status, Join Time,
  Leave Time, Time in Session (minutes), Is Guest, Country/Region Name,
  Source Name; dates "03/12/2026 01:58:02 PM". Columns are found by name,
  so both read, and so does a Zoom meeting's participants export ("Name
  (Original Name), User Email, Join Time, Leave Time, Duration (Minutes)").
- Microsoft Teams' **attendance report**: the meeting's Attendance tab,
  Download (Microsoft Support's "Manage meeting attendance reports in
  Microsoft Teams"), the layout Teams has written since mid-2021, in
  English, as a real webinar export shows it (The-Strategy-Unit/WebinarStats,
  data/TeamsWebinarTest.csv: UTF-16 with a byte-order mark, tabs, CRLF,
  rows padded with empty cells, the three sections described in ``teams``).
  The older "Full Name, User Action, Timestamp" list (UTF-16, tabs, as in
  ujjwalravi/msteams-simplify's sample_file.csv) is recognised and refused,
  having no emails. Teams live events' report (Session Id, Participant Id,
  Full Name, UserAgent, UTC Event Timestamp, Action, Role) and reports in
  other languages are not read.

Not known for certain: whether Zoom's current export starts with a UTF-8
byte-order mark (both read), and the date order a Teams tenant outside the
United States writes (a file is read day first only when one of its dates
can't be month first).
"""

from datetime import tzinfo

from django.utils.translation import gettext as _

from . import teams, zoom
from .matching import (
    Attended,
    NotConfirmed,
    ReportMatch,
    TooShort,
    Unmatched,
    match_report,
    minutes_present,
    normalize_email,
)
from .reading import (
    MAX_REPORT_BYTES,
    TEAMS,
    ZOOM,
    AttendeeReport,
    AttendeeRow,
    Problem,
    ReportError,
    decode,
    not_a_report,
    read_rows,
)


def parse_attendee_report(data: bytes, *, tz: tzinfo) -> AttendeeReport:
    """Read an uploaded Zoom or Teams report, whichever it is by its content.
    ``tz`` is the event's time zone, for the times the files write without
    one. Rows that can't be used come back as problems; a file that is
    neither report raises ``ReportError``."""
    if not data.strip():
        raise not_a_report(_("the file is empty."))
    if len(data) > MAX_REPORT_BYTES:
        raise not_a_report(_("the file is far larger than any attendee report."))
    rows = read_rows(decode(data))
    if teams.recognises(rows):
        return teams.parse(rows, tz=tz)
    if zoom.recognises(rows):
        return zoom.parse(rows, tz=tz)
    if teams.is_legacy(rows):
        raise teams.legacy_error()
    raise not_a_report(
        _("it has neither Zoom's Attendee Details nor Teams' Participants.")
    )


__all__ = [
    "MAX_REPORT_BYTES",
    "TEAMS",
    "ZOOM",
    "Attended",
    "AttendeeReport",
    "AttendeeRow",
    "NotConfirmed",
    "Problem",
    "ReportError",
    "ReportMatch",
    "TooShort",
    "Unmatched",
    "match_report",
    "minutes_present",
    "normalize_email",
    "parse_attendee_report",
]
