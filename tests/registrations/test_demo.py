"""Demo registrations make the seed figures true."""

import pytest

from events.demo import load_demo_data
from events.models import Event
from registrations.demo import add_demo_registrations
from registrations.models import OutboundEmail, Registration
from registrations.selectors import Seats, with_seat_counts

pytestmark = pytest.mark.django_db

SEED_SEATS_LEFT = {
    "sos-for-library-professionals": 98,
    "patron-response-framework": 94,
    "minimizing-social-media-to-maximize-library-values": 100,
}


def seats_left() -> dict[str, int]:
    events = with_seat_counts(Event.objects.filter(slug__in=SEED_SEATS_LEFT))
    return {event.slug: Seats.of(event).left for event in events}


def test_demo_registrations_give_the_seed_seat_figures():
    """98, 94 and 100 seats available, as the seed pages say; emailing nobody."""
    load_demo_data()
    assert add_demo_registrations() == 8
    assert seats_left() == SEED_SEATS_LEFT
    # The ALA webinars are for members: each writes from their library's
    # domain, and holds a seat as a member.
    for registration in Registration.objects.select_related("library"):
        assert registration.library is not None
        domains = registration.library.domains.values_list("domain", flat=True)
        assert registration.email.rpartition("@")[2] in domains
    assert not OutboundEmail.objects.exists()


def test_demo_registrations_are_idempotent():
    """Running it again adds nobody."""
    load_demo_data()
    add_demo_registrations()
    assert add_demo_registrations() == 0
    assert Registration.objects.count() == 8
    assert seats_left() == SEED_SEATS_LEFT
