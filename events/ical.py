"""Every iCalendar object Almanac publishes, built in one place.

The public feed, the public single-event file and the registrant's private
file (with the join URL) all come from here and differ only in what they
include. PRODUCT.md §5 is the contract; the choices that matter:

- No ``METHOD``: a feed is a snapshot, not a scheduling message.
- Times carry ``TZID=<IANA zone>`` in the event's own zone, and each zone
  used gets one ``VTIMEZONE`` in the yearly-``RRULE`` form (Outlook misreads
  ``RDATE`` lists), derived from ``zoneinfo`` rather than typed by hand
  (``events.vtimezone``).
- Nothing reads the clock: ``DTSTAMP``/``LAST-MODIFIED`` come from the
  event's ``updated_at``, so the same data always gives the same bytes.

The calendar's own lines and its ``VTIMEZONE``s are written by the
``icalendar`` package. Each ``VEVENT`` is written here directly, line by
line, in the form ``icalendar`` gives (property order, escaping, folding):
a feed holds thousands of them, and building them as ``icalendar`` objects
cost about 2 ms each. ``tests/events/test_ical.py`` holds the writer to
``icalendar``'s bytes. A feed's ``VEVENT``s are kept in the cache, known
by everything they are written from, so rebuilding a feed after one change
writes one event again.
"""

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import icalendar
import markdown
import nh3
from django.conf import settings
from django.core.cache import cache as django_cache
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from icalendar import Calendar, vDuration

from .models import Event

# ``observances`` is still read as ``ical.observances`` (tests, callers).
from .vtimezone import observances as observances
from .vtimezone import vtimezone

PRODID = "-//Almanac//Almanac event calendar//EN"
# How often subscribers should poll: RFC 7986 and the older Microsoft name.
REFRESH = timedelta(hours=6)


def _writer_version() -> str:
    """Part of every cached VEVENT's key: it changes with the code and the
    libraries that shape a VEVENT, so a deploy never serves VEVENTs that
    the code before it wrote."""
    from . import text

    digest = hashlib.blake2b(digest_size=8)
    for path in (__file__, text.__file__):
        digest.update(Path(path).read_bytes())
    versions = (icalendar.__version__, markdown.__version__, nh3.__version__)
    return "/".join((digest.hexdigest(), *versions))


VEVENT_FORMAT = _writer_version()
# Cached VEVENTs are known by their content, so they never go stale; the
# timeout only lets a feed nobody asks for go.
VEVENT_CACHE_SECONDS = 7 * 24 * 3600


# Single events and feeds


def event_ics(event: Event, *, include_join_url: bool = False) -> bytes:
    """One event as a calendar file.

    ``include_join_url`` is for the confirmed registrant's own copy only.
    """
    facts = event_facts([event], include_join_url=include_join_url)
    return _serialize(_calendar(facts), facts)


def feed_ics(
    events: Iterable[Event],
    *,
    name: str,
    description: str,
    cache_key: str = "",
    category_names: Mapping[int, Sequence[str]] | None = None,
) -> bytes:
    """A subscription feed; never includes join URLs.

    ``cache_key`` names the feed, to keep its VEVENTs for the next build
    (see ``vevent_bytes``). ``category_names`` (event pk to names, in
    order) saves reading each event's categories.
    """
    facts = event_facts(events, category_names=category_names)
    cal = _calendar(facts)
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("description", description)
    cal.add("x-wr-caldesc", description)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    return _serialize(cal, facts, cache_key=cache_key)


def _calendar(facts: list["VeventFacts"]) -> Calendar:
    """The calendar's own properties and one VTIMEZONE per zone used."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    years: dict[str, tuple[int, int]] = {}
    for fact in facts:
        first, last = int(fact.start[:4]), int(fact.end[:4])
        if fact.zone in years:
            known_first, known_last = years[fact.zone]
            first, last = min(first, known_first), max(last, known_last)
        years[fact.zone] = (first, last)
    for zone in sorted(years):
        first, last = years[zone]
        cal.add_component(vtimezone(zone, first_year=first, last_year=last))
    return cal


END_CALENDAR = b"END:VCALENDAR\r\n"


def _serialize(cal: Calendar, facts: list["VeventFacts"], cache_key: str = "") -> bytes:
    # The VEVENTs go last, after the VTIMEZONEs, as icalendar would put them.
    head = cal.to_ical().removesuffix(END_CALENDAR)
    return b"".join((head, *vevent_bytes(facts, cache_key=cache_key), END_CALENDAR))


STATUS = {
    Event.Status.SCHEDULED: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
    # RFC 5545 has no "postponed"; TENTATIVE keeps it in calendars while
    # telling people the date will move.
    Event.Status.POSTPONED: "TENTATIVE",
}
SUMMARY_PREFIX = {
    Event.Status.CANCELLED: gettext_lazy("Cancelled: "),
    Event.Status.POSTPONED: gettext_lazy("Postponed: "),
}


def event_url(event: Event) -> str:
    return settings.SITE_URL + event.get_absolute_url()


def event_location(event: Event) -> str:
    online = gettext("Online")
    if event.format == Event.Format.ONLINE:
        return online
    if event.format == Event.Format.HYBRID:
        return f"{event.location.strip()} / {online}" if event.location else online
    return event.location.strip()


def event_summary(event: Event) -> str:
    return f"{SUMMARY_PREFIX.get(event.status, '')}{event.title}"


def event_details(event: Event, *, join_url: str = "", url: str = "") -> str:
    """The plain-text description: join link first when allowed, page last.

    ``url`` is the event's page when the caller has it already.
    """
    return _details(
        event.plain_description, join_url=join_url, url=url or event_url(event)
    )


def _details(text: str, *, join_url: str, url: str) -> str:
    parts = []
    if join_url:
        parts.append(gettext("Join the event: %(url)s") % {"url": join_url})
    text = text.strip()
    if text:
        parts.append(text)
    parts.append(gettext("Event page: %(url)s") % {"url": url})
    return "\n\n".join(parts)


# VEVENTs


class VeventFacts(NamedTuple):
    """Everything one VEVENT is written from, and so its cache key."""

    uid: str
    summary: str
    start: str  # "20270312T140000", local wall time in ``zone``
    end: str
    zone: str
    changed: str  # "20270101T120000Z"
    created: str
    sequence: int
    status: str
    description: str  # plain text, as the event keeps it
    location: str
    url: str
    join_url: str
    categories: tuple[str, ...]


def event_facts(
    events: Iterable[Event],
    *,
    include_join_url: bool = False,
    category_names: Mapping[int, Sequence[str]] | None = None,
) -> list[VeventFacts]:
    """What each event's VEVENT is written from."""
    path = _detail_path()
    return [
        _facts(
            event,
            path=path,
            include_join_url=include_join_url,
            categories=None
            if category_names is None
            else category_names.get(event.pk, ()),
        )
        for event in events
    ]


def vevent_bytes(facts: list[VeventFacts], *, cache_key: str = "") -> list[bytes]:
    """Each event's VEVENT.

    With ``cache_key`` (public feeds), the VEVENTs written for the last build
    of that feed are kept in the cache under it, in one entry whatever their
    number (a cache culled by entry count, like the local-memory one, keeps
    it), each known by a digest of everything it is written from; only what
    changed since is written again. A join URL never goes into the cache: it
    is the registrant's secret.
    """
    if not cache_key or any(fact.join_url for fact in facts):
        return [write_vevent(fact) for fact in facts]
    known = django_cache.get(cache_key) or {}
    kept: dict[str, bytes] = {}
    written = []
    for fact in facts:
        digest = _digest(fact)
        body = known.get(digest)
        if body is None:
            body = write_vevent(fact)
        kept[digest] = body
        written.append(body)
    if kept.keys() == known.keys():
        django_cache.touch(cache_key, timeout=VEVENT_CACHE_SECONDS)
    else:
        django_cache.set(cache_key, kept, timeout=VEVENT_CACHE_SECONDS)
    return written


def _digest(facts: VeventFacts) -> str:
    material = repr((VEVENT_FORMAT, *facts)).encode()
    return hashlib.blake2b(material, digest_size=20).hexdigest()


def _detail_path() -> tuple[str, str]:
    """The event page's URL around its slug, reversed once per calendar."""
    marker = "almanac-slug"
    url = settings.SITE_URL + reverse("events:detail", kwargs={"slug": marker})
    before, _, after = url.rpartition(marker)
    return before, after


def _facts(
    event: Event,
    *,
    path: tuple[str, str],
    include_join_url: bool,
    categories: Sequence[str] | None,
) -> VeventFacts:
    if categories is None:
        # .all() reads the prefetch cache when the caller prefetched.
        categories = [c.name for c in event.categories.all()]
    tz = event.tz
    return VeventFacts(
        uid=f"{event.uid}@almanac",
        summary=event_summary(event),
        start=_stamp(event.start.astimezone(tz)),
        end=_stamp(event.end.astimezone(tz)),
        zone=event.time_zone,
        changed=_stamp(event.updated_at.astimezone(UTC)) + "Z",
        created=_stamp(event.created_at.astimezone(UTC)) + "Z",
        sequence=event.sequence,
        status=STATUS.get(event.status, "CONFIRMED"),
        description=event.plain_description,
        location=event_location(event),
        url=path[0] + event.slug + path[1],
        join_url=event.join_url if include_join_url else "",
        categories=tuple(categories),
    )


def _stamp(moment: datetime) -> str:
    # Seconds only: microseconds are dropped, as icalendar does.
    return (
        f"{moment.year:04}{moment.month:02}{moment.day:02}"
        f"T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    )


def write_vevent(facts: VeventFacts) -> bytes:
    """One VEVENT, properties in icalendar's order, CRLF, folded."""
    tz_param, utc = _datetime_form(facts.zone)
    details = _details(facts.description, join_url=facts.join_url, url=facts.url)
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + escape_text(facts.summary),
        f"DTSTART{tz_param}:{facts.start}{utc}",
        f"DTEND{tz_param}:{facts.end}{utc}",
        "DTSTAMP:" + facts.changed,
        "UID:" + escape_text(facts.uid),
        f"SEQUENCE:{facts.sequence}",
    ]
    if facts.categories:
        lines.append("CATEGORIES:" + ",".join(map(escape_text, facts.categories)))
    if facts.join_url:
        # RFC 7986; calendar apps show it as a "join" button.
        lines.append(
            'CONFERENCE;FEATURE="AUDIO,VIDEO";VALUE=URI:' + _uri(facts.join_url)
        )
    lines += [
        "CREATED:" + facts.created,
        "DESCRIPTION:" + escape_text(details),
        "LAST-MODIFIED:" + facts.changed,
    ]
    if facts.location:
        lines.append("LOCATION:" + escape_text(facts.location))
    lines += [
        "STATUS:" + escape_text(facts.status),
        "TRANSP:OPAQUE",
        "URL;VALUE=URI:" + _uri(facts.url),
        "END:VEVENT",
        "",
    ]
    encoded = (line.encode() for line in lines)
    # Most lines are short: fold only those that need it.
    return b"\r\n".join(
        data if len(data) <= FOLD_OCTETS else fold_line(data) for data in encoded
    )


def escape_text(value: str) -> str:
    r"""A TEXT value escaped as RFC 5545 §3.3.11 asks, exactly as icalendar
    does it (including its reading of a literal ``\N`` as a line break)."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _uri(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"A URI value may not contain CR or LF characters: {value!r}")
    return value


# A folded line holds at most 74 octets before its CRLF and the space that
# continues it, as icalendar folds (RFC 5545 §3.1 allows 75).
FOLD_OCTETS = 74
BACKSLASH, CARET = ord("\\"), ord("^")


def fold_line(line: bytes) -> bytes:
    r"""Fold one UTF-8 content line the way icalendar does: never inside a
    character, and never right after a ``\`` or ``^`` (the first half of an
    escape), which moves to the next line instead."""
    size = len(line)
    if size <= FOLD_OCTETS:
        return line
    if line.isascii():
        # One octet a character: every line is full unless one would end on
        # an escape's first half (each full line's last octet, bar the end).
        ends = line[FOLD_OCTETS - 1 : size - 1 : FOLD_OCTETS]
        if b"\\" not in ends and b"^" not in ends:
            return b"\r\n ".join(
                [line[i : i + FOLD_OCTETS] for i in range(0, size, FOLD_OCTETS)]
            )
    parts = []
    start = 0
    while len(line) - start > FOLD_OCTETS:
        end = start + FOLD_OCTETS
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            end -= 1
        if line[end - 1] in (BACKSLASH, CARET) and end - start > 1:
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return b"\r\n ".join(parts)


@cache
def _datetime_form(zone: str) -> tuple[str, str]:
    """How icalendar writes a local time in ``zone``: the TZID parameter, or
    none and a ``Z`` where it takes the zone for UTC (``UTC``, ``Etc/UTC``
    and zones it deems the same)."""
    sample = icalendar.Event()
    sample.add("dtstart", datetime(2000, 1, 1, tzinfo=ZoneInfo(zone)))
    line = sample.to_ical().decode().split("\r\n")[1]
    head, _, value = line.partition(":")
    return head.removeprefix("DTSTART"), "Z" if value.endswith("Z") else ""
