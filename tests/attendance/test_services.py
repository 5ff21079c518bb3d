"""Recording attendance through registrations.services: who recorded it,
how and when; from a confirmed attendee report; never before the start."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from registrations import services
from registrations.models import Registration
from tests.builders import make_event
from tests.registrations.conftest import register

pytestmark = pytest.mark.django_db

Source = Registration.AttendanceSource
Status = Registration.Status


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("lena", password="x", is_staff=True)


@pytest.fixture
def started(clock):
    """An event that began an hour ago, with three confirmed registrants,
    one on the waiting list and one who cancelled before it."""
    event = make_event(
        start=clock.now + timedelta(days=1), capacity=3, waitlist_enabled=True
    )
    people = [
        services.register_for_event(
            event_id=event.pk, name=f"P{n}", email=f"p{n}@example.org"
        ).registration
        for n in range(5)
    ]
    services.cancel_registration(registration_id=people[4].pk, by_staff=True)
    clock.advance(days=1, hours=1)
    return event, people


def test_staff_ticks_record_who_how_and_when(staff, clock):
    """A tick records the staff member, "ticked by staff" and the time;
    unticking is recorded the same way."""
    event = make_event(start=clock.now + timedelta(days=1))
    registration = register(event, 1).registration
    clock.advance(days=1, minutes=5)
    services.mark_attended(registration_id=registration.pk, by=staff)
    registration.refresh_from_db()
    assert registration.attended
    assert registration.attendance_source == Source.STAFF
    assert registration.attendance_marked_by == staff
    assert registration.attendance_marked_at == clock.now
    clock.advance(minutes=1)
    services.mark_attended(registration_id=registration.pk, attended=False, by=staff)
    registration.refresh_from_db()
    assert not registration.attended
    assert registration.attendance_marked_at == clock.now


def test_a_report_marks_the_confirmed_who_stayed_long_enough(started, staff):
    """Confirmed registrants in ``attended`` are marked with their minutes;
    those in ``too_short`` keep their attendance with their minutes noted;
    a waitlisted or cancelled registration named in either is left alone."""
    event, (first, second, third, waiting, cancelled) = started
    services.mark_attended(registration_id=third.pk, by=staff)
    marked = services.record_report_attendance(
        event_id=event.pk,
        attended={first.pk: 58, waiting.pk: 60, cancelled.pk: 60},
        too_short={second.pk: 12, third.pk: 20},
        by=staff,
    )
    assert marked == 1
    rows = {r.pk: r for r in Registration.objects.filter(event=event)}
    assert (rows[first.pk].attended, rows[first.pk].minutes_attended) == (True, 58)
    assert rows[first.pk].attendance_source == Source.REPORT
    assert rows[first.pk].attendance_marked_by == staff
    assert (rows[second.pk].attended, rows[second.pk].minutes_attended) == (False, 12)
    # A staff tick, and who made it, is not undone by a report that saw
    # them briefly.
    assert (rows[third.pk].attended, rows[third.pk].minutes_attended) == (True, 20)
    assert rows[third.pk].attendance_source == Source.STAFF
    assert rows[second.pk].attendance_source == ""
    for other in (waiting, cancelled):
        assert not rows[other.pk].attended
        assert rows[other.pk].attendance_source == ""
    assert rows[waiting.pk].status == Status.WAITLISTED


def test_a_report_cannot_mark_another_events_registrations(started, staff):
    """Registration ids of another event are ignored, whatever the caller
    passes."""
    event, _people = started
    other = make_event(start=event.start + timedelta(days=7))
    stranger = register(other, "stranger@example.org").registration
    assert (
        services.record_report_attendance(
            event_id=event.pk, attended={stranger.pk: 60}, by=staff
        )
        == 0
    )
    stranger.refresh_from_db()
    assert not stranger.attended


def test_no_attendance_before_the_start(staff):
    """Neither a tick nor a report is accepted before the event starts."""
    event = make_event()
    registration = register(event, 1).registration
    with pytest.raises(services.RegistrationError) as refused:
        services.mark_attended(registration_id=registration.pk, by=staff)
    assert refused.value.code == "not_started"
    with pytest.raises(services.RegistrationError):
        services.record_report_attendance(
            event_id=event.pk, attended={registration.pk: 60}, by=staff
        )
    registration.refresh_from_db()
    assert not registration.attended
    assert registration.attendance_source == ""
