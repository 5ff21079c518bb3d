"""The list search as members use it, on every database: what it finds,
combined with the other filters, paged; and the indexes that keep the lists
and staff's searches fast.

What full-text search adds (words in any order, names of categories and
organizers, ranking, the index it reads) is in test_full_text_search.py.
The plan tests run on PostgreSQL only (DATABASE_URL), where the indexes
exist: with sequential scans turned off, a plan that still reads the table
row by row means the SQL no longer matches an index.
"""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, EventPresenter
from registrations import services
from tests.builders import eastern, make_category, make_event, make_presenter
from tests.dom import text_of

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (set DATABASE_URL): the indexes exist only there",
)


def titles(response) -> list[str]:
    return re.findall(
        r'<h3 class="h5 card-title[^"]*"[^>]*>\s*<a [^>]*>(.*?)</a>',
        response.content.decode(),
    )


def search(client, q: str, **params) -> list[str]:
    response = client.get(reverse("events:list"), {"q": q, **params})
    assert response.status_code == 200
    return titles(response)


def test_search_matches_words_in_any_letter_case(client):
    """Search finds a word ("GRANT") in titles and descriptions, whatever the
    letter case on either side."""
    make_event("Grant Writing Basics", start=eastern(2031, 5, 1))
    make_event("Other", description="Finding grant money.", start=eastern(2031, 5, 2))
    make_event("Unrelated", start=eastern(2031, 5, 3))
    assert search(client, "GRANT") == ["Grant Writing Basics", "Other"]


def test_search_reads_the_description_as_members_read_it(client):
    """The description's words are searched as the page shows them: the text
    of a link or of bold type, not the Markdown around it nor the link's
    address."""
    make_event(
        "Linked", description="See [the **handbook**](https://guides.example.org)."
    )
    make_event("Plain", description="A guide to guides.")
    assert search(client, "handbook") == ["Linked"]
    assert search(client, "guides.example.org") == []


def test_search_finds_events_by_any_presenter_in_the_line_up(client):
    """Search finds an event by any of its presenters, not only the first; a presenter
    on no event finds nothing."""
    first = make_event("Morning", start=eastern(2031, 5, 1))
    second = make_event("Afternoon", start=eastern(2031, 5, 2))
    make_presenter("Jia Haddad", event=first)
    make_presenter("Kofi Evans", event=second, order=0)
    make_presenter("Lena Haddad", event=second, order=1)
    make_presenter("Nobody Scheduled")
    make_event("No presenters", start=eastern(2031, 5, 3))
    assert search(client, "haddad") == ["Morning", "Afternoon"]
    assert search(client, "nobody") == []


def test_punctuation_in_the_search_matches_nothing_by_itself(client):
    """A % or _ (SQL's wildcards) is never read as "any text": "100%" finds the
    number, and punctuation alone finds nothing, with the usual message."""
    make_event("100% online", start=eastern(2031, 5, 1))
    make_event("Fully online", start=eastern(2031, 5, 2))
    assert search(client, "100%") == ["100% online"]
    assert search(client, "%") == []
    response = client.get(reverse("events:list"), {"q": "_"})
    assert titles(response) == []
    assert "No upcoming events match your search." in text_of(response)


def test_a_match_in_every_place_lists_the_event_once_with_its_seats(client):
    """Title, description and two presenters all match: one card, and the
    seat count is the event's own, not multiplied by the matches."""
    event = make_event("Panel with Ann", description="Ann and Ann again.", capacity=5)
    make_presenter("Ann Reader", event=event, order=0)
    make_presenter("Ann Writer", event=event, order=1)
    for n in range(2):
        services.register_for_event(
            event_id=event.pk, name=f"R {n}", email=f"r{n}@example.org", notify=False
        )
    response = client.get(reverse("events:list"), {"q": "ann"})
    assert titles(response) == ["Panel with Ann"]
    text = text_of(response)
    assert "1 event matches your search." in text
    assert "There are 3 seats available." in text


def test_search_combines_with_category_and_format_and_skips_drafts_and_past(client):
    """A search with a category and a format finds only events matching all three, and
    never drafts or past events."""
    ala = make_category("Vendor Webinar - ALA")
    by_presenter = make_event("Tuesday", categories=[ala], start=eastern(2031, 5, 1))
    make_presenter("Chloe Ito", event=by_presenter)
    make_event("Ito in person", categories=[ala], format=Event.Format.IN_PERSON)
    make_event("Ito elsewhere", start=eastern(2031, 5, 2))
    make_event("Ito draft", categories=[ala], is_published=False)
    make_event("Ito last year", categories=[ala], start=eastern(2020, 5, 1))
    found = search(client, "ito", category=ala.slug, format=Event.Format.ONLINE)
    assert found == ["Tuesday"]


def test_the_search_runs_the_same_queries_whatever_matches(client):
    """The presenter match is a subquery of the count and of the page, not a
    query of its own, and never grows with the number of matches."""
    url = reverse("events:list")
    event = make_event("Alpha")
    make_presenter("Ada Alpha", event=event)
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"q": "alpha"})
    for n in range(5):
        other = make_event(f"Alpha {n}")
        make_presenter(f"Alpha Presenter {n}", event=other)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url, {"q": "alpha"})
    assert len(titles(response)) == 6
    assert len(six) == len(one)


@pytest.fixture
def two_per_page(settings):
    settings.EVENTS_PER_PAGE = 2


@pytest.mark.usefixtures("two_per_page")
@pytest.mark.parametrize(
    ("page", "shown", "notice"),
    [
        ("1", ["Day 1", "Day 2"], None),
        ("3", ["Day 5"], None),
        ("9", ["Day 5"], "There is no page 9; showing page 3."),
        ("x", ["Day 1", "Day 2"], "“x” is not a page number; showing page 1."),
    ],
)
def test_equal_matches_are_paged_in_date_order(client, page, shown, notice):
    """Every match equally good (the same word, once, in the title); created
    latest first, so ids run against the dates: the pages follow the dates,
    and the count is of matches only."""
    for day in range(5, 0, -1):
        make_event(f"Day {day}", start=eastern(2031, 5, day))
        make_event(f"Other {day}", start=eastern(2031, 5, day, 9))
    response = client.get(reverse("events:list"), {"q": "day", "page": page})
    assert titles(response) == shown
    text = text_of(response)
    assert "5 events match your search; page" in text
    if notice:
        assert notice in text


def plan(queryset, *, scans=("seqscan", "indexscan")) -> str:
    """EXPLAIN of ``queryset`` with these kinds of scan priced out of reach:
    by default only bitmap scans, which need an index matching a condition."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for scan in scans:
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@on_postgresql
@pytest.mark.parametrize("field", ["title", "description"])
def test_title_and_description_searches_use_their_trigram_index(field):
    """On PostgreSQL, staff's search of titles or of descriptions (the event
    admin's ``icontains``) is answered from that field's trigram index."""
    make_event("Grant writing")
    found = plan(Event.objects.filter(**{f"{field}__icontains": "grant"}))
    assert f"event_{field}_upper_trgm" in found


@on_postgresql
def test_presenter_name_search_uses_its_trigram_index():
    """On PostgreSQL, staff's search of presenter names (the event admin's) is
    answered from their trigram index."""
    make_presenter("Farah Diallo")
    found = plan(EventPresenter.objects.filter(presenter__name__icontains="diallo"))
    assert "presenter_name_upper_trgm" in found


@on_postgresql
def test_upcoming_events_skip_ended_ones_inside_the_index():
    """``end`` is checked in the (start, end) index of published events, so
    ended events are never fetched to be thrown away."""
    make_event("Soon")
    found = plan(Event.objects.published().upcoming()[:20], scans=["seqscan"])
    assert "event_published_start_end" in found
    assert re.search(r'Index Cond: \("end" > ', found)
