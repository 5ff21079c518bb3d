"""Each seat sentence is written once and said alike wherever it shows: on
the event page's details, in its registration box when there is no form,
and (shorter) on list cards."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from tests.builders import make_event

pytestmark = pytest.mark.django_db

SEAT_LINE = re.compile(r'<p class="seat-status[^"]*">.*?</p>', re.S)


def box_of(html: str) -> str:
    return html[html.index('id="register"') :]


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"capacity": 0, "waitlist_enabled": False}, "This event is full."),
        ({"capacity": 0, "waitlist_limit": 0}, "This event is full."),
        (
            {"registration_opens": timezone.now() + timedelta(days=2)},
            "Registration opens",
        ),
        ({"status": Event.Status.CANCELLED}, "this event has been cancelled."),
        ({"status": Event.Status.POSTPONED}, "this event has been postponed."),
        (
            {"registration_closes": timezone.now() - timedelta(hours=1)},
            "Registration closed",
        ),
        ({"registration_required": False}, "No registration required."),
    ],
)
def test_the_registration_box_says_why_in_the_seat_lines_words(
    client, fields, sentence
):
    """Without a form, the box repeats the details' seat line word for word."""
    event = make_event("The event", **fields)
    html = client.get(event.get_absolute_url()).content.decode()
    lines = SEAT_LINE.findall(html)
    assert len(lines) == 2, lines
    details, box = lines
    assert details == box
    assert sentence in box
    assert SEAT_LINE.findall(box_of(html)) == [box]
    assert "<form" not in box_of(html)


def test_with_a_form_the_box_adds_no_seat_line(client):
    """While registration is open the seat line shows once, above the form."""
    event = make_event("Open", capacity=5)
    html = client.get(event.get_absolute_url()).content.decode()
    assert len(SEAT_LINE.findall(html)) == 1
    assert "<form" in box_of(html)


def test_an_external_registration_links_to_the_sponsor(client):
    """The box offers the sponsor's site; the details say registration is there."""
    event = make_event(
        "Sponsor's", external_registration_url="https://sponsor.example/register"
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'href="https://sponsor.example/register"' in box_of(html)
    assert SEAT_LINE.findall(box_of(html)) == []
