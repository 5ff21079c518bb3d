"""The event list and form, as staff use them day to day."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import services
from registrations.models import Registration
from tests.builders import make_category, make_event
from tests.dom import find, find_all, parse, submit_labels, text
from tests.events.test_admin import event_form_data
from tests.registrations.conftest import register

pytestmark = pytest.mark.django_db

EVENTS = reverse("admin:events_event_changelist")
ADD = reverse("admin:events_event_add")


def test_an_end_before_the_start_is_said_on_the_end_field(admin_client):
    """Ending before starting is an error on the End field, in words, not
    the database's "Constraint … is violated" at the top of the form."""
    response = admin_client.post(
        ADD,
        event_form_data(start_0="2027-03-03", start_1="14:00", end_1="13:00"),
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["end"] == ["The event must end after it starts."]
    assert not form.non_field_errors()
    assert "Constraint" not in response.text
    assert not Event.objects.exists()


def test_an_end_equal_to_the_start_is_refused_the_same_way(admin_client):
    """A zero-length event breaks the same rule (end after start)."""
    response = admin_client.post(ADD, event_form_data(end_1="12:00"))
    assert "end" in response.context["adminform"].form.errors


def test_the_event_list_shows_upcoming_soonest_first_then_past_latest_first(
    admin_client,
):
    """Upcoming events come first, the soonest at the top; then the past
    ones, the most recent first. An event under way counts as upcoming. The
    same order holds filtered by a category (a SELECT DISTINCT)."""
    now = timezone.now()
    category = make_category("Vendor Webinar - ALA")

    def at(days, title):
        start = now + timedelta(days=days)
        return make_event(
            title, start=start, end=start + timedelta(hours=1), categories=[category]
        )

    at(-30, "Past, a month ago")
    at(20, "In three weeks")
    at(-2, "Past, two days ago")
    at(1, "Tomorrow")
    make_event(
        "Under way",
        start=now - timedelta(minutes=30),
        end=now + timedelta(minutes=30),
        categories=[category],
    )
    at(-400, "Past, last year")

    def titles(**query):
        response = admin_client.get(EVENTS, query)
        return [event.title for event in response.context["cl"].result_list]

    expected = [
        "Under way",
        "Tomorrow",
        "In three weeks",
        "Past, two days ago",
        "Past, a month ago",
        "Past, last year",
    ]
    assert titles() == expected
    assert titles(categories__id__exact=category.pk) == expected


def test_a_column_header_still_sorts_by_that_column(admin_client):
    """Clicking the "starts" header sorts every event by its start alone."""
    now = timezone.now()
    late = make_event("Later", start=now + timedelta(days=9))
    early = make_event("Earlier", start=now + timedelta(days=2))
    past = make_event(
        "Past", start=now - timedelta(days=9), end=now - timedelta(days=9, hours=-1)
    )
    response = admin_client.get(EVENTS, {"o": "2"})  # list_display[1]: starts
    assert [e.pk for e in response.context["cl"].result_list] == [
        past.pk,
        early.pk,
        late.pk,
    ]


def cancel(client, events, **extra):
    return client.post(
        EVENTS,
        {
            "action": "cancel_events",
            "_selected_action": [e.pk for e in events],
            **extra,
        },
    )


def test_cancelling_events_asks_first_and_says_how_many_will_be_emailed(
    admin_client, mailoutbox
):
    """The action shows a page first: each event with the people who will
    be emailed (seats and waiting list, not those who cancelled), the total,
    and an already cancelled event set apart. Nothing is cancelled and
    nobody emailed until it is confirmed."""
    first = make_event("Copyright Basics", capacity=1)
    register(first, 1)
    register(first, 2)  # waiting
    gone = register(first, 3).registration
    services.cancel_registration(registration_id=gone.pk)
    second = make_event("Grant Writing")
    register(second, 4)
    done = make_event("Already Off", status=Event.Status.CANCELLED)
    mailoutbox.clear()

    response = cancel(admin_client, [first, second, done])

    assert response.status_code == 200
    page = parse(response)
    assert "3 people will be emailed" in text(find(page, class_="cancel-summary"))
    rows = [
        [text(cell) for cell in find_all(row, "td")]
        for row in find_all(find(page, "tbody"), "tr")
    ]
    assert rows == [["Copyright Basics", "2"], ["Grant Writing", "1"]]
    set_apart = find(page, id="content-main")
    assert "Already Off" in text(find_all(set_apart, "ul")[-1])
    assert submit_labels(set_apart) == ["Yes, cancel and email 3 people"]
    assert Event.objects.filter(status=Event.Status.CANCELLED).count() == 1
    assert mailoutbox == []


def test_confirming_cancels_and_emails(admin_client, mailoutbox, commit):
    """ "Yes" on that page cancels the events and emails their registrants,
    the number the page promised."""
    event = make_event("Copyright Basics")
    register(event, 1)
    register(event, 2)
    mailoutbox.clear()
    with commit():
        response = cancel(admin_client, [event], post="yes")
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED
    assert sorted(m.to[0] for m in mailoutbox) == [
        "person1@example.org",
        "person2@example.org",
    ]
    assert Registration.objects.filter(event=event, status="confirmed").count() == 2
