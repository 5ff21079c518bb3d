"""Seats on the public pages: the lists' cards and the event page say where
registration stands, in sentences written once (``registrations/_seat_line.html``).

The catalog's templates load this library; the catalog itself knows nothing
of registrations. A page counts the seats of the events it shows once
(``{% count_seats events %}``, one query), before any seat line reads them.
"""

from django import template
from django.utils import timezone

from events.models import Event

from ..selectors import Seats, current_registration_state
from ..selectors import count_seats as count_seats_of

register = template.Library()

# What the seat line says for each registration state, where it words two
# states alike.
SEAT_LINE_STATES = {"waitlist_full": "full", "unpublished": "draft"}


@register.simple_tag
def count_seats(events) -> str:
    """Count the seats of ``events`` (an event or several) in one query."""
    count_seats_of([events] if isinstance(events, Event) else events)
    return ""


def seat_line_context(event: Event, *, compact: bool) -> dict:
    state = current_registration_state(event).code
    if state == "open" and event.capacity is None:
        state = "unlimited"
    return {
        "event": event,
        "state": SEAT_LINE_STATES.get(state, state),
        "seats": Seats.of(event),
        "compact": compact,
    }


@register.inclusion_tag("registrations/_seat_line.html")
def seat_line(event: Event) -> dict:
    """The event page's seat line."""
    return seat_line_context(event, compact=False)


@register.inclusion_tag("registrations/_seat_line.html")
def card_seat_line(event: Event) -> dict:
    """A list card's seat line, shorter than the event page's; none for an
    event that has ended or was cancelled, as neither takes registrations."""
    if event.end <= timezone.now() or event.is_cancelled:
        return {"state": None}
    return seat_line_context(event, compact=True)
