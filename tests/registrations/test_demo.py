"""Demo registrations make the seed figures true."""

import pytest

from events.demo import load_demo_data
from events.models import Event
from registrations.demo import (
    MINI_CONFERENCE,
    add_demo_questions,
    add_demo_registrations,
)
from registrations.models import OutboundEmail, Question, Registration
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


ALA_WEBINARS = (
    "sos-for-library-professionals",
    "patron-response-framework",
    "minimizing-social-media-to-maximize-library-values",
)


def test_the_ala_webinars_are_for_members_and_the_mini_conference_asks_two_things():
    """As issue 13's demo asks: the three ALA webinars are members-only,
    telling non-members to register with ALA, where a fee applies; the
    mini-conference is open to everyone and asks the registrant's role (one
    choice of four, required) and what they hope to learn (long text,
    optional), in that order."""
    load_demo_data()
    add_demo_questions()
    for slug in ALA_WEBINARS:
        event = Event.objects.get(slug=slug)
        assert event.who_may_register == Event.WhoMayRegister.MEMBERS, slug
        assert "register directly with ALA" in event.non_member_note, slug
        assert "fee applies" in event.non_member_note, slug
    conference = Event.objects.get(slug=MINI_CONFERENCE)
    assert conference.who_may_register == Event.WhoMayRegister.EVERYONE
    asked = [
        (q.label, q.kind, q.choice_list, q.required)
        for q in conference.questions.order_by("order")
    ]
    assert asked == [
        (
            "Your role",
            Question.Kind.ONE_CHOICE,
            ["Librarian", "Paraprofessional", "Administrator", "Other"],
            True,
        ),
        ("What do you hope to learn?", Question.Kind.LONG_TEXT, [], False),
    ]
