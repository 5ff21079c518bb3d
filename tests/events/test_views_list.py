"""The home page and the upcoming and past lists: filters, days, pages, queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from events.models import Event
from tests.builders import eastern, make_category, make_event, make_presenter
from tests.dom import text_of

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return re.findall(
        r'<h3 class="h5 card-title[^"]*"[^>]*>\s*<a [^>]*>(.*?)</a>',
        response.content.decode(),
    )


def test_home_lists_upcoming_published_events_soonest_first(client):
    """The home page lists published upcoming events soonest first, without drafts or
    past events, and links to the full list and the calendar."""
    make_event("Later", start=eastern(2031, 5, 2))
    make_event("Sooner", start=eastern(2031, 5, 1))
    make_event("Draft", is_published=False)
    make_event("Over", start=timezone.now() - timedelta(days=2))
    response = client.get(reverse("events:home"))
    assert response.status_code == 200
    assert titles(response) == ["Sooner", "Later"]
    html = response.content.decode()
    assert f'href="{reverse("events:list")}"' in html
    assert f'href="{reverse("events:calendar")}"' in html


def test_home_shows_at_most_ten_events(client):
    """The home page shows at most ten events."""
    for day in range(1, 13):
        make_event(f"Webinar on day {day}", start=eastern(2031, 5, day))
    assert len(titles(client.get(reverse("events:home")))) == 10


def test_list_groups_events_under_day_headings(client):
    """The upcoming list puts events under one heading per day, in time order within
    each day."""
    make_event("Morning", start=eastern(2031, 10, 21, 9))
    make_event("Afternoon", start=eastern(2031, 10, 21, 14))
    make_event("Next day", start=eastern(2031, 10, 22, 14))
    text = text_of(client.get(reverse("events:list")))
    first = text.index("Tuesday, October 21, 2031")
    second = text.index("Wednesday, October 22, 2031")
    assert first < text.index("Morning") < text.index("Afternoon") < second
    assert second < text.index("Next day")
    assert text.count("Tuesday, October 21, 2031") == 1


def test_list_shows_time_zone_format_and_seats(client):
    """Each event in the list shows its times with the zone's name, its format and its
    seats left."""
    make_event("Seed webinar", start=eastern(2031, 10, 21, 14), capacity=98)
    text = text_of(client.get(reverse("events:list")))
    assert "2:00pm - 3:00pm Eastern Time - US & Canada" in text
    assert "Online" in text
    assert "There are 98 seats available." in text


def test_past_list_shows_ended_events_most_recent_first(client):
    """The past events list shows only ended events, most recent first."""
    now = timezone.now()
    make_event("Long ago", start=now - timedelta(days=30))
    make_event("Last week", start=now - timedelta(days=7))
    make_event("Upcoming", start=now + timedelta(days=7))
    response = client.get(reverse("events:past"))
    assert titles(response) == ["Last week", "Long ago"]
    assert "Past events" in text_of(response)


def test_search_looks_in_titles_descriptions_and_presenter_names(client):
    """The list search matches titles, descriptions and presenter names in any letter
    case, and says so when nothing matches."""
    make_event("Patron Response Framework")
    make_event("Other", description="About social media and library values.")
    with_presenter = make_event("Soft skills")
    make_presenter("Michelle Roossien", event=with_presenter)
    make_event("Unrelated")
    url = reverse("events:list")
    assert titles(client.get(url, {"q": "response"})) == ["Patron Response Framework"]
    assert titles(client.get(url, {"q": "SOCIAL MEDIA"})) == ["Other"]
    assert titles(client.get(url, {"q": "roossien"})) == ["Soft skills"]
    empty = client.get(url, {"q": "zebra"})
    assert titles(empty) == []
    assert "No upcoming events match your search." in text_of(empty)


def test_search_by_presenter_keeps_seat_counts_right(client):
    """Two matching presenters must not list the event twice."""
    event = make_event("Panel", capacity=40)
    make_presenter("Ann Reader", event=event)
    make_presenter("Ann Writer", event=event)
    response = client.get(reverse("events:list"), {"q": "ann"})
    assert titles(response) == ["Panel"]
    assert "There are 40 seats available." in text_of(response)


def test_filter_by_category_and_format(client):
    """The list filters by category (named in the heading), by format, or by both."""
    ala = make_category("Vendor Webinar - ALA")
    make_event("ALA webinar", categories=[ala])
    make_event("ALA workshop", categories=[ala], format=Event.Format.IN_PERSON)
    make_event("Other webinar")
    url = reverse("events:list")
    by_category = client.get(url, {"category": "vendor-webinar-ala"})
    assert titles(by_category) == ["ALA webinar", "ALA workshop"]
    assert "Upcoming events: Vendor Webinar - ALA" in text_of(by_category)
    assert titles(client.get(url, {"format": "in_person"})) == ["ALA workshop"]
    both = client.get(url, {"category": "vendor-webinar-ala", "format": "online"})
    assert titles(both) == ["ALA webinar"]


def test_the_filter_form_keeps_its_values_and_labels_its_fields(client):
    """The filter form shows what was asked for (the search words, the chosen
    category and format selected) and labels each control."""
    ala = make_category("Vendor Webinar - ALA")
    html = client.get(
        reverse("events:list"),
        {"q": "kindness", "category": ala.slug, "format": "hybrid"},
    ).content.decode()
    assertInHTML(
        '<input type="search" name="q" value="kindness" class="form-control"'
        ' maxlength="200" aria-describedby="id_q_helptext" id="id_q">',
        html,
    )
    assertInHTML(
        f'<option value="{ala.slug}" selected>Vendor Webinar - ALA</option>', html
    )
    assertInHTML('<option value="hybrid" selected>Hybrid</option>', html)
    labels = {
        "id_q": "Search",
        "id_category": "Category",
        "id_format": "Format",
        "id_tz": "Show times in",
    }
    for ident, label in labels.items():
        assertInHTML(f'<label class="form-label" for="{ident}">{label}</label>', html)


def test_the_filter_menus_are_whole_select_elements(client):
    """Each menu is one labelled <select> with every option in order, the
    "all" option first; the search box's hint, which its aria-describedby
    names, is on the page."""
    make_category("Zines")
    make_category("Archives")
    html = client.get(reverse("events:list"), {"format": "online"}).content.decode()
    assertInHTML(
        '<select name="category" class="form-select" id="id_category">'
        '<option value="" selected>All categories</option>'
        '<option value="archives">Archives</option>'
        '<option value="zines">Zines</option></select>',
        html,
    )
    assertInHTML(
        '<select name="format" class="form-select" id="id_format">'
        '<option value="">Any format</option>'
        '<option value="online" selected>Webinar</option>'
        '<option value="in_person">In person</option>'
        '<option value="hybrid">Hybrid</option></select>',
        html,
    )
    assertInHTML(
        '<div id="id_q_helptext" class="visually-hidden">'
        "Words in any order, found in the title, description, presenters, "
        "categories or organizer.</div>",
        html,
    )


def test_bad_filter_values_are_explained_not_fatal(client):
    """An unknown category, format or time zone in the address is explained on the page,
    and the list is still shown."""
    make_event("Still listed")
    response = client.get(
        reverse("events:list"),
        {"category": "no-such-thing", "format": "teleport", "tz": "Mars/Base"},
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "There is no category “no-such-thing”" in text
    assert "“teleport” is not a format" in text
    assert "“Mars/Base” is not a time zone" in text
    assert titles(response) == ["Still listed"]


@pytest.fixture
def two_per_page(settings):
    settings.EVENTS_PER_PAGE = 2


@pytest.mark.usefixtures("two_per_page")
def test_list_is_paginated_with_the_current_page_marked(client):
    """The list comes in pages: the page links keep the search and mark the current
    page, and the page says "page 2 of 3"."""
    for day in range(1, 6):
        make_event(f"Day {day}", start=eastern(2031, 5, day))
    url = reverse("events:list")
    first = client.get(url)
    assert titles(first) == ["Day 1", "Day 2"]
    second = client.get(url, {"q": "day", "page": 2})
    assert titles(second) == ["Day 3", "Day 4"]
    html = second.content.decode()
    assert re.search(r'href="\?q=day&amp;page=2" aria-current="page"', html)
    assert 'href="?q=day&amp;page=3"' in html
    assert "page 2 of 3" in text_of(second)


@pytest.mark.usefixtures("two_per_page")
@pytest.mark.parametrize(
    ("page", "shown", "notice"),
    [
        ("99", ["Day 5"], "There is no page 99; showing page 3."),
        ("0", ["Day 5"], "There is no page 0; showing page 3."),
        ("abc", ["Day 1", "Day 2"], "“abc” is not a page number; showing page 1."),
        ("", ["Day 1", "Day 2"], "“” is not a page number; showing page 1."),
    ],
)
def test_bad_page_numbers_show_a_page_and_say_why(client, page, shown, notice):
    """A page number out of range or not a number shows the nearest real page with a
    notice saying why."""
    for day in range(1, 6):
        make_event(f"Day {day}", start=eastern(2031, 5, day))
    response = client.get(reverse("events:list"), {"page": page})
    assert response.status_code == 200
    assert titles(response) == shown
    assert notice in text_of(response)


def test_an_empty_list_says_so(client):
    """With no upcoming events the list says so, whatever page is asked for."""
    response = client.get(reverse("events:list"), {"page": "3"})
    assert response.status_code == 200
    assert "No upcoming events." in text_of(response)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def make_events(count: int, *, start, step: timedelta, **fields):
    category = make_category()
    for n in range(count):
        event = make_event(start=start + n * step, categories=[category], **fields)
        make_presenter(f"Presenter {event.pk}", event=event)


@pytest.mark.parametrize("url_name", ["events:home", "events:list", "events:past"])
def test_list_pages_run_the_same_queries_for_5_and_200_events(
    client, django_assert_num_queries, url_name
):
    """Seats, categories and presenters are fetched per page, never per row."""
    past = url_name == "events:past"
    now = timezone.now().replace(microsecond=0)
    start = now - timedelta(days=400) if past else now + timedelta(days=1)
    make_events(5, start=start, step=timedelta(hours=1))
    url = reverse(url_name)
    five = queries_for(client, url)
    make_events(195, start=start + timedelta(days=10), step=timedelta(hours=1))
    with django_assert_num_queries(five):
        assert client.get(url).status_code == 200
