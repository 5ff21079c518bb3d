"""Moving a registration to another event: cancelled here, registered
there, in one transaction, with one email about the new event."""

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Event
from registrations import services
from registrations.models import OutboundEmail, Registration
from registrations.selectors import get_registration_by_token
from registrations.services import locking
from tests.builders import make_event
from tests.dom import find, parse, text
from tests.registrations.conftest import register, token_from

pytestmark = pytest.mark.django_db

ROSTER = reverse("admin:registrations_registration_changelist")


def fresh(registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


def move(registration, event):
    return services.move_registration(
        registration_id=registration.pk, to_event_id=event.pk
    )


def test_a_move_cancels_here_and_registers_there_with_one_email(commit):
    """The person's registration here is cancelled and a new one holds a
    seat there, with their name, library and request; they get one email,
    the new event's confirmation, and no cancellation receipt."""
    here = make_event("Copyright Basics")
    there = make_event("Copyright Basics, again")
    with commit():
        ada = register(
            here,
            "ada@example.org",
            name="Ada Lovelace",
            organization="Springfield Public Library",
            accommodation_request="Captions, please.",
        ).registration
    mail.outbox.clear()

    with commit():
        result = move(ada, there)

    assert fresh(ada).status == "cancelled"
    assert fresh(ada).cancelled_at is not None
    moved = fresh(result.moved)
    assert (moved.event, moved.status, moved.name, moved.organization) == (
        there,
        "confirmed",
        "Ada Lovelace",
        "Springfield Public Library",
    )
    assert moved.accommodation_request == "Captions, please."
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "You're registered: Copyright Basics, again"
    kinds = OutboundEmail.objects.filter(recipient="ada@example.org")
    assert list(kinds.order_by("pk").values_list("kind", flat=True)) == [
        "confirmation",  # when she registered
        "confirmation",  # the move: no cancellation receipt in between
    ]


def test_the_link_they_were_sent_keeps_working_for_the_new_event(commit, client):
    """The link in the first email now opens the new registration, and the
    move's email carries that same link."""
    here, there = make_event("First date"), make_event("Second date")
    with commit():
        ada = register(here, "ada@example.org").registration
    first_link = token_from(mail.outbox[-1])

    with commit():
        result = move(ada, there)

    assert token_from(mail.outbox[-1]) == first_link
    assert get_registration_by_token(first_link).pk == result.moved.pk
    page = client.get(reverse("registrations:manage", kwargs={"token": first_link}))
    assert page.status_code == 200
    assert "Second date" in page.text


def test_the_seat_left_behind_goes_to_the_next_in_line(commit):
    """Moving someone out of a full event promotes its waiting list, in
    the same transaction."""
    here = make_event(capacity=1)
    there = make_event()
    ada = register(here, 1).registration
    waiting = register(here, 2).registration
    with commit():
        move(ada, there)
    assert fresh(waiting).status == "confirmed"
    assert [m.to for m in mail.outbox if "A seat opened" in m.subject] == [
        ["person2@example.org"]
    ]


def test_a_full_event_with_a_waiting_list_takes_them_in_line():
    """The new event's own rules: no seat free, the end of its waiting
    list, behind those already in it, however long ago they registered
    here."""
    here = make_event()
    moving = register(here, 2).registration
    there = make_event(capacity=1)
    register(there, 1)
    register(there, 3)
    result = move(moving, there)
    assert result.moved.status == "waitlisted"
    assert fresh(result.moved).waitlist_position == 2


@pytest.mark.parametrize(
    ("there", "code"),
    [
        ({"capacity": 1, "waitlist_enabled": False}, "full"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"is_published": False}, "unpublished"),
    ],
)
def test_a_refusal_there_leaves_everything_as_it_was(there, code):
    """Where the new event takes nobody (full, cancelled, a draft), the move
    is refused with its reason, and the registration keeps its seat."""
    here = make_event()
    there = make_event(**there)
    if code == "full":
        register(there, 9)
    ada = register(here, 1).registration
    emails = OutboundEmail.objects.count()
    with pytest.raises(services.RegistrationError) as refused:
        move(ada, there)
    assert refused.value.code == code
    assert fresh(ada).status == "confirmed"
    assert not Registration.objects.filter(event=there, email=ada.email).exists()
    assert OutboundEmail.objects.count() == emails


def test_someone_already_registered_there_is_not_moved():
    """The one-registration-per-address rule holds: refused, with a reason."""
    here, there = make_event(), make_event("Grant Writing")
    ada = register(here, 1).registration
    register(there, 1)
    with pytest.raises(services.RegistrationError) as refused:
        move(ada, there)
    assert refused.value.code == "already_registered"
    assert "already registered for Grant Writing" in refused.value.message
    assert fresh(ada).status == "confirmed"


def test_cancelled_same_event_and_missing_are_refused():
    """A cancelled registration, a move to its own event, an event or a
    registration that does not exist: each refused with a reason."""
    here, there = make_event(), make_event()
    ada = register(here, 1).registration
    with pytest.raises(services.RegistrationError) as refused:
        move(ada, here)
    assert refused.value.code == "same_event"
    with pytest.raises(services.RegistrationError) as refused:
        services.move_registration(registration_id=ada.pk, to_event_id=999999)
    assert refused.value.code == "not_found"
    with pytest.raises(services.RegistrationError) as refused:
        services.move_registration(registration_id=999999, to_event_id=there.pk)
    assert refused.value.code == "not_found"
    services.cancel_registration(registration_id=ada.pk)
    with pytest.raises(services.RegistrationError) as refused:
        move(ada, there)
    assert refused.value.code == "cancelled_registration"


def test_both_events_are_locked_lower_id_first(monkeypatch):
    """Whichever way the move goes, the event with the lower id is locked
    first: the order that keeps two opposite moves from deadlocking."""
    locked = []
    lock_event = locking.lock_event

    def recording(**lookup):
        locked.append(lookup["event_id"])
        return lock_event(**lookup)

    monkeypatch.setattr(locking, "lock_event", recording)
    low, high = make_event(), make_event()
    assert low.pk < high.pk
    for here, there in ((low, high), (high, low)):
        person = register(here, f"p{here.pk}-{there.pk}@example.org").registration
        locked.clear()
        move(person, there)
        assert locked == [low.pk, high.pk]


def test_the_roster_action_asks_where_then_moves(staff_client, commit):
    """From the roster: "Move selected to another event" shows a page with
    the people and a choice of upcoming events (not cancelled ones, not
    past ones); choosing one moves each and says where they went."""
    here = make_event("Copyright Basics")
    there = make_event("Grant Writing", capacity=1)
    make_event("Called Off", status=Event.Status.CANCELLED)
    ada = register(here, "ada@example.org", name="Ada Lovelace").registration
    bob = register(here, "bob@example.org", name="Bob Babbage").registration
    selected = {"action": "move_registrations", "_selected_action": [ada.pk, bob.pk]}

    page = staff_client.post(ROSTER, selected)

    assert page.status_code == 200
    choices = [
        label for _value, label in page.context["form"].fields["to_event"].choices
    ][1:]
    assert [c.split(" · ")[0] for c in choices] == ["Copyright Basics", "Grant Writing"]
    listed = text(find(parse(page), class_="registrations-to-move"))
    assert "Ada Lovelace" in listed
    assert "Bob Babbage" in listed
    assert fresh(ada).status == "confirmed"

    mail.outbox.clear()
    with commit():
        done = staff_client.post(
            ROSTER, {**selected, "post": "yes", "to_event": there.pk}, follow=True
        )
    assert [str(m) for m in done.context["messages"]] == [
        "Ada Lovelace moved to Grant Writing, with a seat; emailed.",
        "Bob Babbage moved to the waiting list of Grant Writing; emailed.",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ada@example.org",
        "bob@example.org",
    ]


def test_the_roster_action_without_a_choice_asks_again(staff_client):
    """Submitting the page without an event moves nobody and says what is
    missing."""
    here = make_event()
    ada = register(here, 1).registration
    response = staff_client.post(
        ROSTER,
        {"action": "move_registrations", "_selected_action": [ada.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "Please choose the event to move them to." in response.text
    assert fresh(ada).status == "confirmed"
