"""Dates, times and text for event templates, written the way the seeds write them.

Django's own ``date`` filter converts to the active time zone first; these
filters never do, so a datetime is shown in the zone it already carries.

The strings a card or a date line prints are worked out here, once per event
(``When``, ``EventCard``); the markup is in the templates that print them
(``events/_when.html``, ``events/_event_card.html``).
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django import template
from django.urls import get_script_prefix
from django.utils import dateformat
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, pgettext_lazy

from events.models import Category, Event
from events.text import plain_text, render_markdown
from events.timezones import time_zone_label

register = template.Library()

# The seeds' clock ("2:00pm", "12:30am"). A language's catalog writes its
# own, from the hour on either clock and the minutes ("%(hour24)sh%(minute)s"
# for "14h00").
BEFORE_NOON = pgettext_lazy("clock", "%(hour12)s:%(minute)sam")
FROM_NOON = pgettext_lazy("clock", "%(hour12)s:%(minute)spm")
# From one time to another, on the same day or a later one.
SAME_DAY_SPAN = pgettext_lazy("time span", "%(start)s - %(end)s")
LATER_DAY_SPAN = pgettext_lazy("time span", "%(start)s - %(end_day)s, %(end)s")
# The whole date line in one string, for an email.
DATE_LINE = pgettext_lazy("date line", "%(day)s, %(times)s %(zone)s")
# What local-time.js adds after a date line, in the reader's own zone
# ("(8:00pm your time, Central European Time)"), and the zone's name when
# the browser knows only its place ("Berlin time").
YOUR_TIME = pgettext_lazy("local time", "(%(time)s your time, %(zone)s)")
PLACE_TIME = pgettext_lazy("time zone", "%(place)s time")


@register.inclusion_tag("events/_local_time_script.html")
def local_time_script() -> dict:
    """The script that adds the reader's own time to each date line, given
    the words it writes in the page's language: the same clock and time
    span as the server's, so both read alike."""
    return {
        "patterns": {
            "before-noon": BEFORE_NOON,
            "from-noon": FROM_NOON,
            "time-span": SAME_DAY_SPAN,
            "your-time": YOUR_TIME,
            "place-time": PLACE_TIME,
        }
    }


@register.filter
def markdown(text: str | None) -> SafeString:
    return render_markdown(text)


@register.filter
def plain(text: str | None) -> str:
    """Markdown as plain text, for attributes such as a meta description."""
    return plain_text(text)


def starts_in(event: Event, zone: ZoneInfo | None = None) -> datetime:
    """The event's start in ``zone``, or in its own zone when none is chosen."""
    return event.start.astimezone(zone or event.tz)


def ends_in(event: Event, zone: ZoneInfo | None = None) -> datetime:
    return event.end.astimezone(zone or event.tz)


@register.filter
def in_zone(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone)


@register.filter
def long_date(value: date) -> str:
    """'Tuesday, October 21, 2025'."""
    return _long_date(date(value.year, value.month, value.day), get_language())


@lru_cache(maxsize=1024)
def _long_date(day: date, language: str | None) -> str:
    # Django's day and month names, in the reader's language (strftime's
    # follow the server's locale); worked out once per day and language, as
    # a page repeats a few days.
    return dateformat.format(day, "l, F j, Y")


@register.filter
def clock(value: datetime) -> str:
    """'2:00pm', '12:30am': lowercase, no leading zero, minutes always
    (BEFORE_NOON, FROM_NOON)."""
    words = BEFORE_NOON if value.hour < 12 else FROM_NOON
    return str(words) % {
        "hour12": value.hour % 12 or 12,
        "hour24": f"{value.hour:02d}",
        "minute": f"{value.minute:02d}",
    }


@register.filter
def iso(value: datetime) -> str:
    """For ``<time datetime>``: ISO 8601 with the UTC offset of that moment."""
    return value.isoformat(timespec="seconds")


def zone_name(value: datetime) -> str:
    """The IANA name of the zone a datetime is in ('America/New_York')."""
    return getattr(value.tzinfo, "key", "UTC")


@register.filter
def zone_label(value: datetime | ZoneInfo | str) -> str:
    """'Eastern Time - US & Canada' for a datetime, a zone or a zone name."""
    if isinstance(value, datetime):
        value = zone_name(value)
    return time_zone_label(getattr(value, "key", value))


def time_range(event: Event, zone: ZoneInfo | None = None) -> str:
    """'2:00pm - 3:00pm'; an event that ends on a later day names that day."""
    return _span(starts_in(event, zone), ends_in(event, zone))


def _span(start: datetime, end: datetime) -> str:
    times = {"start": clock(start), "end": clock(end)}
    if start.date() == end.date():
        return str(SAME_DAY_SPAN) % times
    return str(LATER_DAY_SPAN) % {**times, "end_day": long_date(end)}


@dataclass(frozen=True, slots=True)
class When:
    """An event's date line in the zone it is shown in, worked out once in
    Python: a chain of filters per event was most of a list page's time."""

    start: datetime
    end: datetime
    start_iso: str
    end_iso: str
    zone_name: str
    zone_label: str
    time_range: str
    long_date: str
    clock: str


def event_when(event: Event, zone: ZoneInfo | None = None) -> When:
    """What ``events/_when.html`` shows, in ``zone`` or the event's own zone."""
    start, end = starts_in(event, zone), ends_in(event, zone)
    return When(
        start=start,
        end=end,
        start_iso=iso(start),
        end_iso=iso(end),
        zone_name=zone_name(start),
        zone_label=zone_label(start),
        time_range=_span(start, end),
        long_date=long_date(start),
        clock=clock(start),
    )


def date_line(event: Event) -> str:
    """ "Tuesday, March 3, 2026, 2:00pm - 3:00pm Eastern Time - US & Canada":
    the event page's date line (``events/_when.html``) as one string, so an
    email never writes a time differently from the page."""
    when = event_when(event)
    return str(DATE_LINE) % {
        "day": when.long_date,
        "times": when.time_range,
        "zone": when.zone_label,
    }


@dataclass(frozen=True, slots=True)
class EventCard:
    """One event in a list, with the strings its card prints."""

    event: Event
    url: str
    when: When
    format_label: str
    presenters: str
    categories: list[tuple[str, str]]


# reverse() costs tens of microseconds, and a card needs one for the event and
# one per category: most of a list page's Python time. An address depends only
# on the slug (and the script prefix), so each is worked out once per process.
@lru_cache(maxsize=4096)
def _event_url(prefix: str, slug: str) -> str:
    return Event(slug=slug).get_absolute_url()


@lru_cache(maxsize=1024)
def _category_url(prefix: str, slug: str) -> str:
    return Category(slug=slug).get_absolute_url()


@register.filter
def event_url(event: Event) -> str:
    """``event.get_absolute_url()``, worked out once per slug."""
    return _event_url(get_script_prefix(), event.slug)


@register.filter
def category_url(category: Category) -> str:
    return _category_url(get_script_prefix(), category.slug)


@register.filter
def when_in(event: Event, zone: ZoneInfo | None = None) -> When:
    """``event_when`` for a template: one lookup instead of a filter per string."""
    return event_when(event, zone)


def event_cards(
    events, zone: ZoneInfo | None = None, tz_param: str = ""
) -> list[EventCard]:
    """Cards for ``events`` as ``selectors.listed_events()`` gives them
    (categories and presenters in lists)."""
    prefix = get_script_prefix()
    # get_format_display() per event was a third of this loop.
    formats = {value: str(label) for value, label in Event.Format.choices}
    formats[Event.Format.ONLINE] = gettext("Online")
    cards = []
    for event in events:
        url = _event_url(prefix, event.slug)
        categories = [
            (_category_url(prefix, category.slug), category.name)
            for category in event.listed_categories
        ]
        cards.append(
            EventCard(
                event=event,
                url=f"{url}?{tz_param}" if tz_param else url,
                when=event_when(event, zone),
                format_label=formats.get(event.format, event.format),
                presenters=", ".join(
                    slot.presenter_name for slot in event.listed_presenter_slots
                ),
                categories=categories,
            )
        )
    return cards


@dataclass(frozen=True, slots=True)
class MonthEntry:
    """One event in the month grid and agenda."""

    event: Event
    url: str
    when: When


def month_entries(
    events, zone: ZoneInfo, tz_param: str = ""
) -> dict[date, list[MonthEntry]]:
    """Events by the day they start on in ``zone``, in the order given."""
    prefix = get_script_prefix()
    by_day: dict[date, list[MonthEntry]] = {}
    for event in events:
        url = _event_url(prefix, event.slug)
        when = event_when(event, zone)
        by_day.setdefault(when.start.date(), []).append(
            MonthEntry(event, f"{url}?{tz_param}" if tz_param else url, when)
        )
    return by_day
