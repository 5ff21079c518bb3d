"""The month grid at /events/calendar/<yyyy>/<mm>/."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.html import Element
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.builders import eastern, make_event
from tests.dom import attribute, find, find_all, hrefs, parse, text, text_of

pytestmark = pytest.mark.django_db


def month_url(year: int, month: int, **params) -> str:
    url = reverse("events:month", args=[year, month])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def cells(html: str) -> list[Element]:
    """The grid's day cells, in order."""
    return find_all(find(parse(html), "tbody"), "td")


def classes(element: Element) -> set[str]:
    return set((attribute(element, "class") or "").split())


def day_number(cell: Element) -> str | None:
    """The day of the month a cell shows, or None for a day of another month."""
    numbers = find_all(cell, "span", class_="day-number") + find_all(
        cell, "span", aria_hidden="true"
    )
    return text(numbers[0]) if numbers else None


def cell_for_day(html: str, day: int) -> Element:
    for cell in cells(html):
        if "other-month" in classes(cell):
            continue
        if day_number(cell) == str(day):
            return cell
    raise AssertionError(f"no cell for day {day}")


def times_in(cell: Element) -> list[str]:
    return [text(time) for time in find_all(cell, "time")]


def test_month_is_an_accessible_table(client):
    """The month is a table with a caption naming the month and time zone, seven column
    headers from Sunday to Saturday, and a page heading."""
    page = parse(client.get(month_url(2031, 10)))
    table = find(page, "table", class_="month-grid")
    assert table.attributes == [("class", "month-grid table table-bordered")]
    caption = text(find(table, "caption"))
    assert caption.startswith("Events in October 2031, times in Eastern Time")
    headers = find_all(page, "th", scope="col")
    assert len(headers) == 7
    assert "Sunday" in text(headers[0])
    assert "Saturday" in text(headers[6])
    assert find_all(page, "h1")


def test_each_day_lists_its_events_as_links_and_links_to_its_agenda(client):
    """A day's cell lists its published events as links with their start times, and
    links to that day in the agenda below the grid; drafts are left out."""
    event = make_event("SOS webinar", start=eastern(2031, 10, 21, 14))
    make_event("Hidden draft", start=eastern(2031, 10, 21, 16), is_published=False)
    html = client.get(month_url(2031, 10)).content.decode()
    cell = cell_for_day(html, 21)
    link = find(cell, "a", href=event.get_absolute_url())
    assert text(link) == "SOS webinar"
    assert "2:00pm" in times_in(cell)
    assert "#day-2031-10-21" in hrefs(cell)
    assert find_all(parse(html), id="day-2031-10-21")
    assert "Hidden draft" not in html
    assert "Tuesday, October 21, 2031" in text_of(client.get(month_url(2031, 10)))


def test_a_late_event_on_the_last_day_stays_in_its_month(client):
    """11:30pm Eastern on October 31 is November 1 in UTC, but October 31 here."""
    make_event("Late night", start=eastern(2031, 10, 31, 23, 30))
    october = client.get(month_url(2031, 10)).content.decode()
    assert "Late night" in text(cell_for_day(october, 31))
    november = client.get(month_url(2031, 11)).content.decode()
    assert "Late night" not in november


def test_the_grid_follows_the_chosen_zone(client):
    """In Tokyo, 11:30pm Eastern on October 31 is already November 1."""
    make_event("Late night", start=eastern(2031, 10, 31, 23, 30))
    october = client.get(month_url(2031, 10, tz="Asia/Tokyo")).content.decode()
    assert "Late night" not in october
    november = client.get(month_url(2031, 11, tz="Asia/Tokyo")).content.decode()
    assert "Late night" in text(cell_for_day(november, 1))
    assert "12:30pm" in times_in(cell_for_day(november, 1))
    # links keep the chosen zone
    assert any("?tz=Asia%2FTokyo" in href for href in hrefs(parse(november)))


def test_an_event_just_after_midnight_on_the_first_belongs_to_that_month(client):
    """An event at midnight Eastern on November 1 is on November 1, not in October."""
    make_event("Early bird", start=eastern(2031, 11, 1, 0, 0))
    assert "Early bird" not in client.get(month_url(2031, 10)).content.decode()
    november = client.get(month_url(2031, 11)).content.decode()
    assert "Early bird" in text(cell_for_day(november, 1))


def test_a_month_starting_on_sunday_fills_the_first_cell(client):
    """September 2030 begins on a Sunday: no leading blank cells."""
    html = client.get(month_url(2030, 9)).content.decode()
    first_row = cells(html)[:7]
    assert "other-month" not in classes(first_row[0])
    assert day_number(first_row[0]) == "1"


def test_a_month_starting_on_saturday_has_six_leading_blanks(client):
    """June 2030 begins on a Saturday."""
    html = client.get(month_url(2030, 6)).content.decode()
    first_row = cells(html)[:7]
    assert all("other-month" in classes(cell) for cell in first_row[:6])
    assert day_number(first_row[6]) == "1"
    assert len(cells(html)) % 7 == 0


def test_december_links_to_january_of_the_next_year(client):
    """December links on to January of the next year and back to November; January links
    back to December of the year before."""
    html = client.get(month_url(2031, 12)).content.decode()
    assert month_url(2032, 1) in hrefs(parse(html))
    assert "January 2032" in html
    assert month_url(2031, 11) in hrefs(parse(html))
    january = client.get(month_url(2032, 1)).content.decode()
    assert month_url(2031, 12) in hrefs(parse(january))
    assert "December 2031" in january


@pytest.mark.parametrize(
    "path",
    [
        "/events/calendar/2031/13/",
        "/events/calendar/2031/0/",
        "/events/calendar/0/5/",
        "/events/calendar/99999/1/",
        "/events/calendar/9999/12/",
    ],
)
def test_months_that_do_not_exist_are_404(client, path):
    """Months that do not exist, or lie beyond the calendar's range (year 0, five-digit
    years, December 9999), are 404s."""
    assert client.get(path).status_code == 404


def test_today_is_marked(client):
    """Today's cell, and only it, is marked as the current date in this month's grid."""
    today = timezone.now().astimezone(ZoneInfo("America/New_York"))
    html = client.get(month_url(today.year, today.month)).content.decode()
    marked = find_all(parse(html), "td", aria_current="date")
    assert len(marked) == 1
    assert day_number(marked[0]) == str(today.day)


def test_calendar_redirects_to_this_month_in_the_site_zone(client):
    """The calendar's address sends visitors to this month in the site's time zone,
    keeping a chosen time zone."""
    today = timezone.now().astimezone(ZoneInfo("America/New_York"))
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 302
    assert response.url == f"/events/calendar/{today.year}/{today.month:02d}/"
    with_zone = client.get(reverse("events:calendar"), {"tz": "Europe/London"})
    assert with_zone.url.endswith("?tz=Europe%2FLondon")


def test_an_unknown_zone_on_the_grid_is_explained(client):
    """An unknown time zone on the month grid is explained on the page, not an error."""
    response = client.get(month_url(2031, 10, tz="Nowhere/Land"))
    assert response.status_code == 200
    assert "“Nowhere/Land” is not a time zone we know" in text_of(response)


def test_cancelled_events_are_marked_in_the_grid(client):
    """A cancelled event reads "Cancelled:" before its title in the grid."""
    make_event("Called off", start=eastern(2031, 10, 8), status=Event.Status.CANCELLED)
    cell = cell_for_day(client.get(month_url(2031, 10)).content.decode(), 8)
    assert "Cancelled: Called off" in text(cell)


def test_month_runs_the_same_queries_for_5_and_200_events(
    client, django_assert_num_queries
):
    """The month grid runs as many queries for 200 events as for 5."""
    for n in range(5):
        make_event(start=eastern(2031, 10, 1 + n, 9))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(month_url(2031, 10)).status_code == 200
    five = len(captured)
    for n in range(195):
        make_event(start=eastern(2031, 10, 1, 9) + timedelta(hours=3 * n))
    with django_assert_num_queries(five):
        assert client.get(month_url(2031, 10)).status_code == 200
