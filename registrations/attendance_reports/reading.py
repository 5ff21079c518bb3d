"""What both platforms' files share: bytes to text, text to rows, and the
dates, times and durations written in them; and what a parser hands back."""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from dateutil import parser as dateparser
from django.utils.translation import gettext as _

ZOOM = "zoom"
TEAMS = "teams"
PLATFORM_NAMES = {ZOOM: "Zoom", TEAMS: "Microsoft Teams"}

# A webinar of a thousand attendees makes a report of a few hundred
# kilobytes; anything far bigger is some other file.
MAX_REPORT_BYTES = 5 * 1024 * 1024

# Two defaults that differ in every part dateutil may fill in: a value that
# reads differently under them left out its date (or its minutes), and which
# day was meant can't be known.
_DEFAULT_ONE = datetime(2001, 1, 1, 1, 1)
_DEFAULT_TWO = datetime(2002, 2, 2, 2, 2)
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})([/.])(\d{1,2})[/.]")
_HOURS_MINUTES_SECONDS = re.compile(
    r"(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?", re.IGNORECASE
)


class ReportError(Exception):
    """The file can't be read as an attendee report at all. ``message`` is
    written for the page the librarian uploaded it from."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def not_a_report(reason: str) -> ReportError:
    return ReportError(
        _(
            "This doesn't look like a Zoom attendee report or a Teams "
            "attendance list: %(reason)s"
        )
        % {"reason": reason}
    )


@dataclass(frozen=True)
class AttendeeRow:
    """One stretch of one person in the webinar: a join and the leave that
    followed it. Someone who dropped out and came back has several."""

    line: int
    name: str
    email: str  # as written in the file
    join: datetime
    leave: datetime
    platform_minutes: float | None = None  # the platform's own count, if given


@dataclass(frozen=True)
class Problem:
    """A row that could not be used, and why, in a librarian's words."""

    line: int
    name: str
    reason: str


@dataclass(frozen=True)
class AttendeeReport:
    platform: str  # ZOOM or TEAMS
    title: str  # the webinar's topic or the meeting's title, as the file says
    started: datetime | None  # when the platform says it started
    rows: tuple[AttendeeRow, ...]
    problems: tuple[Problem, ...]

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES[self.platform]

    @classmethod
    def of(cls, platform: str, title: str, started, results) -> "AttendeeReport":
        """A report from each row as ``make_row`` read it: a row, or a
        problem with it."""
        return cls(
            platform=platform,
            title=title,
            started=started,
            rows=tuple(r for r in results if isinstance(r, AttendeeRow)),
            problems=tuple(r for r in results if not isinstance(r, AttendeeRow)),
        )


def decode(data: bytes) -> str:
    """The file's text. Teams writes UTF-16 with a byte-order mark; Zoom
    writes UTF-8, sometimes with a mark; a file saved again by Excel on
    Windows may be in its Windows code page."""
    if data.startswith(b"PK\x03\x04"):
        raise not_a_report(
            _(
                "it is an Excel workbook. Download the report as a CSV file "
                "and upload that."
            )
        )
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif _looks_like_utf16(data):
            big_endian = data[:1] == b"\0"
            text = data.decode("utf-16-be" if big_endian else "utf-16-le")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise not_a_report(_("its characters can't be read as text.")) from None
    if "\0" in text:
        raise not_a_report(_("it is not a text file."))
    return text.lstrip("\ufeff")


def _looks_like_utf16(data: bytes) -> bool:
    # Without a mark, text in UTF-16 has a NUL byte beside every letter of
    # the Latin alphabet; a text file in any other encoding has none.
    head = data[:400]
    return len(head) >= 4 and head.count(0) >= len(head) // 3


def read_rows(text: str) -> list[tuple[int, list[str]]]:
    """Each record of the file with the line it ends on, cells trimmed.
    Teams separates cells with tabs and Zoom with commas; a Teams file has
    commas too (in its dates and in names like "Alvarez, Maria"), but far
    more tabs."""
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [
            (reader.line_num, [cell.replace("\u00a0", " ").strip() for cell in row])
            for row in reader
        ]
    except csv.Error:
        raise not_a_report(_("its rows can't be read as CSV.")) from None


def filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell)


def title_of(cells: list[str]) -> str | None:
    """The section title a row holds ("Attendee Details,", "2. Participants"),
    or None for a row of data or a blank one."""
    if cells and cells[0] and filled(cells) == 1:
        return cells[0].casefold().rstrip(":").strip()
    return None


def header_of(cells: list[str]) -> dict[str, int]:
    """A header row's column names, in lower case, with their positions."""
    columns = {}
    for position, name in enumerate(cells):
        columns.setdefault(name.casefold(), position)
    return columns


def table_after(rows, start: int) -> list[tuple[int, list[str]]]:
    """The data rows from ``start`` to the next section title, blank ones
    left out."""
    table = []
    for line, cells in rows[start:]:
        if title_of(cells) is not None:
            break
        if filled(cells):
            table.append((line, cells))
    return table


def value(cells: list[str], columns: dict[str, int], *names: str) -> str:
    """The cell under the first of ``names`` the header has, or ""."""
    for name in names:
        position = columns.get(name)
        if position is not None:
            return cells[position] if position < len(cells) else ""
    return ""


def reads_day_first(values) -> bool:
    """Whether the file writes dates day first (17/04/2026). Both platforms
    write month first in the United States; a file is read day first only
    when one of its dates can't be month first. dateutil would swap such a
    date by itself, but only that one, leaving 04/05 beside it misread."""
    day_first = False
    for text in values:
        match = _NUMERIC_DATE.match(text)
        if match is None:
            continue
        first, separator, second = match.groups()
        if int(second) > 12:
            return False
        if int(first) > 12 or separator == ".":
            day_first = True
    return day_first


def read_time(text: str, tz: tzinfo, *, day_first: bool = False) -> datetime | None:
    """An aware datetime, or None when ``text`` isn't a whole date and time.
    Both platforms write the wall clock of whoever downloaded the report,
    with no zone: those are read in ``tz``, the event's; a time that does
    carry a zone or an offset keeps it."""
    text = text.replace("\u202f", " ").strip()
    if not text:
        return None
    # Only a numeric date can be day first: dateutil would otherwise read
    # 2026-03-12 as the third of December.
    day_first = day_first and _NUMERIC_DATE.match(text) is not None
    try:
        one = dateparser.parse(text, default=_DEFAULT_ONE, dayfirst=day_first)
        two = dateparser.parse(text, default=_DEFAULT_TWO, dayfirst=day_first)
    except (ValueError, OverflowError):
        return None
    if one != two:
        return None
    return one if one.tzinfo is not None else one.replace(tzinfo=tz)


def read_minutes(text: str) -> float | None:
    """A platform's duration in minutes: Zoom writes whole minutes ("63"),
    Teams hours, minutes and seconds ("1h 2m 3s", "59s")."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    match = _HOURS_MINUTES_SECONDS.fullmatch(text)
    if text and match and any(match.groups()):
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return hours * 60 + minutes + seconds / 60
    return None


def make_row(
    *,
    line: int,
    name: str,
    email: str,
    join: str,
    leave: str,
    minutes: str,
    tz: tzinfo,
    day_first: bool,
) -> AttendeeRow | Problem:
    """The row, or the reason it can't be used."""
    if not email:
        return Problem(
            line, name, _("no email address, so it can't be matched to a registrant")
        )
    if not join:
        return Problem(line, name, _("no join time"))
    joined = read_time(join, tz, day_first=day_first)
    left = read_time(leave, tz, day_first=day_first)
    if joined is None:
        return Problem(
            line,
            name,
            _("the join time “%(time)s” isn't a date and time") % {"time": join},
        )
    if not leave:
        return Problem(line, name, _("no leave time"))
    if left is None:
        return Problem(
            line,
            name,
            _("the leave time “%(time)s” isn't a date and time") % {"time": leave},
        )
    if left < joined:
        return Problem(line, name, _("the leave time is before the join time"))
    return AttendeeRow(line, name, email, joined, left, read_minutes(minutes))
