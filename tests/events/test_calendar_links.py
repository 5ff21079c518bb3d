"""Add-to-calendar and subscribe links: parsed back, they say the same thing."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template import Context, Template

from events.calendar_links import (
    MAX_DETAILS,
    calendar_links,
    google_calendar_url,
    outlook_calendar_url,
)
from events.models import Event
from tests import dom
from tests.builders import eastern, make_event

pytestmark = pytest.mark.django_db

GOOGLE_ADD = "https://calendar.google.com/calendar/render?action=TEMPLATE"
TITLE = "Q&A: Fair use + copyright #1 — café edition"


def parsed(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert all(len(values) == 1 for values in parse_qs(parts.query).values())
    return f"{parts.scheme}://{parts.netloc}{parts.path}", query


def utc(text: str, fmt: str) -> datetime:
    return datetime.strptime(text, fmt).replace(tzinfo=UTC)


@pytest.fixture
def event():
    return make_event(
        TITLE,
        start=eastern(2027, 3, 15, 14),  # the day after daylight saving starts
        description="Learn **fair use**.",
        join_url="https://zoom.example/j/42?pwd=hush",
    )


def test_google_link_gives_the_instant_zone_and_text(event, settings):
    """Google's add link: the event's UTC instants, its zone, the title, the
    plain description ending with the page's URL, and the location."""
    base, query = parsed(google_calendar_url(event))
    assert base == "https://calendar.google.com/calendar/render"
    assert query["action"] == "TEMPLATE"
    assert query["text"] == TITLE
    start, end = query["dates"].split("/")
    assert utc(start, "%Y%m%dT%H%M%SZ") == event.start
    assert utc(end, "%Y%m%dT%H%M%SZ") == event.end
    assert utc(start, "%Y%m%dT%H%M%SZ") == datetime(2027, 3, 15, 18, tzinfo=UTC)
    assert query["ctz"] == "America/New_York"
    assert query["details"].startswith("Learn fair use.")
    assert query["details"].endswith(f"{settings.SITE_URL}/events/{event.slug}/")
    assert query["location"] == "Online"


@pytest.mark.parametrize(
    ("personal", "host"),
    [(False, "outlook.office.com"), (True, "outlook.live.com")],
)
def test_outlook_links_give_the_instant_and_text(event, personal, host):
    """Outlook's add links (work and personal): the UTC instants, the title,
    the plain description and the location."""
    base, query = parsed(outlook_calendar_url(event, personal=personal))
    assert base == f"https://{host}/calendar/deeplink/compose"
    assert query["path"] == "/calendar/action/compose"
    assert query["rru"] == "addevent"
    assert utc(query["startdt"], "%Y-%m-%dT%H:%M:%SZ") == event.start
    assert utc(query["enddt"], "%Y-%m-%dT%H:%M:%SZ") == event.end
    assert query["subject"] == TITLE
    assert query["body"].startswith("Learn fair use.")
    assert query["location"] == "Online"


def test_links_are_fully_encoded(event):
    """No bare space, "+", "&" or "#" from the text leaks into the URL."""
    for url in (google_calendar_url(event), outlook_calendar_url(event)):
        query = urlsplit(url).query
        assert " " not in url and "#" not in url
        assert "+" not in query
        assert "Q%26A" in query and "%2B" in query


def test_times_come_from_the_events_own_zone():
    """An event in Phoenix gives Phoenix as the zone and its own instant; a
    hybrid one, "<place> / Online" as the location."""
    phoenix = make_event(
        start=datetime(2027, 7, 1, 9, tzinfo=Event(time_zone="America/Phoenix").tz),
        time_zone="America/Phoenix",
        format=Event.Format.HYBRID,
        location="Main Library",
    )
    _, query = parsed(google_calendar_url(phoenix))
    assert query["ctz"] == "America/Phoenix"
    assert query["dates"].startswith("20270701T160000Z/")
    assert query["location"] == "Main Library / Online"


def test_cancelled_events_say_so_in_the_title():
    """A cancelled event's add link is titled "Cancelled: <title>"."""
    cancelled = make_event("Copyright Basics", status=Event.Status.CANCELLED)
    _, query = parsed(google_calendar_url(cancelled))
    assert query["text"] == "Cancelled: Copyright Basics"


def test_long_descriptions_are_shortened_but_keep_the_page_link(settings):
    """A long description is cut to fit the URL, and still ends with the
    event page's URL."""
    event = make_event(description="word " * 2000)
    _, query = parsed(google_calendar_url(event))
    assert len(query["details"]) <= MAX_DETAILS
    assert query["details"].endswith(f"{settings.SITE_URL}/events/{event.slug}/")


def test_subscribe_links_point_at_the_feed(event):
    """Subscribe links name the feed (webcal and Google's cid); the download
    link is the event's own .ics."""
    links = calendar_links(event)
    assert links["webcal"] == "webcal://calendar.example.org/events/feed.ics"
    base, query = parsed(links["google_subscribe"])
    assert base == "https://calendar.google.com/calendar/r"
    assert query["cid"] == "webcal://calendar.example.org/events/feed.ics"
    assert links["ics"] == f"/events/{event.slug}/event.ics"


def render(event, private_ics_url="") -> str:
    template = Template(
        "{% load calendar_links %}{% add_to_calendar event private_ics_url %}"
    )
    return template.render(
        Context({"event": event, "private_ics_url": private_ics_url})
    )


def test_the_public_block_has_every_link_and_no_join_url(event):
    """The block links to the feed (webcal and Google), the event's own
    file, and Google and both Outlooks; the four links to other sites carry
    rel="noopener noreferrer"; no script, no style attribute, no join URL."""
    block = dom.parse(render(event))
    links = dom.hrefs(block)
    assert "webcal://calendar.example.org/events/feed.ics" in links
    assert f"/events/{event.slug}/event.ics" in links
    elsewhere = [
        "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F",
        "https://calendar.google.com/calendar/render?action=TEMPLATE",
        "https://outlook.office.com/calendar/deeplink/compose?",
        "https://outlook.live.com/calendar/deeplink/compose?",
    ]
    for start in elsewhere:
        assert len([link for link in links if link.startswith(start)]) == 1, start
    guarded = [
        dom.attribute(link, "href")
        for link in dom.find_all(block, "a", rel="noopener noreferrer")
    ]
    assert sorted(guarded) == sorted(
        link for link in links if link.startswith("https://")
    )
    assert len(guarded) == 4
    assert dom.find_all(block, "script") == []
    assert dom.find_all(block, style=True) == []
    assert "zoom.example" not in render(event)


def test_the_registrants_block_offers_their_own_file_with_the_join_url(event):
    """Given the registrant's own file, the block links to it instead of the
    public one, and the add links carry the join URL."""
    links = dom.hrefs(
        dom.parse(render(event, private_ics_url="/registrations/abc/event.ics"))
    )
    assert "/registrations/abc/event.ics" in links
    assert f"/events/{event.slug}/event.ics" not in links
    _, query = parsed(calendar_links(event, private_ics_url="/x.ics")["google"])
    assert query["details"].startswith(
        "Join the event: https://zoom.example/j/42?pwd=hush"
    )


def test_a_cancelled_event_offers_no_add_links():
    """A cancelled event: no Google or Outlook add link, the feed still."""
    links = dom.hrefs(dom.parse(render(make_event(status=Event.Status.CANCELLED))))
    assert not [link for link in links if "calendar/render" in link]
    assert not [link for link in links if "deeplink" in link]
    assert "webcal://calendar.example.org/events/feed.ics" in links


def test_the_event_page_shows_the_block(client, event):
    """The event page carries the block's links, without the join URL."""
    response = client.get(event.get_absolute_url())
    links = dom.hrefs(dom.parse(response))
    assert [link for link in links if link.startswith(GOOGLE_ADD)]
    assert "webcal://calendar.example.org/events/feed.ics" in links
    assert "zoom.example" not in response.content.decode()
