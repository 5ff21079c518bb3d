"""The RSS feed narrows to a category (or a series) as the .ics feed does,
and writes times as the pages do."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.builders import eastern, make_category, make_event, make_series

pytestmark = pytest.mark.django_db

RSS = reverse("events:feed_rss")


def channel(response):
    assert response.status_code == 200
    # Our own feed, not untrusted input.
    return ElementTree.fromstring(response.content).find("channel")  # noqa: S314


def titles(response) -> list[str]:
    return [item.findtext("title") for item in channel(response).iter("item")]


@pytest.fixture
def two_categories():
    soon = timezone.now() + timedelta(days=2)
    cataloging = make_category("Cataloging", slug="cataloging")
    youth = make_category("Youth Services", slug="youth")
    make_event("Metadata basics", start=soon, categories=[cataloging])
    make_event("Story time", start=soon, categories=[youth])
    make_event("Both", start=soon, categories=[cataloging, youth])
    return cataloging


def test_rss_honours_category_like_the_ics_feed(client, two_categories):
    """?category=<slug> keeps only that category's events, in the RSS as in
    the .ics feed, and says so in the channel's title, link and description."""
    everything = client.get(RSS)
    assert sorted(titles(everything)) == ["Both", "Metadata basics", "Story time"]
    assert channel(everything).findtext("title") == "Almanac: upcoming events"

    narrowed = client.get(RSS, {"category": "cataloging"})
    assert sorted(titles(narrowed)) == ["Both", "Metadata basics"]
    about = channel(narrowed)
    assert about.findtext("title") == "Almanac: upcoming events in Cataloging"
    assert about.findtext("link") == (
        "https://calendar.example.org/events/?category=cataloging"
    )
    assert about.findtext("description") == (
        "Upcoming events in Cataloging, published by Almanac."
    )
    ics = client.get(reverse("events:feed_ics"), {"category": "cataloging"})
    assert b"Metadata basics" in ics.content and b"Story time" not in ics.content


def test_rss_honours_series_like_the_ics_feed(client):
    """?series=<slug> keeps only that series' events."""
    series = make_series("Metadata Mondays", slug="metadata-mondays")
    make_event("Part one", series=series)
    make_event("Elsewhere")
    narrowed = client.get(RSS, {"series": "metadata-mondays"})
    assert titles(narrowed) == ["Part one"]
    assert channel(narrowed).findtext("link") == (
        "https://calendar.example.org/series/metadata-mondays/"
    )


def test_an_unknown_category_is_not_found_in_both_feeds(client, two_categories):
    """A slug that names no category is a 404 for RSS as for .ics, never the
    whole feed under a wrong title or an error."""
    assert client.get(RSS, {"category": "nope"}).status_code == 404
    assert client.get(reverse("events:feed_ics"), {"category": "nope"}).status_code == (
        404
    )


def test_rss_items_write_the_time_as_the_pages_do(client):
    """Each item's date line reads "2:00pm - 3:00pm", as the event page."""
    make_event("Copyright Basics", start=eastern(2031, 10, 21, 14))
    [item] = channel(client.get(RSS)).iter("item")
    assert item.findtext("description").startswith(
        "Tuesday, October 21, 2031, 2:00pm - 3:00pm Eastern Time - US & Canada\n\n"
    )
