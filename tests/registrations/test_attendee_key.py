"""The attendee key: one fingerprint per address, the same across events,
and kept through the purge and later saves of a purged row."""

from datetime import timedelta

import pytest

from registrations import services
from registrations.models import Registration, attendee_key
from tests.builders import make_event
from tests.registrations.conftest import register

pytestmark = pytest.mark.django_db


def test_the_same_address_has_the_same_key_on_every_event():
    """The same address, whatever its capital letters, has the same key on every
    event; another address has another key, and the key does not show the
    address."""
    first = register(make_event(), "Pat.Reader@Springfield.example").registration
    second = register(make_event(), "pat.reader@springfield.example").registration
    other = register(make_event(), "sam@springfield.example").registration
    assert first.attendee_key == second.attendee_key
    assert first.attendee_key == attendee_key("pat.reader@springfield.example")
    assert other.attendee_key != first.attendee_key
    assert "pat" not in first.attendee_key


def test_a_purged_registration_keeps_its_key_when_saved_again(clock):
    """A registration whose personal data was purged keeps its attendee key, and
    saving it again does not change the key."""
    event = make_event(start=clock.now + timedelta(days=1))
    registration = register(event, "pat@springfield.example").registration
    key = registration.attendee_key
    clock.advance(days=100)
    services.purge_personal_data()
    purged = Registration.objects.get(pk=registration.pk)
    assert purged.email.startswith("purged-")
    assert purged.attendee_key == key
    purged.save()
    assert Registration.objects.get(pk=registration.pk).attendee_key == key


def test_a_key_of_its_own_survives_a_new_secret_key(settings):
    """With ATTENDEE_KEY_SECRET set, rotating the SECRET_KEY changes no
    fingerprint (one person must not count twice); without it, it would."""
    settings.ATTENDEE_KEY_SECRET = "set-once-never-changed"
    before = attendee_key("pat@springfield.example")
    settings.SECRET_KEY = "a-rotated-secret-key-" + "x" * 40
    assert attendee_key("pat@springfield.example") == before
    settings.ATTENDEE_KEY_SECRET = ""
    assert attendee_key("pat@springfield.example") != before
