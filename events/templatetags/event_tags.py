"""Dates, times and text for event templates, written the way the seeds write them.

Django's own ``date`` filter converts to the active time zone first; these
filters never do, so a datetime is shown in the zone it already carries.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django import template
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString

from events.models import Category, Event
from events.text import plain_text, render_markdown
from events.timezones import time_zone_label
from registrations.selectors import current_registration_state

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    return render_markdown(text)


@register.filter
def plain(text: str | None) -> str:
    """Markdown as plain text, for attributes such as a meta description."""
    return plain_text(text)


@register.filter
def starts_in(event: Event, zone: ZoneInfo | None = None) -> datetime:
    """The event's start in ``zone``, or in its own zone when none is chosen."""
    return event.start.astimezone(zone or event.tz)


@register.filter
def ends_in(event: Event, zone: ZoneInfo | None = None) -> datetime:
    return event.end.astimezone(zone or event.tz)


@register.filter
def in_zone(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone)


@register.filter
def long_date(value: datetime) -> str:
    """'Tuesday, October 21, 2025'."""
    return f"{value:%A}, {value:%B} {value.day}, {value.year}"


@register.filter
def clock(value: datetime) -> str:
    """'2:00pm', '12:30am': lowercase, no leading zero, minutes always."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def iso(value: datetime) -> str:
    """For ``<time datetime>``: ISO 8601 with the UTC offset of that moment."""
    return value.isoformat(timespec="seconds")


@register.filter
def zone_name(value: datetime) -> str:
    """The IANA name of the zone a datetime is in ('America/New_York')."""
    return getattr(value.tzinfo, "key", "UTC")


@register.filter
def zone_label(value: datetime | ZoneInfo | str) -> str:
    """'Eastern Time - US & Canada' for a datetime, a zone or a zone name."""
    if isinstance(value, datetime):
        value = zone_name(value)
    return time_zone_label(getattr(value, "key", value))


@register.simple_tag
def time_range(event: Event, zone: ZoneInfo | None = None) -> str:
    """'2:00pm - 3:00pm'; an event that ends on a later day names that day."""
    return _span(starts_in(event, zone), ends_in(event, zone))


def _span(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{clock(start)} - {clock(end)}"
    return f"{clock(start)} - {long_date(end)}, {clock(end)}"


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
    """What ``_when.html`` shows, in ``zone`` or the event's own zone."""
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


@dataclass(frozen=True, slots=True)
class EventCard:
    """One event in a list, with the strings its card prints."""

    event: Event
    url: str
    when: When
    format_label: str
    presenters: str
    categories: list[tuple[str, str]]
    seat_state: str | None


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
    """Cards for ``events`` (annotated with seat counts, categories and
    presenters prefetched): ``_event_card.html`` only prints them."""
    now = timezone.now()
    prefix = get_script_prefix()
    cards = []
    for event in events:
        url = _event_url(prefix, event.slug)
        categories = [
            (_category_url(prefix, category.slug), category.name)
            for category in event.categories.all()
        ]
        shows_seats = event.end > now and not event.is_cancelled
        cards.append(
            EventCard(
                event=event,
                url=f"{url}?{tz_param}" if tz_param else url,
                when=event_when(event, zone),
                format_label="Online"
                if event.format == "online"
                else event.get_format_display(),
                presenters=", ".join(
                    slot.presenter.name for slot in event.presenter_slots.all()
                ),
                categories=categories,
                seat_state=registration_state(event) if shows_seats else None,
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


def registration_state(event: Event) -> str:
    """Which sentence the seat line says.

    The registration rules decide (``registrations.selectors``), so the seat
    line and the form never disagree. They use ``seats_left``, so list pages
    pass events annotated by ``with_seat_counts()`` and don't query per row.
    """
    code = current_registration_state(event).code
    if code == "open" and event.capacity is None:
        return "unlimited"
    return {"waitlist_full": "full", "unpublished": "draft"}.get(code, code)


@register.inclusion_tag("events/_seat_status.html")
def seat_status(event: Event, compact: bool = False) -> dict:
    return {
        "event": event,
        "state": registration_state(event),
        "compact": compact,
    }
