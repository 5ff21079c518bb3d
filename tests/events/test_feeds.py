"""The feeds over HTTP: which events, which headers, caching, 304s."""

import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from events import feeds, ical, text
from events.calendar_links import google_calendar_url
from events.demo import load_demo_data
from events.models import Event
from registrations.models import Registration
from registrations.services import register_for_event
from tests import dom
from tests.builders import eastern, make_category, make_event, make_series
from tests.icaljs.checks import (
    ical_instants,
    icalendar_instants,
    icaljs_instants,
    icaljs_missing,
    structure_problems,
    unfold,
)

pytestmark = pytest.mark.django_db

FEED = reverse("events:feed_ics")


def clear_caches() -> None:
    """Forget every cached feed body, validator and VEVENT, whichever cache
    alias holds them."""
    for each in caches.all():
        each.clear()


def summaries(body: bytes) -> list[str]:
    cal = icalendar.Calendar.from_ical(body)
    return [str(vevent["SUMMARY"]) for vevent in cal.walk("VEVENT")]


def event_ics_url(event: Event) -> str:
    return reverse("events:event_ics", kwargs={"slug": event.slug})


def test_feed_holds_recent_and_upcoming_published_events(client):
    """90 days back and everything ahead; no drafts; a cancelled event until
    it has passed."""
    now = timezone.now()
    make_event("Upcoming", start=now + timedelta(days=3))
    make_event("Far ahead", start=now + timedelta(days=400))
    make_event("Last month", start=now - timedelta(days=30))
    make_event("Long ago", start=now - timedelta(days=120))
    make_event("Draft", start=now + timedelta(days=3), is_published=False)
    make_event("Called off", start=now + timedelta(days=5), status="cancelled")
    make_event("Called off earlier", start=now - timedelta(days=5), status="cancelled")

    response = client.get(FEED)
    assert response.status_code == 200
    assert summaries(response.content) == [
        "Last month",
        "Upcoming",
        "Cancelled: Called off",
        "Far ahead",
    ]


def test_category_and_series_narrow_the_feed_and_unknown_slugs_are_404(client):
    """?category= and ?series= keep only their events and name the feed after
    them (description as plain text); without either, every event; an
    unknown slug is a 404."""
    ala = make_category("Vendor Webinar - ALA", description="Webinars from *ALA*.")
    series = make_series("Library 2.0 mini-conference")
    make_event("ALA webinar", categories=[ala])
    make_event("Conference talk", series=series)
    make_event("Other")

    by_category = client.get(FEED, {"category": ala.slug})
    cal = icalendar.Calendar.from_ical(by_category.content)
    assert summaries(by_category.content) == ["ALA webinar"]
    assert cal["NAME"] == "Almanac: Vendor Webinar - ALA"
    assert cal["X-WR-CALDESC"] == "Webinars from ALA."

    by_series = client.get(FEED, {"series": series.slug})
    assert summaries(by_series.content) == ["Conference talk"]
    assert sorted(summaries(client.get(FEED).content)) == [
        "ALA webinar",
        "Conference talk",
        "Other",
    ]
    assert client.get(FEED, {"category": "no-such-thing"}).status_code == 404
    assert client.get(FEED, {"series": "no-such-thing"}).status_code == 404


def test_feed_and_single_event_headers(client):
    """text/calendar; ETag and Last-Modified; a download name only for one
    event."""
    event = make_event(slug="copyright-basics")
    feed = client.get(FEED)
    single = client.get(event_ics_url(event))
    for response in (feed, single):
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert re.fullmatch(r'"[0-9a-f]{40}"', response["ETag"])
        assert parse_http_date(response["Last-Modified"]) >= int(
            event.updated_at.timestamp()
        )
        assert structure_problems(response.content) == []
    assert "Content-Disposition" not in feed
    assert (
        single["Content-Disposition"] == 'attachment; filename="copyright-basics.ics"'
    )


def test_drafts_have_no_single_event_file(client):
    """A draft, or a slug that names no event, has no .ics: 404."""
    draft = make_event(is_published=False)
    assert client.get(event_ics_url(draft)).status_code == 404
    assert client.get("/events/nothing-here/event.ics").status_code == 404


@pytest.mark.parametrize("url_of", [lambda e: FEED, event_ics_url])
def test_conditional_requests_get_304(client, url_of):
    """A matching If-None-Match or If-Modified-Since gets an empty 304 with
    the ETag; another ETag, or an earlier date, gets the body (200)."""
    event = make_event()
    url = url_of(event)
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    by_etag = client.get(url, headers={"if-none-match": etag})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == etag

    by_date = client.get(url, headers={"if-modified-since": last_modified})
    assert by_date.status_code == 304

    stale_etag = client.get(url, headers={"if-none-match": '"something-else"'})
    assert stale_etag.status_code == 200
    earlier = http_date(parse_http_date(last_modified) - 60)
    assert client.get(url, headers={"if-modified-since": earlier}).status_code == 200


@pytest.fixture
def cache_reads(monkeypatch) -> list[str]:
    """The keys read from the cache (``get``), in order."""
    keys = []
    real_get = LocMemCache.get

    def get(self, key, *args, **kwargs):
        keys.append(key)
        return real_get(self, key, *args, **kwargs)

    monkeypatch.setattr(LocMemCache, "get", get)
    return keys


@pytest.mark.parametrize("header", ["if-none-match", "if-modified-since"])
def test_a_304_reads_neither_the_body_nor_the_database(
    client, cache_reads, django_assert_num_queries, header
):
    """The validators are kept apart from the body: a conditional request
    is answered from them alone, without loading (or hashing) the body."""
    make_event(categories=[make_category()])
    first = client.get(FEED)
    value = first["ETag"] if header == "if-none-match" else first["Last-Modified"]
    cache_reads.clear()
    with django_assert_num_queries(0):
        response = client.get(FEED, headers={header: value})
    assert response.status_code == 304
    assert response["ETag"] == first["ETag"]
    assert response["Last-Modified"] == first["Last-Modified"]
    assert cache_reads and not [key for key in cache_reads if ":body" in key]


def test_a_warm_feed_is_not_hashed_again(client, monkeypatch):
    """The ETag is computed once, when the body is built."""
    make_event()
    first = client.get(FEED)

    def no_hashing(body):
        raise AssertionError("the cached body was hashed again")

    monkeypatch.setattr(feeds, "body_etag", no_hashing)
    again = client.get(FEED)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_lost_body_is_built_again_with_the_same_validators(client):
    """Validators kept while the body was evicted: the body comes back
    byte for byte, under the same ETag."""
    make_event()
    first = client.get(FEED)
    for key in list(cache._cache):
        if ":body" in key:
            cache.delete(key.split(":", 2)[2])  # the key without its prefix
    assert not [key for key in cache._cache if ":body" in key]
    again = client.get(FEED)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_change_to_one_event_writes_only_that_event_again(client, monkeypatch):
    """The feed's VEVENTs outlive the marker: after one event changes, the
    new body writes that one event, and shows the change."""
    events = [make_event(f"Event {n}") for n in range(4)]
    client.get(FEED)
    written = []
    real_write = ical.write_vevent

    def counting_write(facts):
        written.append(facts.summary)
        return real_write(facts)

    monkeypatch.setattr(ical, "write_vevent", counting_write)
    events[2].title = "Event 2, moved online"
    events[2].save()
    body = client.get(FEED).content
    assert written == ["Event 2, moved online"]
    assert "Event 2, moved online" in summaries(body)
    monkeypatch.undo()
    clear_caches()
    assert client.get(FEED).content == body


def test_the_same_data_gives_the_same_feed_bytes(client, clock, monkeypatch):
    """Built again from the database an hour later, with nothing changed, the
    feed is the same bytes under the same ETag: nothing in it (DTSTAMP
    included) is taken from the clock."""
    make_event(categories=[make_category()])
    first = client.get(FEED)

    clock.advance(hours=1)
    clear_caches()
    written = []
    real_write = ical.write_vevent

    def counting_write(facts):
        written.append(facts.uid)
        return real_write(facts)

    monkeypatch.setattr(ical, "write_vevent", counting_write)
    second = client.get(FEED)

    assert len(written) == 1, "the second feed was not built again"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_changes_show_at_once_despite_the_cache(client, clock):
    """The cached body is dropped when an event, category or series changes
    or is deleted, even when the clock has not moved since the last build."""
    category = make_category("Vendor Webinar - ALA")
    event = make_event("Copyright Basics", categories=[category])
    other = make_event("Patron Response")
    assert "Copyright Basics" in client.get(FEED).content.decode()

    event.title = "Copyright Basics, revised"
    event.save()
    assert "Copyright Basics, revised" in summaries(client.get(FEED).content)

    category.name = "ALA Webinars"
    category.save()
    assert b"CATEGORIES:ALA Webinars" in unfold(client.get(FEED).content)

    other.delete()
    assert summaries(client.get(FEED).content) == ["Copyright Basics, revised"]

    event.categories.clear()
    assert b"CATEGORIES" not in client.get(FEED).content


def test_a_cached_feed_costs_no_queries(client, django_assert_num_queries):
    """The second request for an unchanged feed is answered from the cache
    without a database query."""
    make_event(categories=[make_category()])
    client.get(FEED)
    with django_assert_num_queries(0):
        assert client.get(FEED).status_code == 200


def test_building_the_feed_takes_the_same_queries_for_any_number_of_events(
    client, django_assert_max_num_queries
):
    """Events, their categories (prefetched) and one aggregate; never per row."""
    category = make_category()
    for _ in range(3):
        make_event(categories=[category])
    with django_assert_max_num_queries(3):
        client.get(FEED)
    for _ in range(12):
        make_event(categories=[category])
    clear_caches()
    with django_assert_max_num_queries(3):
        client.get(FEED)


@pytest.mark.parametrize("change", ["unpublish", "delete"])
def test_last_modified_moves_forward_when_an_event_leaves(client, clock, change):
    """An unpublished or deleted event takes nothing newer with it, yet
    subscribers must refetch: Last-Modified moves forward, never back."""
    kept = make_event("Kept")
    leaving = make_event("Leaving")
    clock.advance(minutes=5)
    first = client.get(FEED)

    clock.advance(minutes=5)
    if change == "unpublish":
        leaving.is_published = False
        leaving.save()
    else:
        leaving.delete()
    second = client.get(FEED, headers={"if-modified-since": first["Last-Modified"]})

    assert second.status_code == 200
    assert summaries(second.content) == ["Kept"]
    assert parse_http_date(second["Last-Modified"]) > parse_http_date(
        first["Last-Modified"]
    )
    assert kept.updated_at < clock.now


def test_last_modified_never_moves_back_when_the_cache_is_cleared(client, clock):
    """A cache that lost the "feeds changed at" marker starts again from now:
    Last-Modified may move forward, never back."""
    make_event()
    first = client.get(FEED)
    clock.advance(minutes=1)
    clear_caches()
    second = client.get(FEED)
    assert parse_http_date(second["Last-Modified"]) >= parse_http_date(
        first["Last-Modified"]
    )


def test_public_feeds_carry_no_join_url_or_registrant(client):
    """The feed, the public .ics and the RSS carry neither the join URL nor
    any registrant's name or address."""
    event = make_event(join_url="https://zoom.example/j/987?pwd=hush")
    registration = register_for_event(
        event_id=event.pk, name="Ada Registrant", email="ada@library.example"
    ).registration
    assert registration.status == Registration.Status.CONFIRMED
    bodies = [
        client.get(FEED).content,
        client.get(event_ics_url(event)).content,
        client.get(reverse("events:feed_rss")).content,
    ]
    for body in bodies:
        text = unfold(body).decode()
        for secret in ("zoom.example", "hush", "Ada Registrant", "ada@library"):
            assert secret not in text


def test_the_feed_reads_the_same_in_every_parser(client):
    """Events on each side of both 2027 daylight-saving changes."""
    events = [
        make_event(start=eastern(2027, 3, 12, 14)),
        make_event(start=eastern(2027, 3, 15, 14)),
        make_event(start=eastern(2027, 11, 5, 13)),
        make_event(start=eastern(2027, 11, 8, 13)),
    ]
    body = client.get(FEED).content
    stored = {
        f"{e.uid}@almanac": (e.start.astimezone(UTC), e.end.astimezone(UTC))
        for e in events
    }
    assert icalendar_instants(body) == stored
    assert ical_instants(body) == stored
    if missing := icaljs_missing():
        pytest.skip(missing)
    assert icaljs_instants(body) == stored


@pytest.mark.parametrize(
    "start",
    [
        eastern(2027, 3, 12, 14),  # before daylight saving starts
        eastern(2027, 3, 15, 14),  # after
        eastern(2027, 11, 5, 13),  # before it ends
        eastern(2027, 11, 8, 13),  # after
    ],
    ids=["march-before", "march-after", "november-before", "november-after"],
)
def test_page_feed_and_google_link_name_the_same_instant(client, start):
    """The event page's <time datetime>, the feed (by each parser) and the
    Google Calendar link all give the event's instant."""
    event = make_event("Copyright Basics", start=start)
    instant = start.astimezone(UTC)

    page = dom.parse(client.get(event.get_absolute_url()))
    shown = dom.find_all(page, "time", datetime=True, data_end=True)
    assert shown, "the event page shows no <time datetime=... data-end=...>"
    starts = datetime.fromisoformat(dom.attribute(shown[0], "datetime"))
    ends = datetime.fromisoformat(dom.attribute(shown[0], "data-end"))
    assert starts == instant
    assert ends == instant + timedelta(hours=1)

    body = client.get(FEED).content
    uid = f"{event.uid}@almanac"
    assert icalendar_instants(body)[uid][0] == instant
    assert ical_instants(body)[uid][0] == instant
    if not icaljs_missing():
        assert icaljs_instants(body)[uid][0] == instant

    google = google_calendar_url(event)
    dates = re.search(r"dates=(\d{8}T\d{6}Z)%2F", google)[1]
    assert datetime.strptime(dates, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) == instant


def test_demo_webinars_import_at_their_eastern_times(client):
    """The seed webinars land at 2:00pm and 1:00pm Eastern in every parser,
    whatever zone the reader is in."""
    load_demo_data()
    body = client.get(FEED).content
    eastern_zone = ZoneInfo("America/New_York")
    by_uid = {
        f"{e.uid}@almanac": e for e in Event.objects.filter(time_zone=eastern_zone.key)
    }
    assert by_uid
    readings = [icalendar_instants(body), ical_instants(body)]
    if not icaljs_missing():
        readings.append(icaljs_instants(body))
    for reading in readings:
        hours = sorted(
            {reading[uid][0].astimezone(eastern_zone).hour for uid in by_uid}
        )
        assert hours == [13, 14]
        for uid, event in by_uid.items():
            assert reading[uid][0] == event.start


def rss_items(response) -> dict[str, dict[str, str]]:
    """Each RSS item's fields (``description``, ``link``...) by its title."""
    # Our own feed, not untrusted input.
    channel = ElementTree.fromstring(response.content).find("channel")  # noqa: S314
    return {
        item.findtext("title"): {field.tag: field.text or "" for field in item}
        for item in channel.iter("item")
    }


def test_rss_lists_upcoming_published_events_in_plain_text(client):
    """Upcoming published events only (a cancelled one says so in its
    title); descriptions are plain text, links go to the event page."""
    now = timezone.now()
    make_event(
        "Copyright Basics",
        start=now + timedelta(days=2),
        description="Learn **fair use**.",
    )
    make_event("Draft", start=now + timedelta(days=2), is_published=False)
    make_event("Last week", start=now - timedelta(days=7))
    make_event("Called off", start=now + timedelta(days=3), status="cancelled")

    response = client.get(reverse("events:feed_rss"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    items = rss_items(response)
    assert sorted(items) == ["Cancelled: Called off", "Copyright Basics"]
    description = items["Copyright Basics"]["description"]
    assert description.endswith("\n\nLearn fair use.")
    assert "<strong" not in description and "**" not in description
    assert items["Copyright Basics"]["link"].startswith(
        "https://calendar.example.org/events/copyright-basics"
    )


def test_rss_descriptions_are_the_stored_plain_text_not_a_new_rendering(
    client, monkeypatch
):
    """An item's description is the plain copy stored with the event (the
    one the calendar feed uses too), after the date line; the Markdown is
    not rendered again to make it."""
    event = make_event(
        "Copyright Basics",
        start=timezone.now() + timedelta(days=2),
        description="Learn **fair use**.",
    )
    # A stored copy that a fresh rendering of the Markdown would not give,
    # as after a change to how plain text is made, before the next save.
    stored = "Learn fair use (the stored plain copy)."
    Event.objects.filter(pk=event.pk).update(description_text=stored)
    text._sanitized_html.cache_clear()
    text.plain_text.cache_clear()
    renders = []
    real_markdown = text.markdown.markdown

    def counting_markdown(source, **kwargs):
        renders.append(source)
        return real_markdown(source, **kwargs)

    monkeypatch.setattr(text.markdown, "markdown", counting_markdown)

    items = rss_items(client.get(reverse("events:feed_rss")))
    description = items["Copyright Basics"]["description"]
    assert description.endswith(f"\n\n{stored}")
    assert "Learn fair use." not in description
    assert renders == []
    assert stored in unfold(client.get(FEED).content).decode()


def test_an_empty_feed_still_parses(client):
    """Before anything is published, calendar apps still get a valid feed."""
    body = client.get(FEED).content
    assert structure_problems(body) == []
    assert icalendar_instants(body) == {}
    assert ical_instants(body) == {}
    if not icaljs_missing():
        assert icaljs_instants(body) == {}


def test_the_feed_reads_plain_columns_yet_writes_what_an_event_would(client):
    """The feed's rows are read as plain columns; each VEVENT is the same
    bytes the event itself gives, Markdown flattened even for a row written
    without save() (no stored plain copy)."""
    first = make_event("Plain copy stored", description="**Bold** text")
    second = make_event("No plain copy", location="Room 2", format="hybrid")
    Event.objects.filter(pk=second.pk).update(
        description="*Emphasis* here", description_text=""
    )
    body = client.get(FEED).content
    for event in Event.objects.filter(pk__in=[first.pk, second.pk]):
        vevent = ical.event_ics(event).split(b"BEGIN:VEVENT", 1)[1]
        vevent = vevent.split(b"END:VEVENT", 1)[0]
        assert vevent in body
    assert b"Emphasis here" in body
    assert b"*Emphasis*" not in body
