"""Each event's tally (``EventTally``), which the reports add up instead of
every registration: kept by the registration services as they change the
registrations, it always equals counting them afresh."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from events.models import Event
from registrations import services
from registrations.models import EventTally, Registration
from tests.builders import make_event
from tests.members.conftest import make_library

pytestmark = pytest.mark.django_db

Status = Registration.Status


def kept() -> dict[int, dict[str, int]]:
    return {tally.event_id: tally.counts() for tally in EventTally.objects.all()}


def assert_kept_as_counted() -> dict[int, dict[str, int]]:
    """What the services kept is what a recount gives; returns it."""
    before = kept()
    EventTally.objects.recount()
    assert kept() == before
    return before


def register(event, email, organization=""):
    return services.register_for_event(
        event_id=event.pk, name="Ada Lovelace", email=email, organization=organization
    ).registration


def test_every_service_keeps_the_tally_as_a_recount_gives_it(clock):
    """Registering (a seat, the waiting list, awaiting approval), approval
    into the line, declining, turning away when full, cancelling with a
    promotion, moving to another event, and every way of recording
    attendance: after each, the tally is what counting the rows gives."""
    make_library("Springfield Public Library", "springfieldlibrary.org")
    start = clock.now + timedelta(days=2)
    event = make_event(
        start=start,
        capacity=2,
        waitlist_enabled=True,
        waitlist_limit=2,
        who_may_register=Event.WhoMayRegister.MEMBERS,
        attendance_code="K7QX3M",
    )
    other = make_event(start=start + timedelta(days=1), capacity=5)

    ada = register(event, "ada@springfieldlibrary.org")
    ben = register(event, "ben@springfieldlibrary.org")
    cy = register(event, "cy@springfieldlibrary.org")
    dee = register(event, "dee@elsewhere.example", "Springfield Public Library")
    eve = register(event, "eve@elsewhere.example", "Springfield Public Library")
    fay = register(event, "fay@elsewhere.example", "Springfield Public Library")
    gil = register(event, "gil@elsewhere.example", "Springfield Public Library")
    assert [ada.status, cy.status, dee.status] == [
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.AWAITING_APPROVAL,
    ]
    assert_kept_as_counted()

    assert services.approve_registration(registration_id=dee.pk).status == (
        Status.WAITLISTED
    )
    services.decline_registration(registration_id=eve.pk)
    assert_kept_as_counted()

    # Ben's seat goes to Cy; Fay's approval takes the last place in line,
    # and Gil, approved after her, finds nobody more fits.
    services.cancel_registration(registration_id=ben.pk, by_staff=True)
    assert services.approve_registration(registration_id=fay.pk).status == (
        Status.WAITLISTED
    )
    assert services.approve_registration(registration_id=gil.pk).status == (
        Status.TURNED_AWAY
    )
    assert_kept_as_counted()

    services.move_registration(registration_id=dee.pk, to_event_id=other.pk)
    assert_kept_as_counted()

    clock.advance(days=2, minutes=30)
    cy = Registration.objects.get(email="cy@springfieldlibrary.org", event=event)
    services.mark_attended(registration_id=ada.pk)
    services.enter_attendance_code(token=services.link_token(cy), code="K7QX3M")
    assert_kept_as_counted()
    # Each of these changes one registration's attendance, so a service
    # that kept nothing would show.
    services.mark_attended(registration_id=ada.pk, attended=False)
    assert_kept_as_counted()
    services.record_attendance(event_id=event.pk, attended_ids=[ada.pk, cy.pk])
    assert_kept_as_counted()
    services.mark_attended(registration_id=cy.pk, attended=False)
    services.record_report_attendance(event_id=event.pk, attended={cy.pk: 55})

    counts = assert_kept_as_counted()
    assert counts[event.pk] == {
        "registrations": 7,
        "confirmed": 2,  # Ada and Cy
        "confirmed_absent": 0,
        "attended": 2,
        "waitlisted": 1,  # Fay (Dee moved)
        "not_admitted": 2,  # Eve declined, Gil turned away
        "awaiting_approval": 0,
    }
    assert counts[other.pk]["confirmed"] == 1


def test_a_refused_change_leaves_the_tally_as_it_was():
    """A registration the service refuses rolls back with its tally: the
    tally moves only with the rows."""
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, "ada@example.org")
    before = assert_kept_as_counted()
    with pytest.raises(services.RegistrationError):
        register(event, "ben@example.org")
    assert kept() == before


def test_an_event_without_registrations_has_no_tally_until_its_first():
    """No row for an empty event (a report reads it as zeros); the first
    registration makes it."""
    event = make_event(capacity=3)
    assert not EventTally.objects.filter(event=event).exists()
    register(event, "ada@example.org")
    assert EventTally.objects.get(event=event).counts()["confirmed"] == 1


@pytest.mark.rows_changed_by_hand
def test_recount_of_some_events_leaves_the_others():
    """Counting chosen events replaces their tallies only."""
    first, second = make_event(capacity=3), make_event(capacity=3)
    register(first, "ada@example.org")
    register(second, "ben@example.org")
    EventTally.objects.filter(event=second).update(confirmed=9)
    Registration.objects.filter(event=first).update(status=Status.CANCELLED)
    EventTally.objects.recount(Event.objects.filter(pk=first.pk))
    assert EventTally.objects.get(event=first).counts()["confirmed"] == 0
    assert EventTally.objects.get(event=second).counts()["confirmed"] == 9


def test_an_event_without_a_tally_is_counted_whole_at_its_next_change():
    """Registrations written before tallies existed (or while the previous
    version was still serving): the next change counts the event afresh
    rather than adding to nothing, and the cancellation goes through."""
    event = make_event(capacity=3)
    ada = register(event, "ada@example.org")
    register(event, "ben@example.org")
    EventTally.objects.filter(event=event).delete()
    services.cancel_registration(registration_id=ada.pk, by_staff=True)
    counts = assert_kept_as_counted()[event.pk]
    assert (counts["confirmed"], counts["registrations"]) == (1, 2)


def test_a_drifted_tally_never_refuses_a_member_and_the_command_corrects_it(
    capsys,
):
    """A count that fell behind (registrations the previous version made
    during a deploy) may go below zero, but the member's cancellation is
    not refused for it; ``recount_tallies`` puts every event right and says
    how many had drifted."""
    event, other = make_event(capacity=3), make_event(capacity=3)
    ada = register(event, "ada@example.org")
    register(other, "ben@example.org")
    EventTally.objects.filter(event=event).update(confirmed=0, registrations=0)
    services.cancel_registration(registration_id=ada.pk, by_staff=True)
    assert EventTally.objects.get(event=event).counts()["confirmed"] == -1

    call_command("recount_tallies")
    assert capsys.readouterr().out == (
        "Counted the registrations of 2 event(s); 1 had counts that needed "
        "correcting.\n"
    )
    assert assert_kept_as_counted()[event.pk]["confirmed"] == 0
    call_command("recount_tallies")
    assert "0 had counts that needed correcting" in capsys.readouterr().out
