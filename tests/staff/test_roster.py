"""One event's roster: readable, its CSV unambiguous, attendance in its time."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from registrations import services
from registrations.models import Registration
from tests.builders import eastern, make_event
from tests.dom import find, find_all, parse, text
from tests.registrations.conftest import register

pytestmark = pytest.mark.django_db

ROSTER = reverse("admin:registrations_registration_changelist")
LONG_TITLE = (
    "Patron Response Framework: Responding with Kindness, Empathy, and Love "
    "in Difficult Situations (ALA Webinar)"
)


def column_classes(response) -> list[str]:
    head = find(find(parse(response), id="result_list"), "thead")
    return [
        c.removeprefix("column-")
        for th in find_all(head, "th")
        for c in dict(th.attributes).get("class", "").split()
        if c.startswith("column-")
    ]


def test_one_events_roster_is_headed_by_the_event_not_a_column(admin_client):
    """Filtered to one event, the title heads the page (with its date) and
    is not repeated on every row; the status comes right after the name.
    Unfiltered, the event column is there."""
    event = make_event(LONG_TITLE, start=eastern(2031, 10, 1, 13))
    register(event, 1)
    register(make_event("Grant Writing"), 2)

    response = admin_client.get(ROSTER, {"event__id__exact": event.pk})

    assert column_classes(response)[:2] == ["name", "status"]
    assert "event" not in column_classes(response)
    page = parse(response)
    assert text(find(page, "h1")) == f"Roster: {LONG_TITLE}"
    subtitle = "Wed Oct 1, 2031, 1:00pm · Eastern Time - US & Canada"
    assert subtitle in [text(h2) for h2 in find_all(page, "h2")]
    assert text(find(page, "tbody")).count("Patron Response") == 0

    everyone = admin_client.get(ROSTER)
    assert "event" in column_classes(everyone)


def test_a_roster_filtered_to_no_real_event_is_the_plain_list(admin_client):
    """A filter to an event that does not exist shows the usual page."""
    response = admin_client.get(ROSTER, {"event__id__exact": "999999"})
    assert response.status_code == 200
    assert "Roster:" not in response.text


def roster_csv(client, event) -> list[dict]:
    url = reverse("admin:registrations_registration_roster", args=[event.pk])
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_times_say_their_zone(client, admin_user, clock):
    """Registered, promoted and cancelled times are on the event's clock
    and say so, with the abbreviation and the offset from UTC."""
    clock.now = datetime(2031, 1, 15, 17, 5, tzinfo=UTC)
    client.force_login(admin_user)
    event = make_event(capacity=1, time_zone="America/Los_Angeles")
    held = register(event, 1).registration
    register(event, 2)
    clock.advance(hours=1)
    services.cancel_registration(registration_id=held.pk)

    first, second = roster_csv(client, event)

    assert first["Registered"] == "2031-01-15 09:05 PST (UTC-08:00)"
    assert first["Cancelled"] == "2031-01-15 10:05 PST (UTC-08:00)"
    assert second["Promoted"] == "2031-01-15 10:05 PST (UTC-08:00)"


def test_csv_time_in_a_zone_without_letters_gives_the_offset_once(
    client, admin_user, clock
):
    """Zones with no abbreviation of their own ("+03") show the offset alone."""
    clock.now = datetime(2031, 1, 15, 9, 0, tzinfo=UTC)
    client.force_login(admin_user)
    event = make_event(time_zone="Europe/Istanbul")
    register(event, 1)
    [row] = roster_csv(client, event)
    assert row["Registered"] == "2031-01-15 12:00 UTC+03:00"


def test_attendance_before_the_event_starts_is_refused():
    """The service refuses to mark attendance until the event has started,
    with a reason staff can act on; nothing is recorded."""
    registration = register(make_event(), 1).registration
    with pytest.raises(services.RegistrationError) as refused:
        services.mark_attended(registration_id=registration.pk)
    assert refused.value.code == "not_started"
    assert "once the event has started" in refused.value.message
    assert not Registration.objects.get(pk=registration.pk).attended


def test_attendance_from_the_moment_it_starts(clock):
    """At the start time attendance can be marked."""
    event = make_event()
    registration = register(event, 1).registration
    clock.now = event.start
    services.mark_attended(registration_id=registration.pk)
    assert Registration.objects.get(pk=registration.pk).attended


def test_the_roster_says_why_attendance_was_refused(admin_client):
    """Marking attendance from the roster before the event shows the
    service's reason once, naming everyone it held back, and no success."""
    event = make_event()
    chosen = [register(event, n).registration for n in (1, 2, 3)]
    response = admin_client.post(
        ROSTER,
        {"action": "mark_attended", "_selected_action": [r.pk for r in chosen]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "Person 1, Person 2, Person 3: Attendance can be marked once the event "
        "has started; this one has not started yet."
    ]
    assert not Registration.objects.filter(attended=True).exists()
