"""PRODUCT.md §4: registrants hear when their event moves, and get the
recording after it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import services
from registrations.models import OutboundEmail, Registration
from registrations.selectors import get_registration_by_token
from tests.builders import eastern, make_event

from .conftest import register, sent_to, token_from

pytestmark = pytest.mark.django_db


def test_moving_an_event_emails_seat_holders_and_the_waitlist(commit):
    """Both hear; the seat holder's email has the new .ics with the join link,
    the waitlisted one neither; each carries the same link as before."""
    event = make_event(capacity=1, join_url="https://zoom.example.org/j/1")
    with commit():
        register(event, 1)
        register(event, 2)
    old_token = token_from(sent_to("person1@example.org")[0])
    mail.outbox.clear()
    Event.objects.filter(pk=event.pk).update(
        start=event.start + timedelta(days=1), end=event.end + timedelta(days=1)
    )

    with commit():
        told = services.notify_event_changed(event_id=event.pk)

    assert told == 2
    seated, waiting = (
        sent_to("person1@example.org")[0],
        sent_to("person2@example.org")[0],
    )
    assert seated.subject == f"New time: {event.title}"
    assert "https://zoom.example.org/j/1" in seated.body
    assert [a.filename for a in seated.attachments] == ["event.ics"]
    assert "zoom.example.org" not in waiting.body
    assert not waiting.attachments
    assert token_from(seated) == old_token
    assert get_registration_by_token(old_token) is not None


def test_cancelled_and_past_events_tell_nobody_they_moved(commit):
    """No "new time" email goes out for a cancelled event or for one already over."""
    cancelled = make_event(status=Event.Status.CANCELLED)
    past = make_event(start=timezone.now() - timedelta(days=2))
    assert services.notify_event_changed(event_id=cancelled.pk) == 0
    assert services.notify_event_changed(event_id=past.pk) == 0


def test_the_recording_goes_to_registrants_once_after_the_event(commit):
    """After the event, the recording link goes once to each registrant, seated or
    waitlisted, but not to one who cancelled; sending again emails nobody."""
    event = make_event(capacity=1, recording_url="https://video.example.org/sos")
    with commit():
        register(event, 1)
        register(event, 2)
        cancelled = register(event, 3).registration
        services.cancel_registration(registration_id=cancelled.pk)
    Event.objects.filter(pk=event.pk).update(
        start=timezone.now() - timedelta(hours=3),
        end=timezone.now() - timedelta(hours=2),
    )
    mail.outbox.clear()

    with commit():
        assert services.send_recording(event_id=event.pk) == 2
    with commit():
        assert services.send_recording(event_id=event.pk) == 0

    assert sorted(m.to[0] for m in mail.outbox) == [
        "person1@example.org",
        "person2@example.org",
    ]
    assert "https://video.example.org/sos" in mail.outbox[0].body
    assert OutboundEmail.objects.filter(kind="recording").count() == 2


def test_no_recording_before_the_event_ends_or_without_a_url():
    """Sending the recording is refused with the reason before the event has ended, or
    when it has no recording URL."""
    upcoming = make_event(recording_url="https://video.example.org/later")
    without = make_event(start=timezone.now() - timedelta(days=1))
    with pytest.raises(services.RegistrationError, match="once the event has ended"):
        services.send_recording(event_id=upcoming.pk)
    with pytest.raises(services.RegistrationError, match="no recording URL"):
        services.send_recording(event_id=without.pk)


def test_admin_moving_the_time_emails_registrants_but_a_typo_fix_does_not(
    admin_client, django_capture_on_commit_callbacks
):
    """Saving a new time in the admin emails the registrants the new details and says
    so; saving a typo fix emails nobody."""
    from tests.events.test_admin import event_form_data

    event = make_event(slug="moving", capacity=5, start=eastern(2027, 3, 3, 12))
    with django_capture_on_commit_callbacks(execute=True):
        register(event, 1)
    mail.outbox.clear()
    url = reverse("admin:events_event_change", args=[event.pk])
    same = {"slug": "moving", "capacity": "5", "start_1": "12:00", "end_1": "13:00"}

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, event_form_data(**same, description="Fixed a typo."))
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            event_form_data(**{**same, "start_1": "14:00", "end_1": "15:00"}),
            follow=True,
        )
    assert "1 registrant was emailed the new details." in response.text
    assert [m.subject for m in mail.outbox] == ["New time: Readers' Advisory for Teens"]
    assert "2:00pm - 3:00pm" in mail.outbox[0].body
    assert Registration.objects.get().status == "confirmed"
