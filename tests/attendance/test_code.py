"""The attendance code (issue 14): a confirmed registrant records their own
attendance on their page with the code read out during the webinar, from
the start until the event's window after the end; wrong codes are
counted in the database and limited."""

from datetime import timedelta

import pytest
from django.urls import reverse

from events.models import Event
from registrations import services
from registrations.models import Registration
from tests import dom
from tests.builders import make_event

pytestmark = pytest.mark.django_db

Source = Registration.AttendanceSource


@pytest.fixture
def webinar(clock):
    """A one-hour webinar tomorrow with code K7QX3M and a 48-hour window;
    Ada holds a seat, Bob is on the waiting list."""
    event = make_event(
        start=clock.now + timedelta(days=1),
        capacity=1,
        waitlist_enabled=True,
        attendance_code="K7QX3M",
    )
    people = {}
    for name in ("Ada", "Bob"):
        registration = services.register_for_event(
            event_id=event.pk, name=name, email=f"{name.lower()}@example.org"
        ).registration
        people[name] = (registration, services.link_token(registration))
    return event, people


def enter(client, token, code):
    url = reverse("registrations:attendance", kwargs={"token": token})
    return client.post(url, {"code": code})


def test_the_right_code_records_attendance_as_entered_by_the_registrant(
    client, clock, webinar
):
    """Typed as heard ("k7q-x3m"), during the webinar: attended, recorded as
    from the code, and the page says so instead of the form."""
    _event, people = webinar
    ada, token = people["Ada"]
    clock.advance(days=1, minutes=30)
    page = client.get(reverse("registrations:manage", kwargs={"token": token}))
    assert dom.find(dom.parse(page), "form", id="attendance")
    response = enter(client, token, " k7q-x3m ")
    assert response.status_code == 302
    assert response["Location"].endswith("?attended=1")
    ada.refresh_from_db()
    assert ada.attended
    assert ada.attendance_source == Source.CODE
    assert ada.attendance_marked_by is None
    page = client.get(response["Location"])
    assert "your attendance is recorded" in dom.text_of(page)
    assert dom.find_all(dom.parse(page), "form", id="attendance") == []


def test_the_code_is_taken_from_the_start_until_the_window_closes(
    client, clock, webinar
):
    """Before the start: refused, and no form. 48 hours after the end: still
    taken; a minute later: refused with the reason."""
    event, people = webinar
    ada, token = people["Ada"]
    page = client.get(reverse("registrations:manage", kwargs={"token": token}))
    assert dom.find_all(dom.parse(page), "form", id="attendance") == []
    with pytest.raises(services.RegistrationError) as refused:
        services.enter_attendance_code(token=token, code="K7QX3M")
    assert refused.value.code == "not_started"

    clock.now = event.end + timedelta(hours=48, minutes=1)
    response = enter(client, token, "K7QX3M")
    assert "time to enter this event's attendance code has passed" in (
        dom.text_of(response)
    )
    ada.refresh_from_db()
    assert not ada.attended
    clock.now = event.end + timedelta(hours=48)
    assert enter(client, token, "K7QX3M").status_code == 302


def test_only_a_confirmed_registration_records_attendance(clock, webinar):
    """Bob, on the waiting list, cannot record attendance with the code."""
    _event, people = webinar
    _bob, token = people["Bob"]
    clock.advance(days=1, minutes=10)
    with pytest.raises(services.RegistrationError) as refused:
        services.enter_attendance_code(token=token, code="K7QX3M")
    assert refused.value.code == "not_confirmed"


def test_wrong_codes_are_limited_to_five_a_quarter_hour(client, clock, webinar):
    """Five wrong codes are each told so on the field; the sixth try, even
    the right code, is refused (429) without being checked; a quarter of an
    hour later the right code works."""
    _event, people = webinar
    ada, token = people["Ada"]
    clock.advance(days=1, minutes=10)
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE"):
        response = enter(client, token, guess)
        assert response.status_code == 200
        assert "not this event's attendance code" in dom.text_of(response)
    response = enter(client, token, "K7QX3M")
    assert response.status_code == 429
    assert "too many wrong codes" in dom.text_of(response)
    ada.refresh_from_db()
    assert not ada.attended
    clock.advance(minutes=15, seconds=1)
    assert enter(client, token, "K7QX3M").status_code == 302


def test_each_event_gets_its_own_code_and_a_copy_a_new_one():
    """New events draw their own six-character code (no 0/O, 1/I/L); a
    duplicated event does not keep the original's."""
    from events.services import duplicate_event

    first, second = make_event(), make_event()
    assert first.attendance_code != second.attendance_code
    assert len(first.attendance_code) == 6
    assert not set(first.attendance_code) & set("0O1IL")
    copy = duplicate_event(event_id=first.pk)
    assert Event.objects.get(pk=copy.pk).attendance_code != first.attendance_code
