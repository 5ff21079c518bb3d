"""The event page, series page, drafts, and the error pages."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import views
from events.models import Event, LearningOutcome
from tests import dom
from tests.builders import (
    eastern,
    make_category,
    make_event,
    make_organizer,
    make_presenter,
    make_series,
)
from tests.dom import text_of

pytestmark = pytest.mark.django_db

JOIN_URL = "https://zoom.example/j/secret-join-link"
SPONSOR_NOTE = (
    "The Massachusetts Library System is pleased to announce that we have "
    "contracted with ALA to provide our members with access to their live webinars."
)
DESCRIPTION = (
    "The creation of a compassionate library ecosystem requires librarians, "
    "paraprofessionals, and supervisors to work in tandem.\n\n"
    "This presentation will discuss how supervisors can work with their departments."
)
OUTCOMES = [
    "How to incorporate practices that promote positivity and well-being;",
    "How respect, boundaries, and self-care can reduce interpersonal stress; and",
    "How suggested activities can be scaled to fit their individual institutions.",
]


def make_sos_webinar(**fields) -> Event:
    """The first seed: "SOS for Library Professionals", moved to a future Tuesday."""
    fields.setdefault("start", eastern(2031, 10, 21, 14))
    event = make_event(
        "SOS for Library Professionals (ALA Webinar)",
        slug="sos-for-library-professionals",
        description=DESCRIPTION,
        outcomes_intro="By the end of this webinar, attendees will learn:",
        who_should_attend=(
            "Librarians and library administrators working in middle to upper "
            "management who supervise others."
        ),
        registration_note=SPONSOR_NOTE,
        accessibility_email="ce@ala.org",
        accessibility_phone="312-280-5100",
        join_url=JOIN_URL,
        capacity=98,
        organizer=make_organizer(email="learning@example.org"),
        categories=[make_category("Vendor Webinar - ALA")],
        **fields,
    )
    for order, text in enumerate(OUTCOMES):
        LearningOutcome.objects.create(event=event, text=text, order=order)
    make_presenter(
        "Elana Karshmer",
        event=event,
        pronouns="she/her",
        role="Head of Reference & Research Services",
        affiliation="New Mexico State University",
        bio="Elana Karshmer is the Head of Reference & Research Services.",
    )
    return event


def test_event_page_shows_the_seed_content(client):
    """Every public field of the seed is on the page, worded as the seed words it."""
    event = make_sos_webinar()
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    for expected in (
        "SOS for Library Professionals (ALA Webinar)",
        "Online",
        SPONSOR_NOTE,
        "Description",
        "The creation of a compassionate library ecosystem",
        "Learning Outcomes",
        "By the end of this webinar, attendees will learn:",
        "Who Should Attend",
        "Librarians and library administrators working in middle to upper",
        "Presenter",
        "Elana Karshmer (she/her)",
        "Head of Reference & Research Services, New Mexico State University",
        "Accessibility Information",
        "If you have questions or requests regarding accessibility, contact "
        "ce@ala.org or at 312-280-5100.",
        "Date: Tuesday, October 21, 2031",
        "Time: 2:00pm - 3:00pm",
        "Time Zone: Eastern Time - US & Canada",
        "Format: Webinar",
        "Online: This is an online event. Event URL will be sent via "
        "registration email.",
        "Categories: Vendor Webinar - ALA",
        "Registration is required. There are 98 seats available. "
        "Waiting list may be available if full.",
        "Event Organizer",
        "Learning Services",
        "learning@example.org",
    ):
        assert expected in text, expected
    page = dom.parse(response)
    paragraphs = [dom.text(p) for p in dom.find_all(page, "p") if not p.attributes]
    for paragraph in DESCRIPTION.split("\n\n"):  # the description's two paragraphs
        assert paragraph in paragraphs
    outcomes = dom.find(page, "ol", class_="learning-outcomes")
    assert outcomes.attributes == [("class", "learning-outcomes")]
    items = dom.find_all(outcomes, "li")
    assert [(li.attributes, li.children) for li in items] == [
        ([], [outcome]) for outcome in OUTCOMES
    ]
    assert "/events/?category=vendor-webinar-ala" in dom.hrefs(page)


def test_presenters_are_listed_in_their_order(client):
    """An event page lists its presenters under "Presenters" in their set order, not the
    order they were added."""
    event = make_event()
    make_presenter("Second Speaker", event=event, order=2)
    make_presenter("First Speaker", event=event, order=1)
    text = text_of(client.get(event.get_absolute_url()))
    assert "Presenters" in text
    assert text.index("First Speaker") < text.index("Second Speaker")


def test_in_person_event_shows_its_location_and_no_online_note(client):
    """An in-person event's page shows its location and "In person", without the
    online-event note."""
    event = make_event(
        format=Event.Format.IN_PERSON, location="Main Library\n12 Elm St"
    )
    text = text_of(client.get(event.get_absolute_url()))
    assert "Location: Main Library 12 Elm St" in text
    assert "In person" in text
    assert "This is an online event" not in text


def test_event_page_links_its_series(client):
    """An event in a series links to the series page."""
    series = make_series("Library 2.020")
    event = make_event(series=series)
    page = dom.parse(client.get(event.get_absolute_url()))
    assert series.get_absolute_url() in dom.hrefs(page)


@pytest.mark.parametrize(
    ("fields", "wording"),
    [
        ({"capacity": 1}, "There is 1 seat available."),
        ({"capacity": 0}, "Event full: join the waiting list"),
        ({"capacity": 0, "waitlist_enabled": False}, "This event is full."),
        ({"capacity": 0, "waitlist_limit": 0}, "This event is full."),
        (
            {"registration_closes": timezone.now() - timedelta(hours=1)},
            "Registration closed",
        ),
        ({"status": Event.Status.CANCELLED}, "Registration closed"),
        ({"registration_required": False}, "No registration required."),
        ({"capacity": None}, "Registration is required."),
        ({"status": Event.Status.POSTPONED}, "Registration paused"),
        (
            {"registration_opens": timezone.now() + timedelta(days=1)},
            "Registration opens",
        ),
    ],
)
def test_seat_line_says_where_registration_stands(client, fields, wording):
    """The seat line follows capacity, waitlist, closing time and status."""
    event = make_event(**fields)
    text = text_of(client.get(event.get_absolute_url()))
    assert wording in text
    if wording != "There is 1 seat available.":
        assert "seats available" not in text


def test_cancelled_and_postponed_events_say_so_prominently(client):
    """A cancelled event's page opens with a red "Cancelled" alert; a postponed one's
    with a warning that it has been postponed."""
    cancelled = make_event(status=Event.Status.CANCELLED)
    postponed = make_event(status=Event.Status.POSTPONED)
    alert = dom.find(
        dom.parse(client.get(cancelled.get_absolute_url())), class_="alert-danger"
    )
    assert "alert" in dom.attribute(alert, "class").split()
    opening = alert.children[0]
    assert opening.name == "strong" and dom.text(opening).startswith("Cancelled")
    warning = dom.find(
        dom.parse(client.get(postponed.get_absolute_url())), class_="alert-warning"
    )
    assert "This event has been postponed" in dom.text(warning)


def test_upcoming_events_of_the_same_category(client):
    """The sidebar lists other upcoming events sharing a category, not this one."""
    ala, other = make_category("Vendor Webinar - ALA"), make_category("Other")
    event = make_event("This one", categories=[ala])
    make_event("Sibling webinar", categories=[ala])
    make_event("Unrelated talk", categories=[other])
    make_event(
        "Old sibling", categories=[ala], start=timezone.now() - timedelta(days=9)
    )
    make_event("Draft sibling", categories=[ala], is_published=False)
    page = dom.parse(client.get(event.get_absolute_url()))
    related = dom.text(dom.find(page, "section", aria_labelledby="related-heading"))
    assert "Sibling webinar" in related
    for absent in ("Unrelated talk", "Old sibling", "Draft sibling", "This one"):
        assert absent not in related


def test_drafts_are_hidden_from_the_public(client):
    """A draft's page is a 404 for the public, and the draft is on neither the home page
    nor the list."""
    draft = make_event("Secret draft", is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    for url in (reverse("events:home"), reverse("events:list")):
        assert "Secret draft" not in client.get(url).content.decode()


def test_staff_can_preview_a_draft_with_a_banner(client):
    """Staff can open a draft's page, which carries a "Draft: not published" banner."""
    draft = make_event("Secret draft", is_published=False)
    staff = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: not published" in text_of(response)


def test_a_logged_in_member_who_is_not_staff_still_gets_404_for_a_draft(client):
    """Signing in is not enough to see a draft: a member who is not staff gets a 404."""
    draft = make_event(is_published=False)
    client.force_login(get_user_model().objects.create_user("member", password="x"))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_hostile_markup_in_staff_text_never_reaches_the_page(client):
    """Description, bio, outcomes and series text are all sanitized or escaped."""
    hostile = (
        "Hi <script>alert('pwned')</script> <img src=x onerror=alert(1)> "
        "[click](javascript:alert(2))"
    )
    series = make_series("Tricky series", description=hostile)
    event = make_event(description=hostile, who_should_attend=hostile, series=series)
    make_presenter(event=event, bio=hostile)
    LearningOutcome.objects.create(event=event, text="<script>alert(3)</script>")
    for url in (event.get_absolute_url(), series.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "alert(" not in html.replace("&lt;script&gt;alert(3)", "")
        assert "<script>alert" not in html
        assert "onerror" not in html
        assert "javascript:" not in html


def test_the_join_url_is_on_no_public_page(client):
    """The join link is on no public page: home, the lists, the month, upcoming and past
    event pages, and the series page."""
    event = make_sos_webinar(series=make_series("Series"))
    make_sos_past = make_event(
        slug="past-one", join_url=JOIN_URL, start=timezone.now() - timedelta(days=3)
    )
    start = event.local_start
    urls = [
        reverse("events:home"),
        reverse("events:list"),
        reverse("events:past"),
        reverse("events:month", args=[start.year, start.month]),
        event.get_absolute_url(),
        make_sos_past.get_absolute_url(),
        event.series.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "secret-join-link" not in response.content.decode(), url


def test_series_page_shows_its_description_and_published_events(client):
    """A series page shows its Markdown description and its published events, past ones
    included, but not drafts."""
    series = make_series(
        "Library 2.020", description="Three **mini-conferences** held online."
    )
    make_event("Wholehearted Libraries", series=series)
    make_event("Unfinished draft", series=series, is_published=False)
    make_event("Earlier one", series=series, start=timezone.now() - timedelta(days=30))
    response = client.get(series.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "mini-conferences" in [
        dom.text(bold) for bold in dom.find_all(dom.parse(html), "strong")
    ]
    assert "Wholehearted Libraries" in html
    assert "Earlier one" in html
    assert "Unfinished draft" not in html


def test_unknown_series_is_404(client):
    """A series address that does not exist is a 404."""
    assert client.get(reverse("events:series", args=["nope"])).status_code == 404


def test_missing_pages_get_the_friendly_404(client):
    """DEBUG is off in tests, so this is what a member would see."""
    response = client.get("/events/no-such-event/")
    assert response.status_code == 404
    text = text_of(response)
    assert "Page not found" in text
    assert "Upcoming events" in text
    assert dom.find_all(dom.parse(response), role="search")


def test_the_500_page_renders_without_a_request_context_or_database(
    django_assert_num_queries,
):
    """The server-error page renders without a request context or a database query, so
    it still shows when the database is down."""
    request = RequestFactory().get("/broken/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_500_handler_is_installed():
    """Server errors and missing pages are routed to our own friendly pages."""
    from calendar_site import urls

    assert urls.handler500 == "events.views.server_error"
    assert urls.handler404 == "events.views.page_not_found"


def test_event_page_queries_do_not_grow_with_presenters_outcomes_or_categories(
    client, django_assert_num_queries
):
    """An event page with many presenters, outcomes, categories and related events runs
    as many queries as one with one of each."""
    small = make_event(categories=[make_category()])
    make_presenter("Only one", event=small)
    LearningOutcome.objects.create(event=small, text="One thing")
    with CaptureQueriesContext(connection) as captured:
        client.get(small.get_absolute_url())
    big = make_event(categories=[make_category() for _ in range(4)])
    for n in range(6):
        make_presenter(f"Presenter {n}", event=big, order=n)
        LearningOutcome.objects.create(event=big, text=f"Outcome {n}", order=n)
        make_event(categories=list(big.categories.all()))
    with django_assert_num_queries(len(captured)):
        assert client.get(big.get_absolute_url()).status_code == 200
