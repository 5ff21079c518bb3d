"""Event pages and cards say what is true of the event: a past one promises
no join link and offers nothing to add to a calendar; an in-person or hybrid
card says where."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.builders import make_event, make_series
from tests.dom import find, find_all, parse, text, text_of

pytestmark = pytest.mark.django_db

PROMISE = "Event URL will be sent via registration email."
CALENDAR_LINKS = (
    "Add to your calendar",
    "Download .ics file",
    "Add to Google Calendar",
    "Add to Outlook",
)


def test_an_upcoming_online_event_promises_the_link_and_offers_calendars(client):
    """The control for the test below: before it happens, the page says the
    join link will come by email and offers the add-to-calendar links."""
    event = make_event("Copyright Basics")
    page = text_of(client.get(event.get_absolute_url()))
    assert PROMISE in page
    for words in CALENDAR_LINKS:
        assert words in page


def test_a_past_event_neither_promises_a_link_nor_offers_calendars(client):
    """Once it has ended, the page still says it was online, but promises no
    link and offers no add-to-calendar links or .ics download; the
    subscription to the whole calendar stays."""
    event = make_event("Copyright Basics", start=timezone.now() - timedelta(days=3))
    response = client.get(event.get_absolute_url())
    page = text_of(response)
    assert "This event has ended." in page
    assert "Online: This is an online event." in page
    assert PROMISE not in page
    for words in CALENDAR_LINKS:
        assert words not in page
    assert f'href="{event.get_absolute_url()}event.ics"' not in response.text
    assert "Subscribe to all our events" in page


def test_a_cancelled_event_promises_no_link_either(client):
    """A cancelled webinar will send no link."""
    event = make_event("Copyright Basics", status="cancelled")
    assert PROMISE not in text_of(client.get(event.get_absolute_url()))


def card(client, title: str):
    """The card of the event called ``title`` on the upcoming list."""
    root = parse(client.get(reverse("events:list")))
    [found] = [
        article
        for article in find_all(root, "article", class_="event-card")
        if text(find(article, "h3")) == title
    ]
    return found


def test_in_person_and_hybrid_cards_show_their_location(client):
    """Where an event happens is on its card, line by line, for in-person and
    hybrid events; a webinar's card names no place."""
    make_event(
        "Book repair workshop",
        format="in_person",
        location="Worcester Public Library\nSaxe Room",
    )
    make_event("Hybrid meetup", format="hybrid", location="Boston Public Library")
    make_event("Webinar", format="online", location="Zoom")

    in_person = find(card(client, "Book repair workshop"), class_="event-location")
    assert text(in_person) == "Location: Worcester Public Library Saxe Room"
    assert len(find_all(in_person, "br")) == 1
    hybrid = find(card(client, "Hybrid meetup"), class_="event-location")
    assert text(hybrid) == "Location: Boston Public Library"
    assert find_all(card(client, "Webinar"), class_="event-location") == []


def test_a_series_card_shows_the_location_too(client):
    """Cards with their date written out (a series page) say where as well."""
    series = make_series("Preservation week")
    make_event(
        "Book repair workshop",
        series=series,
        format="in_person",
        location="Worcester Public Library",
    )
    root = parse(client.get(series.get_absolute_url()))
    location = find(root, class_="event-location")
    assert text(location) == "Location: Worcester Public Library"


def test_the_location_is_escaped(client):
    """A location is text, never markup."""
    make_event("Tea", format="in_person", location="Room <b>2</b> & hall")
    html = client.get(reverse("events:list")).text
    assert "Room &lt;b&gt;2&lt;/b&gt; &amp; hall" in html
