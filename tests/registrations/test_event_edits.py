"""Staff's edit of an event, applied by ``services.save_event_edit`` in the
order registrants should hear of it, and the seat-aware event admin that
calls it."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.admin import EventAdmin
from events.models import Event
from registrations import services
from registrations.admin import EventWithSeatsAdmin
from registrations.models import OutboundEmail, Registration
from tests.builders import eastern, make_event
from tests.events.test_admin import event_form_data

from .conftest import register

pytestmark = pytest.mark.django_db

Kind = OutboundEmail.Kind


def edit(event: Event, **changes) -> services.EventEditResult:
    """Staff's edit as the admin hands it over: the row loaded, changed, unsaved."""
    loaded = Event.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(loaded, name, value)
    return services.save_event_edit(event=loaded)


def kinds() -> list[str]:
    return sorted(OutboundEmail.objects.values_list("kind", flat=True))


def test_cancelling_and_adding_seats_in_one_edit_promises_no_seat(
    admin_client, django_capture_on_commit_callbacks
):
    """Cancelled with more seats in the same form: everyone hears it is
    cancelled, nobody hears "a seat opened up" first; the waitlist stays
    where it was and the new capacity is kept."""
    event = make_event(slug="off", capacity=1, start=eastern(2027, 3, 3, 12))
    register(event, 1, notify=False)
    waiting = [register(event, n, notify=False).registration for n in (2, 3)]
    same_time = {"slug": "off", "start_1": "12:00", "end_1": "13:00"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:events_event_change", args=[event.pk]),
            event_form_data(**same_time, capacity="3", status="cancelled"),
            follow=True,
        )

    assert "3 registrants were emailed" in response.text
    assert "promoted" not in response.text
    assert kinds() == [Kind.EVENT_CANCELLED] * 3
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Event cancelled"] * 3
    assert {Registration.objects.get(pk=r.pk).status for r in waiting} == {
        Registration.Status.WAITLISTED
    }
    event.refresh_from_db()
    assert (event.status, event.capacity) == (Event.Status.CANCELLED, 3)


def test_the_service_reports_a_cancellation_and_promotes_nobody():
    """The same edit through the service: cancelled, three emailed, nobody
    promoted."""
    event = make_event(capacity=1)
    for n in (1, 2, 3):
        register(event, n, notify=False)

    result = edit(event, capacity=3, status=Event.Status.CANCELLED)

    assert result.cancelled
    assert result.cancellation_emails == 3
    assert result.promoted == []
    assert kinds() == [Kind.EVENT_CANCELLED] * 3


def test_a_capacity_below_the_confirmed_seats_keeps_the_rest_of_the_edit():
    """Seats confirmed since the form was checked: the capacity is refused
    with the reason and the old one kept; the other fields are saved."""
    event = make_event("Old title", capacity=5)
    for n in (1, 2, 3):
        register(event, n, notify=False)

    result = edit(event, capacity=2, title="New title")

    assert result.capacity_refused.code == "capacity_below_confirmed"
    assert "3 people already hold a confirmed seat" in result.capacity_refused.message
    event.refresh_from_db()
    assert (event.title, event.capacity) == ("New title", 5)


def test_more_seats_promote_the_waitlist_and_a_move_tells_everyone():
    """More seats and a new time: the first in line is promoted, and every
    registrant hears of the new time."""
    event = make_event(capacity=1)
    register(event, 1, notify=False)
    waiting = register(event, 2, notify=False).registration

    hour = timedelta(hours=1)
    result = edit(event, capacity=2, start=event.start + hour, end=event.end + hour)

    assert [r.pk for r in result.promoted] == [waiting.pk]
    assert result.move_emails == 2
    assert kinds() == sorted([Kind.PROMOTION, Kind.EVENT_CHANGED, Kind.EVENT_CHANGED])


def test_a_new_recording_goes_out_after_the_event_and_waits_before_it():
    """A recording URL added to a past event is emailed to its registrants;
    added to an upcoming one, it waits for staff's action after the event."""
    upcoming = make_event(capacity=5)
    past = make_event(capacity=5)
    for event in (upcoming, past):
        register(event, f"someone@{event.slug}.example.org", notify=False)
    Event.objects.filter(pk=past.pk).update(
        start=timezone.now() - timedelta(hours=3),
        end=timezone.now() - timedelta(hours=2),
    )

    later = edit(upcoming, recording_url="https://video.example.org/later")
    sent = edit(past, recording_url="https://video.example.org/past")

    assert later.recording_waits and later.recording_emails is None
    assert sent.recording_emails == 1 and not sent.recording_waits
    assert kinds() == [Kind.RECORDING]


def test_the_event_admin_with_seats_is_registered_by_registrations(admin_client):
    """registrations puts its subclass of the catalog's EventAdmin in place;
    the catalog's own admin shows no seats, and neither offers the inert
    members-only switch."""
    registered = admin.site._registry[Event]
    assert type(registered) is EventWithSeatsAdmin
    assert isinstance(registered, EventAdmin)
    assert "seats_taken" not in EventAdmin.list_display
    assert "seats_taken" in registered.list_display
    html = admin_client.get(reverse("admin:events_event_add")).text
    assert 'name="capacity"' in html
    assert 'name="members_only"' not in html
