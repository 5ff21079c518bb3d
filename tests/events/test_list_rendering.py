"""List cards, seat lines and the site links, and the queries list pages run.

Markup is compared as HTML (attribute order and white space aside)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.template import engines
from django.test import RequestFactory
from django.test.html import Element
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from django.utils import timezone
from pytest_django.asserts import assertHTMLEqual, assertInHTML

from events.context_processors import site
from events.forms import EventFilterForm
from events.models import Category, Event
from events.templatetags.event_tags import event_when
from registrations.selectors import (
    SeatCountsMissing,
    Seats,
    count_seats,
    with_seat_counts,
)
from registrations.services import register_for_event
from tests.builders import (
    eastern,
    make_category,
    make_event,
    make_presenter,
    make_series,
)
from tests.dom import attribute, find, find_all, parse, text

pytestmark = pytest.mark.django_db

OPENS = eastern(2031, 1, 5, 9, 30)


def html_of(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def card_for(html: str, title: str) -> Element:
    """The ``<article>`` of the event called ``title``: its heading links it."""
    for card in find_all(parse(html), "article"):
        headings = find_all(card, "h3")
        if any(text(link) == title for h3 in headings for link in find_all(h3, "a")):
            return card
    raise AssertionError(f"no card for {title!r}")


def classes(element: Element) -> set[str]:
    return set((attribute(element, "class") or "").split())


def seat_line(card: Element) -> Element | None:
    """The card's seat line: its ``<div class="small">``, or None without one."""
    found = find_all(card, "div", class_="small")
    return found[0] if found else None


def seat_box(line: str) -> Element:
    """The seat line ``line`` as a card holds it."""
    return parse(f'<div class="small">{line}</div>')


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_list_card_is_written_out_in_full(client):
    """Every part of the card: title link, date line, format, presenters in
    order, categories by name, and the seat line (the compact one)."""
    event = make_event(
        "Copyright Basics",
        slug="copyright-basics",
        start=eastern(2031, 10, 21, 14),
        capacity=40,
        categories=[make_category("Law"), make_category("Access")],
    )
    make_presenter("Kofi Brooks", event=event, order=2)
    make_presenter("Jia Chen", event=event, order=1)
    card = card_for(html_of(client, reverse("events:list")), "Copyright Basics")
    assert card == parse(
        '<article class="event-card card mb-3" '
        f'aria-labelledby="event-{event.pk}-title">\n'
        '  <div class="card-body">\n'
        f'    <h3 class="h5 card-title mb-1" id="event-{event.pk}-title">'
        '<a href="/events/copyright-basics/">Copyright Basics</a></h3>\n'
        '    <p class="mb-1"><span class="event-when">'
        '<time datetime="2031-10-21T14:00:00-04:00" data-local-time '
        'data-end="2031-10-21T15:00:00-04:00" data-zone="America/New_York">'
        "2:00pm - 3:00pm</time> "
        '<span class="event-zone">Eastern Time - US &amp; Canada</span> '
        '<span class="local-time" data-local-time-output hidden></span></span></p>\n'
        '    <p class="event-meta small text-body-secondary mb-1">\n'
        '      <span class="event-format">Online</span> · with Jia Chen, Kofi Brooks'
        ' · <a href="/events/?category=access">Access</a>,'
        ' <a href="/events/?category=law">Law</a>\n'
        "    </p>\n"
        '    <div class="small">'
        '<p class="seat-status mb-2">There are 40 seats available.</p></div>\n'
        "  </div>\n"
        "</article>"
    )


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ({"capacity": 1}, '<p class="seat-status mb-2">There is 1 seat available.</p>'),
        (
            {"capacity": 0},
            '<p class="seat-status seat-status-full mb-2">'
            "<strong>Event full: join the waiting list</strong></p>",
        ),
        (
            {"capacity": 0, "waitlist_enabled": False},
            '<p class="seat-status seat-status-full mb-2">'
            "<strong>This event is full.</strong></p>",
        ),
        (
            {"capacity": 0, "waitlist_limit": 0},
            '<p class="seat-status seat-status-full mb-2">'
            "<strong>This event is full.</strong></p>",
        ),
        (
            {"registration_closes": timezone.now() - timedelta(hours=1)},
            '<p class="seat-status seat-status-closed mb-2">'
            "<strong>Registration closed</strong></p>",
        ),
        (
            {"status": Event.Status.POSTPONED},
            '<p class="seat-status seat-status-closed mb-2"><strong>'
            "Registration paused:</strong> this event has been postponed.</p>",
        ),
        (
            {"registration_required": False},
            '<p class="seat-status mb-2">No registration required.</p>',
        ),
        (
            {"capacity": None},
            '<p class="seat-status mb-2">Registration is required.</p>',
        ),
        (
            {"external_registration_url": "https://sponsor.example/register"},
            '<p class="seat-status mb-2">'
            "Registration is required, through the sponsor's website.</p>",
        ),
        (
            {"registration_opens": OPENS},
            '<p class="seat-status mb-2">Registration opens Sunday, January 5, 2031 at '
            '<time datetime="2031-01-05T09:30:00-05:00" data-local-time '
            'data-zone="America/New_York">9:30am</time>.</p>',
        ),
    ],
)
def test_each_seat_state_has_its_line_on_the_card(client, fields, line):
    """Each registration state has its own sentence on a list card."""
    make_event("The event", start=eastern(2031, 10, 21, 14), **fields)
    card = card_for(html_of(client, reverse("events:list")), "The event")
    assert seat_line(card) == seat_box(line)


def test_the_event_page_says_more_than_the_card(client):
    """The page adds 'Registration is required.' and the waiting list."""
    event = make_event("Open", capacity=3)
    html = html_of(client, event.get_absolute_url())
    assertInHTML(
        '<p class="seat-status mb-2">Registration is required. There are 3 seats '
        "available. Waiting list may be available if full.</p>",
        html,
    )
    no_waitlist = make_event("No list", capacity=3, waitlist_enabled=False)
    html = html_of(client, no_waitlist.get_absolute_url())
    assertInHTML(
        '<p class="seat-status mb-2">Registration is required. There are 3 seats '
        "available.</p>",
        html,
    )


def test_a_cancelled_event_is_marked_and_has_no_seat_line_on_lists(client):
    """A cancelled event's card carries its badge and no seat line; its page
    says registration closed because it was cancelled."""
    make_event("Called off", start=eastern(2031, 10, 21), status=Event.Status.CANCELLED)
    card = card_for(html_of(client, reverse("events:list")), "Called off")
    assert classes(card) == {"event-card", "card", "mb-3", "event-cancelled"}
    assert (
        parse('<p class="mb-1"><span class="badge text-bg-danger">Cancelled</span></p>')
        in card
    )
    assert seat_line(card) is None
    event = Event.objects.get()
    assertInHTML(
        '<p class="seat-status seat-status-closed mb-2"><strong>Registration closed:'
        "</strong> this event has been cancelled.</p>",
        html_of(client, event.get_absolute_url()),
    )


def test_a_postponed_event_has_its_badge(client):
    """A postponed event's card carries the "Postponed" badge."""
    make_event("Later", start=eastern(2031, 10, 21), status=Event.Status.POSTPONED)
    card = card_for(html_of(client, reverse("events:list")), "Later")
    assert classes(card) == {"event-card", "card", "mb-3"}
    assert (
        parse(
            '<p class="mb-1"><span class="badge text-bg-warning">Postponed</span></p>'
        )
        in card
    )


def test_past_events_have_no_seat_line(client):
    """A past event's card takes no registrations, so shows no seat line."""
    make_event("Over", start=timezone.now() - timedelta(days=3))
    card = card_for(html_of(client, reverse("events:past")), "Over")
    assert seat_line(card) is None


def test_cards_escape_what_staff_typed(client):
    """Titles, presenters and categories are escaped on cards."""
    event = make_event(
        'Tea & "Talk" <b>',
        start=eastern(2031, 10, 21),
        categories=[make_category("Books & <Reading>", slug="books")],
    )
    make_presenter("O'Brien <i>", event=event)
    html = html_of(client, reverse("events:list"))
    card = card_for(html, 'Tea & "Talk" <b>')
    assert "with O'Brien <i>" in text(find(card, "p", class_="event-meta"))
    assert (
        parse('<a href="/events/?category=books">Books &amp; &lt;Reading&gt;</a>')
        in card
    )
    assert find_all(card, "b") == [] and find_all(card, "i") == []


def test_cards_show_times_in_the_chosen_zone_and_keep_it_in_links(client):
    """?tz= shows card times in that zone and follows the visitor into links."""
    make_event("Evening", slug="evening", start=eastern(2031, 10, 21, 14))
    card = card_for(
        html_of(client, reverse("events:list"), tz="Europe/London"), "Evening"
    )
    title_link = find(find(card, "h3"), "a")
    assert attribute(title_link, "href") == "/events/evening/?tz=Europe%2FLondon"
    assert parse('<span class="event-zone">UK Time - London</span>') in card
    assert text(find(card, "time")) == "7:00pm - 8:00pm"


def test_series_cards_write_the_date_out(client):
    """A series page's cards write the date out and leave the meta line out."""
    series = make_series("Library 2.031")
    make_event(
        "Part one",
        series=series,
        start=eastern(2031, 10, 21, 14),
        status=Event.Status.CANCELLED,
    )
    make_event("Part two", series=series, start=eastern(2031, 10, 22, 14), capacity=9)
    html = html_of(client, series.get_absolute_url())
    one, two = card_for(html, "Part one"), card_for(html, "Part two")
    assert "event-cancelled" in classes(one) and seat_line(one) is None
    date_line = find(two, "p", class_="mb-1")
    assert classes(date_line) == {"mb-1"}
    written_out, when = date_line.children[:2]
    assert written_out == "Wednesday, October 22, 2031,"
    assert when.name == "span" and classes(when) == {"event-when"}
    assert seat_line(two) == seat_box(
        '<p class="seat-status mb-2">There are 9 seats available.</p>'
    )
    assert find_all(two, class_="event-meta") == []


def test_the_date_line_include_can_leave_out_the_zone():
    """``_when.html``, which the event page includes twice."""
    event = make_event(start=eastern(2031, 10, 21, 14))
    template = engines["django"].from_string(
        '{% include "events/_when.html" %}|'
        '{% include "events/_when.html" with hide_zone=True %}'
    )
    with_zone, without = template.render({"when": event_when(event)}).split("|")
    assertInHTML(
        '<span class="event-zone">Eastern Time - US &amp; Canada</span>', with_zone
    )
    without = parse(without)
    assert without.name == "span" and classes(without) == {"event-when"}
    assert without.children[0].name == "time"
    assert attribute(without.children[0], "datetime") == "2031-10-21T14:00:00-04:00"
    assert find_all(without, class_="event-zone") == []


def test_the_category_menu_and_its_check_take_one_query(django_assert_num_queries):
    """One plain query for the menu and the ?category= check, not a
    model per category, nor a second query for the chosen one."""
    law = make_category("Law")
    make_category("Access")
    with django_assert_num_queries(1):
        form = EventFilterForm(QueryDict(f"category={law.slug}"))
        assert form.is_valid()
        menu = str(form["category"])
    chosen = form.cleaned_data["category"]
    assert (chosen.pk, chosen.slug, chosen.name) == (law.pk, "law", "Law")
    assert isinstance(chosen, Category)
    assertHTMLEqual(
        menu,
        '<select name="category" class="form-select" id="id_category">'
        '<option value="">All categories</option>'
        '<option value="access">Access</option>'
        '<option value="law" selected>Law</option>'
        "</select>",
    )


def test_an_unknown_category_is_explained_and_lists_everything():
    """An unknown ?category= says so on the page and filters nothing."""
    make_category("Law")
    form = EventFilterForm(QueryDict("category=nope"))
    assert not form.is_valid()
    assert form.errors["category"] == [
        "There is no category “nope”; showing events in all categories."
    ]
    assert "category" not in form.cleaned_data
    assert find_all(parse(str(form["category"])), "option", selected=True) == []


def test_filtering_by_category_costs_no_extra_query(client):
    """?category= narrows the list in the same number of queries."""
    category = make_category("Law")
    make_event("In it", start=eastern(2031, 10, 21), categories=[category])
    make_event("Not in it", start=eastern(2031, 10, 22))
    url = reverse("events:list")
    assert queries_for(client, f"{url}?category=law") == queries_for(client, url)
    html = html_of(client, url, category="law")
    assertInHTML('<h1 class="mb-0">Upcoming events: Law</h1>', html)
    links = [text(link) for link in find_all(parse(html), "a")]
    assert "In it" in links and "Not in it" not in links


def test_the_series_page_runs_the_same_queries_for_2_and_40_events(client):
    """The series page's query count does not grow with its events."""
    series = make_series("Many")
    category = make_category()
    now = timezone.now().replace(microsecond=0)

    def add(count: int, start):
        for n in range(count):
            event = make_event(
                series=series, start=start + timedelta(days=n), categories=[category]
            )
            make_presenter(f"Presenter {event.pk}", event=event)

    add(1, now + timedelta(days=1))
    add(1, now - timedelta(days=100))
    few = queries_for(client, series.get_absolute_url())
    add(19, now + timedelta(days=10))
    add(19, now - timedelta(days=50))
    assert queries_for(client, series.get_absolute_url()) == few


def test_seat_counts_count_each_events_own_registrations():
    """``with_seat_counts`` annotates and can be filtered on; ``count_seats``
    gives events already loaded the same counts in one query."""
    busy = make_event("Busy", capacity=2)
    quiet = make_event("Quiet", capacity=5)
    for n in range(3):
        register_for_event(
            event_id=busy.pk, name=f"R {n}", email=f"r{n}@example.org", notify=False
        )
    register_for_event(event_id=quiet.pk, name="Q", email="q@example.org", notify=False)
    counts = {
        event.title: (event.confirmed_count, event.waitlisted_count)
        for event in with_seat_counts(Event.objects.all())
    }
    assert counts == {"Busy": (2, 1), "Quiet": (1, 0)}
    full = with_seat_counts(Event.objects.all()).filter(confirmed_count__gte=2)
    assert [event.title for event in full] == ["Busy"]
    loaded = list(Event.objects.order_by("title"))
    with CaptureQueriesContext(connection) as captured:
        count_seats(loaded)
        count_seats(loaded)
    assert len(captured) == 1
    assert [Seats.of(event) for event in loaded] == [
        Seats(capacity=2, confirmed=2, waitlisted=1),
        Seats(capacity=5, confirmed=1, waitlisted=0),
    ]
    assert [Seats.of(event).left for event in loaded] == [0, 4]
    assert [Seats.of(event).is_full for event in loaded] == [True, False]


def test_seats_of_an_uncounted_event_raise_instead_of_querying(
    django_assert_num_queries,
):
    """Reading seats that were never counted is a mistake to fix, not a query
    per event shown: it raises."""
    make_event("Plain")
    event = Event.objects.get()
    with django_assert_num_queries(0), pytest.raises(SeatCountsMissing):
        Seats.of(event)


def test_site_links_follow_the_script_prefix():
    """Site links follow the script prefix: worked out once per prefix, for
    the header and footer of every page."""
    request = RequestFactory().get("/")
    assert site(request)["site_urls"]["feed_rss"] == reverse("events:feed_rss")
    try:
        set_script_prefix("/almanac/")
        urls = site(request)["site_urls"]
        assert urls["home"] == "/almanac/"
        assert urls["past"] == "/almanac/events/past/"
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize(
    ("url_name", "current"),
    [("events:list", "Upcoming events"), ("events:past", "Past events")],
)
def test_the_header_marks_the_current_page(client, url_name, current):
    """The header marks the page the visitor is on with aria-current."""
    page = parse(html_of(client, reverse(url_name)))
    marked = find_all(page, "a", class_="nav-link", aria_current="page")
    assert [text(link) for link in marked] == [current]
    assert all(classes(link) == {"nav-link"} for link in marked)
    privacy = find_all(page, "a", href=reverse("events:privacy"))
    assert "Privacy" in [text(link) for link in privacy]
