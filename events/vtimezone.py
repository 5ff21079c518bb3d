"""The VTIMEZONE for each zone a calendar uses, read off ``zoneinfo``.

Each zone gets one VTIMEZONE in the yearly-``RRULE`` form (Outlook misreads
``RDATE`` lists), derived by probing ``zoneinfo``'s transitions rather than
typed by hand. ``events.ical`` adds them to every calendar it writes.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT part of a VTIMEZONE."""

    daylight: bool
    onset: datetime  # naive, local wall time before the change (RFC 5545)
    offset_from: timedelta
    offset_to: timedelta
    name: str
    rule: tuple[int, int, int] | None = None  # (month, nth or -1, weekday)


@dataclass(frozen=True)
class _Change:
    at: datetime  # UTC instant
    offset_from: timedelta
    offset_to: timedelta
    daylight: bool
    name: str

    @property
    def local(self) -> datetime:
        return (self.at + self.offset_from).replace(tzinfo=None)


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def vtimezone(zone: str, *, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for ``zone`` covering events from first to last year."""
    tz = Timezone()
    tz.add("tzid", zone)
    for part in observances(zone, first_year=first_year, last_year=last_year):
        sub = TimezoneDaylight() if part.daylight else TimezoneStandard()
        sub.add("dtstart", part.onset)
        if part.rule:
            month, nth, weekday = part.rule
            byday = f"{nth}{WEEKDAYS[weekday]}"
            sub.add("rrule", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": byday})
        sub.add("tzoffsetfrom", part.offset_from)
        sub.add("tzoffsetto", part.offset_to)
        sub.add("tzname", part.name)
        tz.add_component(sub)
    return tz


@cache
def observances(zone: str, *, first_year: int, last_year: int) -> tuple:
    """Read the zone's rules off ``zoneinfo`` by probing its transitions.

    The parts start in the year before the first event so that every event
    falls after an onset. When one yearly rule per direction explains every
    change in those years (true of nearly every zone), that gives one
    STANDARD and one DAYLIGHT part with an RRULE, as Google's feeds do; a
    zone without daylight saving gets a single STANDARD part. A zone whose
    rules change within the range (or that no nth-weekday rule describes)
    falls back to one part per change, which is still exact.
    """
    tz = ZoneInfo(zone)
    years = range(first_year - 1, last_year + 1)
    changes = {year: _changes(tz, year) for year in years}
    start = datetime(first_year - 1, 1, 1, tzinfo=UTC)
    before = start.astimezone(tz)
    initial = Observance(
        daylight=bool(before.dst()),
        onset=datetime(first_year - 1, 1, 1),
        offset_from=before.utcoffset(),
        offset_to=before.utcoffset(),
        name=before.tzname(),
    )
    if not any(changes.values()):
        return (initial,)
    yearly = _yearly_rules(changes)
    if yearly:
        return yearly
    flat = [c for year in years for c in changes[year]]
    return (
        initial,
        *(
            Observance(c.daylight, c.local, c.offset_from, c.offset_to, c.name)
            for c in flat
        ),
    )


def _changes(tz: ZoneInfo, year: int) -> list[_Change]:
    """Every UTC offset change in ``year``, found to the second."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    days = [start + timedelta(days=n) for n in range(367)]
    days = [d for d in days if d.year == year] + [datetime(year + 1, 1, 1, tzinfo=UTC)]
    found = []
    for lo, hi in pairwise(days):
        if lo.astimezone(tz).utcoffset() == hi.astimezone(tz).utcoffset():
            continue
        before = lo.astimezone(tz).utcoffset()
        while hi - lo > timedelta(seconds=1):
            mid = lo + (hi - lo) / 2
            mid = mid.replace(microsecond=0)
            if mid.astimezone(tz).utcoffset() == before:
                lo = mid
            else:
                hi = mid
        after = hi.astimezone(tz)
        found.append(
            _Change(hi, before, after.utcoffset(), bool(after.dst()), after.tzname())
        )
    return found


def _yearly_rules(changes: dict[int, list[_Change]]) -> tuple | None:
    """One STANDARD and one DAYLIGHT part with RRULEs, if that is exact."""
    years = sorted(changes)
    first = changes[years[0]]
    if len(first) != 2 or first[0].daylight == first[1].daylight:
        return None
    parts = []
    for index, change in enumerate(first):
        local = change.local
        same = [changes[year][index] for year in years if len(changes[year]) == 2]
        if len(same) != len(years):
            return None
        rule = _weekday_rule(local, [c.local for c in same])
        if rule is None or any(
            (c.offset_from, c.offset_to, c.daylight)
            != (change.offset_from, change.offset_to, change.daylight)
            for c in same
        ):
            return None
        parts.append(
            Observance(
                change.daylight,
                local,
                change.offset_from,
                change.offset_to,
                change.name,
                rule,
            )
        )
    # STANDARD first, then DAYLIGHT, whatever the hemisphere.
    return tuple(sorted(parts, key=lambda p: p.daylight))


def _weekday_rule(
    local: datetime, every_year: list[datetime]
) -> tuple[int, int, int] | None:
    """(month, nth or -1 for last, weekday) that gives every year's change."""
    month, weekday = local.month, local.weekday()
    nth = (local.day - 1) // 7 + 1
    # "Last" first: when both fit (the 25th to 28th), it is the usual rule.
    for candidate in (-1, nth):
        if all(
            _nth_weekday(d.year, month, candidate, weekday) == d.date()
            and d.time() == local.time()
            for d in every_year
        ):
            return (month, candidate, weekday)
    return None


def _nth_weekday(year: int, month: int, nth: int, weekday: int):
    days = [
        week[weekday]
        for week in calendar.Calendar().monthdatescalendar(year, month)
        if week[weekday].month == month
    ]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if nth <= len(days) else None
