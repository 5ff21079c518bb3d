"""Calendar files: what they hold, how they are shaped, and that they last."""

import random
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.core.cache import cache
from icalendar.parser import Contentline

from events import ical
from events.models import Event
from tests.builders import eastern, make_category, make_event
from tests.icaljs.checks import (
    ical_instants,
    icalendar_instants,
    icaljs_instants,
    icaljs_missing,
    structure_problems,
    unfold,
)

pytestmark = pytest.mark.django_db

# Daylight saving in New York: starts Sunday 2027-03-14, ends 2027-11-07.
AROUND_DST = [
    eastern(2027, 3, 12, 14),  # EST, UTC-5
    eastern(2027, 3, 15, 14),  # EDT, UTC-4
    eastern(2027, 11, 5, 13),  # EDT
    eastern(2027, 11, 8, 13),  # EST
]


def fresh(event: Event) -> Event:
    """The event as a request would load it (categories prefetched)."""
    return Event.objects.prefetch_related("categories").get(pk=event.pk)


def feed_of(events) -> bytes:
    return ical.feed_ics(
        [fresh(e) for e in events], name="Almanac events", description="All of them"
    )


def vevents(body: bytes) -> list:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def expected(events) -> dict[str, tuple[datetime, datetime]]:
    return {
        f"{e.uid}@almanac": (e.start.astimezone(UTC), e.end.astimezone(UTC))
        for e in events
    }


@pytest.fixture
def dst_events():
    phoenix = make_event(
        "Desert libraries",
        start=datetime(2027, 3, 15, 10, tzinfo=ical.ZoneInfo("America/Phoenix")),
        time_zone="America/Phoenix",
    )
    london = make_event(
        "UK reading lists",
        start=datetime(2027, 3, 29, 15, tzinfo=ical.ZoneInfo("Europe/London")),
        time_zone="Europe/London",
    )
    new_york = [make_event(start=start) for start in AROUND_DST]
    return [*new_york, phoenix, london]


def test_python_parsers_read_every_instant_as_stored(dst_events):
    """icalendar and the strict ical package, each converting through the
    file's own VTIMEZONE, find each event at the instant it is stored at."""
    feed = feed_of(dst_events)
    single = ical.event_ics(fresh(dst_events[0]))
    assert icalendar_instants(feed) == expected(dst_events)
    assert ical_instants(feed) == expected(dst_events)
    assert icalendar_instants(single) == expected(dst_events[:1])
    assert ical_instants(single) == expected(dst_events[:1])


def test_icaljs_reads_every_instant_as_stored(dst_events):
    """Mozilla's ical.js, in strict mode, agrees (it runs in Thunderbird)."""
    if missing := icaljs_missing():
        pytest.skip(missing)
    assert icaljs_instants(feed_of(dst_events)) == expected(dst_events)
    single = ical.event_ics(fresh(dst_events[1]), include_join_url=True)
    assert icaljs_instants(single) == expected(dst_events[1:2])


def test_files_are_well_formed(dst_events):
    """CRLF, folded at 75 octets, every TZID defined, every required part."""
    long_title = "A very long title " * 8
    make_event(long_title, start=AROUND_DST[0], description="é" * 300)
    events = [*dst_events, Event.objects.get(title=long_title)]
    for body in (feed_of(events), ical.event_ics(fresh(events[-1]))):
        assert structure_problems(body) == []
        text = unfold(body).decode()
        assert "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" in text
        assert "PRODID:" in text
        assert "METHOD" not in text
        assert "ATTENDEE" not in text and "ORGANIZER" not in text
        assert "DTSTART;TZID=America/New_York:20270312T140000" in text


def test_one_vtimezone_per_zone_in_yearly_rule_form(dst_events):
    """New York: STANDARD and DAYLIGHT with yearly RRULEs at 2:00am local;
    Phoenix (no daylight saving): a single STANDARD part."""
    cal = icalendar.Calendar.from_ical(feed_of(dst_events))
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    assert sorted(zones) == ["America/New_York", "America/Phoenix", "Europe/London"]

    new_york = zones["America/New_York"]
    assert [c.name for c in new_york.subcomponents] == ["STANDARD", "DAYLIGHT"]
    daylight, standard = new_york.walk("DAYLIGHT")[0], new_york.walk("STANDARD")[0]
    assert daylight["RRULE"] == {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYDAY": ["2SU"]}
    assert standard["RRULE"] == {"FREQ": ["YEARLY"], "BYMONTH": [11], "BYDAY": ["1SU"]}
    assert daylight.decoded("DTSTART").time().isoformat() == "02:00:00"
    assert standard.decoded("DTSTART").time().isoformat() == "02:00:00"
    assert daylight.decoded("TZOFFSETFROM") == timedelta(hours=-5)
    assert daylight.decoded("TZOFFSETTO") == timedelta(hours=-4)
    assert "RDATE" not in new_york.to_ical().decode()

    london = zones["Europe/London"]
    assert london.walk("DAYLIGHT")[0]["RRULE"]["BYDAY"] == ["-1SU"]
    assert london.walk("DAYLIGHT")[0].decoded("DTSTART").hour == 1

    phoenix = zones["America/Phoenix"]
    assert [c.name for c in phoenix.subcomponents] == ["STANDARD"]
    assert phoenix.walk("STANDARD")[0].decoded("TZOFFSETTO") == timedelta(hours=-7)
    assert "RRULE" not in phoenix.to_ical().decode()


def test_a_utc_event_gets_a_single_standard_part():
    """An event in UTC gets a VTIMEZONE with one STANDARD part, and parses
    to the stored instant."""
    event = make_event(start=datetime(2027, 6, 1, 12, tzinfo=UTC), time_zone="UTC")
    body = ical.event_ics(fresh(event))
    zone = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")[0]
    assert [c.name for c in zone.subcomponents] == ["STANDARD"]
    assert ical_instants(body) == expected([event])


def test_vtimezone_rules_are_read_from_zoneinfo_and_cached():
    """The rules come from probing zoneinfo: Sydney's daylight time starts in
    October. The probing is done once per zone and range."""
    ical.observances.cache_clear()
    sydney = ical.observances("Australia/Sydney", first_year=2027, last_year=2027)
    daylight = next(part for part in sydney if part.daylight)
    assert daylight.rule == (10, 1, 6)  # first Sunday of October
    assert daylight.onset == datetime(2026, 10, 4, 2)
    ical.observances("Australia/Sydney", first_year=2027, last_year=2027)
    assert ical.observances.cache_info().hits == 1


def test_a_zone_whose_rules_change_still_converts_exactly():
    """Where no single yearly rule fits, each change gets its own part, and
    the parsers still land on the stored instant."""
    start = datetime(2027, 2, 20, 12, tzinfo=ical.ZoneInfo("Africa/Casablanca"))
    event = make_event(start=start, time_zone="Africa/Casablanca")
    body = ical.event_ics(fresh(event))
    assert ical_instants(body) == expected([event])
    assert icalendar_instants(body) == expected([event])


def test_event_properties(settings):
    """UID from the stored uuid, DTSTAMP and LAST-MODIFIED from the last
    change, SEQUENCE, STATUS, URL of the page, plain-text DESCRIPTION,
    LOCATION "Online" for a webinar, CATEGORIES."""
    category = make_category("Vendor Webinar - ALA")
    event = make_event(
        "Copyright Basics",
        start=AROUND_DST[1],
        description="Learn **fair use**.\n\n- one\n- two\n\n<script>x()</script>",
        categories=[category],
    )
    vevent = vevents(ical.event_ics(fresh(event)))[0]
    changed = event.updated_at.astimezone(UTC).replace(microsecond=0)
    assert vevent["UID"] == f"{event.uid}@almanac"
    assert vevent.decoded("DTSTAMP") == changed
    assert vevent.decoded("LAST-MODIFIED") == changed
    assert vevent["SEQUENCE"] == 0
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["SUMMARY"] == "Copyright Basics"
    assert vevent["URL"] == f"{settings.SITE_URL}/events/{event.slug}/"
    description = str(vevent["DESCRIPTION"])
    assert description.startswith("Learn fair use.\n\n- one\n- two")
    assert "<" not in description and "**" not in description
    assert description.endswith(f"Event page: {settings.SITE_URL}/events/{event.slug}/")
    assert vevent["LOCATION"] == "Online"
    assert vevent.categories == ["Vendor Webinar - ALA"]


def test_location_for_in_person_and_hybrid_events():
    """LOCATION is the place in person, and "<place> / Online" when hybrid."""
    in_person = make_event(format=Event.Format.IN_PERSON, location="Main Library")
    hybrid = make_event(format=Event.Format.HYBRID, location="Main Library")
    assert vevents(ical.event_ics(fresh(in_person)))[0]["LOCATION"] == "Main Library"
    assert (
        vevents(ical.event_ics(fresh(hybrid)))[0]["LOCATION"] == "Main Library / Online"
    )


def test_single_event_files_have_no_calendar_level_properties():
    """One event's file has only PRODID and VERSION at the calendar level."""
    cal = icalendar.Calendar.from_ical(ical.event_ics(fresh(make_event())))
    assert sorted(cal) == ["PRODID", "VERSION"]


def test_feeds_have_calendar_level_properties():
    """A feed names and describes itself (RFC 7986 and X-WR- forms) and asks
    to be refreshed every six hours."""
    cal = icalendar.Calendar.from_ical(feed_of([make_event()]))
    assert cal["NAME"] == "Almanac events"
    assert cal["X-WR-CALNAME"] == "Almanac events"
    assert cal["DESCRIPTION"] == "All of them"
    assert cal["X-WR-CALDESC"] == "All of them"
    text = unfold(cal.to_ical()).decode()
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:PT6H\r\n" in text


def test_the_same_data_gives_the_same_bytes(clock):
    """The feed and the single-event file written again a day later, from
    unchanged data, are the same bytes: nothing (DTSTAMP included) is taken
    from the clock."""
    event = make_event(start=AROUND_DST[0], categories=[make_category()])
    first_feed = feed_of([event])
    first_single = ical.event_ics(fresh(event))
    clock.advance(days=1)
    assert feed_of([event]) == first_feed
    assert ical.event_ics(fresh(event)) == first_single


def test_a_typo_fix_keeps_the_sequence_and_moving_the_time_raises_it():
    """A description edit leaves SEQUENCE at 0; moving the time raises it to
    1, and DTSTAMP never goes back."""
    event = fresh(make_event(start=AROUND_DST[0]))
    event.description = "Fixed a typo."
    event.save()
    after_typo = vevents(ical.event_ics(fresh(event)))[0]
    assert after_typo["SEQUENCE"] == 0
    assert "Fixed a typo." in str(after_typo["DESCRIPTION"])

    event = fresh(event)
    event.start += timedelta(hours=1)
    event.end += timedelta(hours=1)
    event.save()
    moved = vevents(ical.event_ics(fresh(event)))[0]
    assert moved["SEQUENCE"] == 1
    assert moved.decoded("DTSTAMP") >= after_typo.decoded("DTSTAMP")


def test_the_uid_survives_a_slug_change():
    """A new slug changes the URL, never the UID."""
    event = make_event(slug="old-name")
    before = vevents(ical.event_ics(fresh(event)))[0]["UID"]
    event.slug = "new-name"
    event.save()
    after = vevents(ical.event_ics(fresh(event)))[0]
    assert after["UID"] == before
    assert after["URL"].endswith("/events/new-name/")


def test_a_cancelled_event_says_so():
    """Cancelled: STATUS:CANCELLED, "Cancelled: " before the title, and
    SEQUENCE raised."""
    event = fresh(make_event("Copyright Basics"))
    event.status = Event.Status.CANCELLED
    event.save()
    vevent = vevents(ical.event_ics(fresh(event)))[0]
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["SUMMARY"] == "Cancelled: Copyright Basics"
    assert vevent["SEQUENCE"] == 1


def test_a_postponed_event_is_tentative():
    """Postponed: STATUS:TENTATIVE and "Postponed: " before the title."""
    event = make_event("Copyright Basics", status=Event.Status.POSTPONED)
    vevent = vevents(ical.event_ics(fresh(event)))[0]
    assert vevent["STATUS"] == "TENTATIVE"
    assert vevent["SUMMARY"] == "Postponed: Copyright Basics"


def test_the_join_url_is_only_in_the_registrants_file():
    """The public file and the feed hold no join URL; the registrant's own
    file has it as CONFERENCE and in the description, and parses right."""
    join = "https://zoom.example/j/123?pwd=secret"
    event = make_event(join_url=join)
    public = [ical.event_ics(fresh(event)), feed_of([event])]
    for body in public:
        assert b"zoom.example" not in unfold(body)
        assert b"CONFERENCE" not in body

    private = ical.event_ics(fresh(event), include_join_url=True)
    vevent = vevents(private)[0]
    assert str(vevent["CONFERENCE"]) == join
    assert vevent["CONFERENCE"].params["VALUE"] == "URI"
    assert join in str(vevent["DESCRIPTION"])
    assert vevent["URL"].endswith(f"/events/{event.slug}/")
    assert ical_instants(private) == expected([event])


# The VEVENT writer against icalendar


def icalendar_vevent(event: Event, *, include_join_url: bool = False) -> bytes:
    """The VEVENT built as icalendar objects (how ``events.ical`` built it
    before it wrote them directly): the reference for the writer's bytes."""
    join_url = event.join_url if include_join_url else ""
    changed = event.updated_at.astimezone(UTC).replace(microsecond=0)
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.uid}@almanac")
    vevent.add("dtstamp", changed)
    vevent.add("last-modified", changed)
    vevent.add("created", event.created_at.astimezone(UTC).replace(microsecond=0))
    vevent.add("sequence", event.sequence)
    vevent.add("status", ical.STATUS.get(event.status, "CONFIRMED"))
    vevent.add("summary", ical.event_summary(event))
    vevent.add("dtstart", event.local_start.replace(microsecond=0))
    vevent.add("dtend", event.local_end.replace(microsecond=0))
    vevent.add("url", ical.event_url(event), parameters={"VALUE": "URI"})
    vevent.add("description", ical.event_details(event, join_url=join_url))
    location = ical.event_location(event)
    if location:
        vevent.add("location", location)
    categories = [c.name for c in event.categories.all()]
    if categories:
        vevent.add("categories", categories)
    if join_url:
        vevent.add(
            "conference",
            join_url,
            parameters={"VALUE": "URI", "FEATURE": "AUDIO,VIDEO"},
        )
    vevent.add("transp", "OPAQUE")
    return vevent.to_ical()


TRICKY_TEXT = [
    "Plain",
    "Commas, semicolons; colons: back\\slashes \\N and \\n, quotes \"'",
    "Lines\nand CRLF\r\nand a lone CR\rend",
    "é" * 120,
    "x" * 72 + "\\" + "y" * 80,
    "x" * 73 + ";" + "y" * 80,
    "x" * 73 + "^" + "y" * 80,
    "📅 emoji, four octets each " * 6,
    "  padded  ",
]


@pytest.mark.parametrize("text", TRICKY_TEXT, ids=range(len(TRICKY_TEXT)))
@pytest.mark.parametrize(
    "zone", ["America/New_York", "UTC", "Africa/Abidjan", "Asia/Kolkata"]
)
def test_the_writer_gives_icalendars_bytes(text, zone):
    """Escaping, folding at 75 octets, property order, TZID or UTC form: the
    directly written VEVENT is byte for byte what icalendar writes, public
    and private (with the join URL)."""
    event = make_event(
        text[:200],
        start=datetime(2027, 3, 14, 1, 30, 15, tzinfo=ical.ZoneInfo(zone)),
        time_zone=zone,
        description=f"**{text}**\n\n- {text}\n- two",
        format=Event.Format.HYBRID,
        location=text[:200],
        status=Event.Status.POSTPONED,
        join_url="https://zoom.example/j/1?pwd=a,b;c",
        categories=[make_category(text[:60]), make_category("Second, too")],
    )
    event = fresh(event)
    for private in (False, True):
        expected_bytes = icalendar_vevent(event, include_join_url=private)
        facts = ical.event_facts([event], include_join_url=private)
        assert ical.vevent_bytes(facts) == [expected_bytes]


def test_folding_and_escaping_match_icalendar_on_random_text():
    """Many random lines mixing one- to four-octet characters with the
    characters that escapes start with, folded and escaped both ways."""
    rng = random.Random(5545)
    ascii_only = "ab ,;:\\^\n\rN"
    for n in range(4000):
        # Half ASCII only (folded by slicing), half mixed (octet by octet).
        alphabet = ascii_only if n % 2 else ascii_only + "é€📅"
        weights = [30 if c in "ab " else 1 for c in alphabet]
        size = rng.randint(0, 400)
        value = "".join(rng.choices(alphabet, weights=weights, k=size))
        escaped = ical.escape_text(value)
        assert escaped.encode() == icalendar.vText(value).to_ical()
        line = f"DESCRIPTION:{escaped}"
        assert ical.fold_line(line.encode()) == Contentline(line).to_ical()


def test_the_whole_feed_matches_icalendar_from_end_to_end(dst_events):
    """The calendar around the VEVENTs is icalendar's own; spliced together
    they read as one calendar icalendar writes identically."""
    body = feed_of(dst_events)
    assert icalendar.Calendar.from_ical(body).to_ical() == body


def cached_feed_of(events) -> bytes:
    return ical.feed_ics(
        [fresh(e) for e in events],
        name="Almanac events",
        description="All of them",
        cache_key="test:vevents",
    )


@pytest.fixture
def writes(monkeypatch) -> list[str]:
    """The UIDs of the VEVENTs written (not taken from the cache)."""
    written = []
    real_write = ical.write_vevent

    def counting_write(facts):
        written.append(facts.uid)
        return real_write(facts)

    monkeypatch.setattr(ical, "write_vevent", counting_write)
    return written


def test_a_feeds_vevents_are_kept_and_a_change_writes_only_that_event(writes):
    """A feed's VEVENTs are kept in the cache, known by what they are written
    from: building it again writes nothing, and after one event changes
    only that one is written again, with the change in it."""
    events = [make_event(categories=[make_category()]) for _ in range(3)]
    first = cached_feed_of(events)
    assert len(writes) == 3
    assert first == feed_of(events)

    writes.clear()
    assert cached_feed_of(events) == first
    assert writes == []

    changed = fresh(events[1])
    changed.title = "Renamed"
    changed.save()
    body = cached_feed_of(events)
    assert writes == [f"{changed.uid}@almanac"]
    assert [str(v["SUMMARY"]) for v in vevents(body)][1] == "Renamed"
    # What the cache gave is what writing everything afresh gives.
    assert body == feed_of(events)


def test_a_renamed_category_writes_its_events_again(writes):
    """Renaming a category writes its events' VEVENTs again, with the new
    name, and only those."""
    category = make_category("Old name")
    event = make_event(categories=[category])
    assert vevents(cached_feed_of([event]))[0].categories == ["Old name"]
    category.name = "New name"
    category.save()
    writes.clear()
    assert vevents(cached_feed_of([event]))[0].categories == ["New name"]
    assert writes == [f"{event.uid}@almanac"]


def test_the_kept_vevents_survive_a_small_cache(settings, writes):
    """One cache entry per feed, whatever its size: a cache that culls by
    entry count (the local-memory one keeps 300) keeps them, and keeps the
    feeds' "changed at" marker beside them."""
    events = [make_event() for _ in range(12)]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "small",
            "OPTIONS": {"MAX_ENTRIES": 5},
        }
    }
    from django.core.cache import caches

    small = caches["default"]
    small.clear()
    small.set("marker", 1)
    try:
        cached_feed_of(events)
        writes.clear()
        cached_feed_of(events)
        assert writes == []
        assert small.get("marker") == 1
    finally:
        small.clear()


def test_join_urls_never_reach_the_cache():
    """The registrant's file is written afresh every time: the join URL is
    their secret and the cache may be shared."""
    event = fresh(make_event(join_url="https://zoom.example/j/123?pwd=secret"))
    cache.clear()
    ical.event_ics(event, include_join_url=True)
    stored = cache._cache  # the local-memory backend's own store
    assert not [key for key in stored if "vevent" in key]
    assert not [value for value in stored.values() if b"zoom.example" in value]
