"""Dates, times and text for event templates, written the way the seeds write them.

Django's own ``date`` filter converts to the active time zone first; these
filters never do, so a datetime is shown in the zone it already carries.

The parts repeated on every row of a list (the date line, the seat line, the
event card) are written here in Python rather than in included templates: a
page of 20 cards spent two thirds of its time rendering template nodes. Each
is written once, here, and the templates print the result.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo

from django import template
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

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
    return _long_date(date(value.year, value.month, value.day))


@lru_cache(maxsize=1024)
def _long_date(day: date) -> str:
    # strftime is slow for its names, and a page repeats a few days.
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


@register.filter
def clock(value: datetime) -> str:
    """'2:00pm', '12:30am': lowercase, no leading zero, minutes always."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


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

    def html(self, *, hide_zone: bool = False) -> str:
        """The date line: a ``<time>`` the browser also shows in the
        reader's own zone (``local-time.js``), and the zone's name."""
        zone = (
            ""
            if hide_zone
            else f' <span class="event-zone">{escape(self.zone_label)}</span>'
        )
        return (
            f'<span class="event-when"><time datetime="{self.start_iso}" '
            f'data-local-time data-end="{self.end_iso}" '
            f'data-zone="{escape(self.zone_name)}">{escape(self.time_range)}</time>'
            f"{zone} "
            '<span class="local-time" data-local-time-output hidden></span></span>'
        )


@register.simple_tag
def when_line(when: When, hide_zone: bool = False) -> SafeString:
    """``When.html`` for a template (``_when.html``)."""
    return mark_safe(when.html(hide_zone=bool(hide_zone)))  # noqa: S308 - escaped


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

    @property
    def html(self) -> SafeString:
        """The card on the home page and the upcoming and past lists."""
        meta = f'<span class="event-format">{escape(self.format_label)}</span>'
        if self.presenters:
            meta += f" · with {escape(self.presenters)}"
        if self.categories:
            meta += " · " + ", ".join(
                f'<a href="{escape(url)}">{escape(name)}</a>'
                for url, name in self.categories
            )
        return self._card(
            f'<p class="mb-1">{self.when.html()}</p>',
            '<p class="event-meta small text-body-secondary mb-1">',
            f"  {meta}",
            "</p>",
        )

    @property
    def series_html(self) -> SafeString:
        """The card on a series page: the date written out, no presenters."""
        return self._card(
            f'<p class="mb-1">{self.when.long_date}, {self.when.html()}</p>',
        )

    def _card(self, *lines: str) -> SafeString:
        """``lines`` in a card with the title, the badge of a cancelled or
        postponed event, and the seat line."""
        event = self.event
        cancelled = " event-cancelled" if event.is_cancelled else ""
        head = (
            f'<article class="event-card card mb-3{cancelled}" '
            f'aria-labelledby="event-{event.pk}-title">',
            '  <div class="card-body">',
            f'    <h3 class="h5 card-title mb-1" id="event-{event.pk}-title">'
            f'<a href="{escape(self.url)}">{escape(event.title)}</a></h3>',
        )
        badge = _BADGES.get(event.status)
        seats = self.seat_state and seat_line(event, self.seat_state, compact=True)
        return mark_safe(  # noqa: S308 - every value from the database escaped
            "\n".join(
                (
                    *head,
                    *((f"    {badge}",) if badge else ()),
                    *(f"    {line}" for line in lines),
                    *((f'    <div class="small">{seats}</div>',) if seats else ()),
                    "  </div>",
                    "</article>",
                )
            )
        )


_BADGES = {
    Event.Status.CANCELLED: (
        '<p class="mb-1"><span class="badge text-bg-danger">Cancelled</span></p>'
    ),
    Event.Status.POSTPONED: (
        '<p class="mb-1"><span class="badge text-bg-warning">Postponed</span></p>'
    ),
}


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
    (seat counts annotated, categories and presenters in lists)."""
    now = timezone.now()
    prefix = get_script_prefix()
    # get_format_display() per event was a third of this loop.
    formats = {value: str(label) for value, label in Event.Format.choices}
    formats[Event.Format.ONLINE] = "Online"
    cards = []
    for event in events:
        url = _event_url(prefix, event.slug)
        categories = [
            (_category_url(prefix, category.slug), category.name)
            for category in event.listed_categories
        ]
        shows_seats = event.end > now and not event.is_cancelled
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


_SEAT_LINES = {
    "cancelled": '<p class="seat-status seat-status-closed mb-2"><strong>'
    "Registration closed:</strong> this event has been cancelled.</p>",
    "postponed": '<p class="seat-status seat-status-closed mb-2"><strong>'
    "Registration paused:</strong> this event has been postponed.</p>",
    "draft": '<p class="seat-status mb-2">'
    "Registration opens when this event is published.</p>",
    "not_required": '<p class="seat-status mb-2">No registration required.</p>',
    "closed": '<p class="seat-status seat-status-closed mb-2">'
    "<strong>Registration closed</strong></p>",
    "external": '<p class="seat-status mb-2">'
    "Registration is required, through the sponsor's website.</p>",
    "unlimited": '<p class="seat-status mb-2">Registration is required.</p>',
    "waitlist": '<p class="seat-status seat-status-full mb-2">'
    "<strong>Event full: join the waiting list</strong></p>",
    "full": '<p class="seat-status seat-status-full mb-2">'
    "<strong>This event is full.</strong></p>",
}


def seat_line(event: Event, state: str, *, compact: bool = False) -> str:
    """The seat line for ``state`` (``registration_state``); ``compact`` on
    list cards, which leave out what the event page adds."""
    if state == "open":
        seats = event.seats_left
        return "".join(
            (
                '<p class="seat-status mb-2">',
                "" if compact else "Registration is required. ",
                "There is 1 seat" if seats == 1 else f"There are {seats} seats",
                " available.",
                " Waiting list may be available if full."
                if event.waitlist_enabled and not compact
                else "",
                "</p>",
            )
        )
    if state == "not_open":
        opens = event.registration_opens.astimezone(event.tz)
        return (
            f'<p class="seat-status mb-2">Registration opens {long_date(opens)} at '
            f'<time datetime="{iso(opens)}" data-local-time '
            f'data-zone="{escape(zone_name(opens))}">{clock(opens)}</time>.</p>'
        )
    return _SEAT_LINES.get(state, _SEAT_LINES["full"])


@register.simple_tag
def seat_status(event: Event, compact: bool = False) -> SafeString:
    """The event page's seat line."""
    line = seat_line(event, registration_state(event), compact=compact)
    return mark_safe(line)  # noqa: S308 - no text from the database in it
