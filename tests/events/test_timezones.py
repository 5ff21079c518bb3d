"""Times as members read them: the event's zone, its name, and ?tz= to switch."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from events.templatetags.event_tags import clock, iso, long_date, time_range
from events.timezones import is_valid_time_zone, time_zone_label
from tests.builders import eastern, make_event
from tests.dom import text_of

EASTERN = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(14, 0, "2:00pm"), (9, 5, "9:05am"), (0, 30, "12:30am"), (12, 0, "12:00pm")],
)
def test_clock_is_written_like_the_seeds(hour, minute, expected):
    """Lowercase am/pm, no leading zero, minutes always."""
    assert clock(datetime(2025, 10, 21, hour, minute, tzinfo=EASTERN)) == expected


def test_dates_are_written_in_full():
    """Dates read in full, weekday first, with no leading zero on the day."""
    assert long_date(eastern(2025, 10, 21)) == "Tuesday, October 21, 2025"
    assert long_date(eastern(2025, 10, 1)) == "Wednesday, October 1, 2025"


def test_iso_carries_the_offset_of_that_day():
    """Machine-readable times carry that day's offset: -04:00 in summer and -05:00 in
    winter for Eastern time."""
    assert iso(eastern(2031, 7, 15)) == "2031-07-15T14:00:00-04:00"
    assert iso(eastern(2031, 12, 9)) == "2031-12-09T14:00:00-05:00"


def test_zone_labels():
    """Known zones get their friendly name, others their name with spaces for
    underscores; real zones are valid and made-up ones are not."""
    assert time_zone_label("America/New_York") == "Eastern Time - US & Canada"
    assert time_zone_label("Asia/Kolkata") == "India Time - Kolkata"
    assert time_zone_label("Asia/Karachi") == "Asia/Karachi"
    assert time_zone_label("America/Port_of_Spain") == "America/Port of Spain"
    assert is_valid_time_zone("Europe/London")
    assert not is_valid_time_zone("Mars/Base")


@pytest.mark.django_db
def test_an_event_past_midnight_names_the_day_it_ends():
    """An event that ends after midnight names the day it ends before its end time."""
    event = make_event(start=eastern(2031, 10, 31, 23, 30))
    assert time_range(event) == "11:30pm - Saturday, November 1, 2031, 12:30am"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("month", "day", "offset", "london", "london_offset"),
    [
        (7, 15, "-04:00", "7:00pm - 8:00pm", "+01:00"),
        (12, 9, "-05:00", "7:00pm - 8:00pm", "+00:00"),
    ],
)
def test_two_pm_eastern_reads_two_pm_in_summer_and_winter(
    client, month, day, offset, london, london_offset
):
    """Across daylight saving the wall clock stays; the offset in the markup moves."""
    event = make_event(start=eastern(2031, month, day, 14))
    response = client.get(event.get_absolute_url())
    text = text_of(response)
    assert "Time: 2:00pm - 3:00pm" in text
    assert "Time Zone: Eastern Time - US & Canada" in text
    html = response.content.decode()
    assert f'datetime="2031-{month:02d}-{day:02d}T14:00:00{offset}"' in html
    assert 'data-zone="America/New_York"' in html

    in_london = client.get(event.get_absolute_url(), {"tz": "Europe/London"})
    text = text_of(in_london)
    assert f"Time: {london}" in text
    assert "Time Zone: UK Time - London" in text
    html = in_london.content.decode()
    assert f'datetime="2031-{month:02d}-{day:02d}T19:00:00{london_offset}"' in html
    assertInHTML(
        '<option value="Europe/London" selected>UK Time - London</option>', html
    )


@pytest.mark.django_db
def test_the_list_switches_zone_and_regroups_days(client):
    """At 10pm Eastern it is already the next day in London."""
    make_event("Evening talk", start=eastern(2031, 12, 9, 22))
    text = text_of(client.get(reverse("events:list")))
    assert "Tuesday, December 9, 2031" in text
    assert "10:00pm - 11:00pm Eastern Time - US & Canada" in text
    response = client.get(reverse("events:list"), {"tz": "Europe/London"})
    text = text_of(response)
    assert "Wednesday, December 10, 2031" in text
    assert "3:00am - 4:00am UK Time - London" in text
    assert "?tz=Europe%2FLondon" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_zone_is_ignored_with_a_notice(client):
    """An unknown ?tz= on an event page is explained in a notice, and the times stay in
    the event's own zone."""
    event = make_event(start=eastern(2031, 12, 9, 14))
    response = client.get(event.get_absolute_url(), {"tz": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    text = text_of(response)
    assert "“Mars/Olympus_Mons” is not a time zone we know" in text
    assert "Time: 2:00pm - 3:00pm" in text


@pytest.mark.django_db
def test_a_zone_outside_the_menu_stays_selected(client):
    """A valid zone asked for in ?tz= but not in the menu joins it, selected."""
    event = make_event()
    html = client.get(
        event.get_absolute_url(), {"tz": "Africa/Nairobi"}
    ).content.decode()
    assertInHTML(
        '<option value="Africa/Nairobi" selected>Africa/Nairobi</option>', html
    )


@pytest.mark.django_db
def test_time_elements_feed_the_local_time_script_without_inline_code(client):
    """Our own script, loaded deferred, given its words in attributes (no
    inline code); each time has an empty output beside it."""
    event = make_event(start=eastern(2031, 12, 9, 14))
    html = client.get(event.get_absolute_url()).content.decode()
    assert re.search(
        r'<script src="/static/js/local-time.js" defer data-before-noon="[^"]+"'
        r'[^>]* data-your-time="\(%\(time\)s your time, %\(zone\)s\)"[^>]*></script>',
        html,
    )
    assert re.search(
        r'<time datetime="2031-12-09T14:00:00-05:00" data-local-time '
        r'data-end="2031-12-09T15:00:00-05:00" data-zone="America/New_York">'
        r"2:00pm - 3:00pm</time>.*?<span class=\"local-time\" "
        r"data-local-time-output hidden></span>",
        html,
        re.S,
    )
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert ' style="' not in html
