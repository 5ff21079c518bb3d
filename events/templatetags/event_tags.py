"""Dates, times and text for event templates, written the way the seeds write them.

Django's own ``date`` filter converts to the active time zone first; these
filters never do, so a datetime is shown in the zone it already carries.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils.safestring import SafeString

from events.models import Event
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
    start, end = starts_in(event, zone), ends_in(event, zone)
    if start.date() == end.date():
        return f"{clock(start)} - {clock(end)}"
    return f"{clock(start)} - {long_date(end)}, {clock(end)}"


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
