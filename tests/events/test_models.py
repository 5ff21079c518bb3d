from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from events.models import Event
from tests.builders import eastern, make_event

pytestmark = pytest.mark.django_db


def test_an_event_cannot_end_before_it_starts():
    """The database refuses an end at or before the start."""
    start = eastern(2027, 3, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(start=start, end=start)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(start=start, end=start - timedelta(minutes=1))


def test_slugs_are_unique():
    """Two events cannot share a slug, the event's address."""
    make_event(slug="sos-for-library-professionals")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(slug="sos-for-library-professionals")


def test_capacity_cannot_be_negative_even_through_update():
    """A queryset update skips model validation; the constraint still holds."""
    event = make_event()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(capacity=-1)


def test_every_event_gets_its_own_random_uid():
    """Every event gets a calendar UID of its own, random (version 4)."""
    first, second = make_event(), make_event()
    assert first.uid != second.uid
    assert first.uid.version == 4


def test_moving_the_time_raises_the_sequence_but_a_typo_fix_does_not():
    """Moving an event's time or cancelling it raises its calendar sequence, so
    subscribed calendars update; fixing the description does not."""
    event = Event.objects.get(pk=make_event().pk)
    assert event.sequence == 0

    event.description = "A webinar for library staff, now without typos."
    event.save()
    event.refresh_from_db()
    assert event.sequence == 0

    event = Event.objects.get(pk=event.pk)
    event.start += timedelta(hours=1)
    event.end += timedelta(hours=1)
    event.save()
    assert Event.objects.get(pk=event.pk).sequence == 1

    event = Event.objects.get(pk=event.pk)
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    assert Event.objects.get(pk=event.pk).sequence == 2


def test_times_read_in_the_events_own_zone():
    """An event's start and zone name read in the event's own time zone."""
    event = make_event(start=eastern(2026, 10, 21, 14), time_zone="America/New_York")
    assert event.local_start.hour == 14
    assert event.time_zone_label == "Eastern Time - US & Canada"


def test_the_plain_text_description_is_stored_when_saved():
    """Feeds read the stored plain text instead of rendering Markdown per event;
    saving keeps it in step, even with update_fields."""
    event = make_event(description="**Bold** and [a link](https://example.org).")
    assert Event.objects.get(pk=event.pk).description_text == "Bold and a link."

    event.description = "- one\n- two"
    event.save(update_fields=["description"])
    assert Event.objects.get(pk=event.pk).description_text == "- one\n- two"


def test_rows_written_without_save_still_read_as_plain_text():
    """An event whose stored plain text is missing (written without save()) still gives
    its description as plain text."""
    event = make_event()
    Event.objects.filter(pk=event.pk).update(
        description="*Emphasis*", description_text=""
    )
    assert Event.objects.get(pk=event.pk).plain_description == "Emphasis"
