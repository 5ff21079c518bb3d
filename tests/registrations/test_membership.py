"""Who may register (PRODUCT.md §9): members by their address, others who
name a member library by staff's approval, outsiders refused; every branch
through registrations.services."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from events.models import Event
from members.models import LibraryDomain, MemberLibrary
from registrations import services
from registrations.emails import write_email
from registrations.models import OutboundEmail, Registration
from tests.builders import make_event

from .conftest import sent_to, token_from

pytestmark = pytest.mark.django_db

Status = Registration.Status
Who = Event.WhoMayRegister
NOTE = "Non-members can register directly with ALA; a fee applies."


@pytest.fixture
def springfield():
    library = MemberLibrary.objects.create(name="Springfield Public Library")
    LibraryDomain.objects.create(library=library, domain="springfieldlibrary.org")
    return library


def register(event, email, organization="", **fields):
    fields.setdefault("name", "Ada Lovelace")
    return services.register_for_event(
        event_id=event.pk, email=email, organization=organization, **fields
    )


def members_event(**fields):
    fields.setdefault("who_may_register", Who.MEMBERS)
    fields.setdefault("non_member_note", NOTE)
    return make_event(**fields)


def test_an_address_on_a_member_domain_registers_as_a_member(springfield):
    """Members register as anyone would, with their library recorded."""
    result = register(members_event(), "ada@springfieldlibrary.org")
    assert result.registration.status == Status.CONFIRMED
    assert result.registration.library == springfield


def test_an_address_on_a_subdomain_is_a_members_too(springfield):
    """staff.springfieldlibrary.org is Springfield's, in any letter case."""
    result = register(members_event(), "Ada@Staff.SpringfieldLibrary.org")
    assert result.registration.status == Status.CONFIRMED
    assert result.registration.library == springfield


def test_a_lookalike_domain_is_not_a_member(springfield):
    """notspringfieldlibrary.org ends with the same letters but is not a
    subdomain: refused with the event's note."""
    with pytest.raises(services.RegistrationError) as refused:
        register(members_event(), "eve@notspringfieldlibrary.org")
    assert refused.value.code == services.MEMBERS_ONLY


def test_an_inactive_librarys_staff_are_not_members(springfield):
    """A library that left the consortium: neither its domain nor its name
    makes anyone a member."""
    springfield.is_active = False
    springfield.save()
    for organization in ("", "Springfield Public Library"):
        with pytest.raises(services.RegistrationError) as refused:
            register(members_event(), "ada@springfieldlibrary.org", organization)
        assert refused.value.code == services.MEMBERS_ONLY
    assert not Registration.objects.exists()


def test_an_outsider_is_refused_with_the_events_note(springfield):
    """Someone naming no member library on a members-only event is told the
    event is for members and how non-members can attend; nothing is kept
    and nothing is sent."""
    event = members_event()
    with pytest.raises(services.RegistrationError) as refused:
        register(event, "someone@gmail.com", "Acme Corp")
    assert refused.value.code == services.MEMBERS_ONLY
    assert "member libraries" in refused.value.message
    assert NOTE in refused.value.message
    assert not Registration.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_naming_a_member_library_from_another_address_awaits_approval(
    springfield, commit
):
    """A personal address naming Springfield (any case) is registered as
    awaiting approval: it holds no seat, is told so with its link, and a
    second submission finds the same registration."""
    event = members_event(capacity=1)
    with commit():
        result = register(event, "ada@gmail.com", "springfield public library")
    registration = result.registration
    assert registration.status == Status.AWAITING_APPROVAL
    assert registration.library == springfield
    assert registration.organization == "springfield public library"
    # No seat held: a member still gets the only seat.
    assert register(event, "bob@springfieldlibrary.org").registration.status == (
        Status.CONFIRMED
    )
    [email] = sent_to("ada@gmail.com")
    assert email.subject.startswith("We'll confirm your membership")
    assert "No seat is held for you yet" in email.body
    assert token_from(email)
    again = register(event, "ADA@gmail.com", "Springfield Public Library")
    assert not again.created
    assert again.registration.pk == registration.pk


def test_approval_into_a_free_seat_confirms_with_the_same_link(springfield, commit):
    """Approved while a seat is free: confirmed, emailed as any confirmation,
    with the link they were already sent."""
    event = members_event(capacity=2)
    with commit():
        registration = register(event, "ada@gmail.com", "Springfield Public Library")
    token = token_from(sent_to("ada@gmail.com")[0])
    with commit():
        approved = services.approve_registration(
            registration_id=registration.registration.pk
        )
    assert approved.status == Status.CONFIRMED
    assert approved.decided_at is not None
    confirmation = sent_to("ada@gmail.com")[-1]
    assert confirmation.subject.startswith("You're registered")
    assert token_from(confirmation) == token


def test_approval_when_full_joins_the_waiting_list(springfield, commit):
    """Every seat taken since they registered: approval puts them on the
    waiting list and tells them their place."""
    event = members_event(capacity=1, waitlist_enabled=True)
    awaiting = register(event, "ada@gmail.com", "Springfield Public Library")
    register(event, "bob@springfieldlibrary.org")
    with commit():
        approved = services.approve_registration(
            registration_id=awaiting.registration.pk
        )
    assert approved.status == Status.WAITLISTED
    [email] = sent_to("ada@gmail.com")[-1:]
    assert "waiting list, at position 1." in email.body


def test_approval_when_full_without_a_waiting_list_is_refused(springfield):
    """Full and no waiting list: the approval is refused as a new arrival
    would be, and the registration stays awaiting approval, unemailed."""
    event = members_event(capacity=1, waitlist_enabled=False)
    awaiting = register(event, "ada@gmail.com", "Springfield Public Library")
    register(event, "bob@springfieldlibrary.org")
    OutboundEmail.objects.all().delete()
    with pytest.raises(services.RegistrationError) as refused:
        services.approve_registration(registration_id=awaiting.registration.pk)
    assert refused.value.code == "full"
    awaiting.registration.refresh_from_db()
    assert awaiting.registration.status == Status.AWAITING_APPROVAL
    assert not OutboundEmail.objects.exists()


def test_decline_sends_a_short_email_without_a_link(springfield, commit):
    """Declined: the registration is kept as declined (it never held a
    seat), and the person is told, with the event's note, without a link."""
    event = members_event()
    awaiting = register(event, "ada@gmail.com", "Springfield Public Library")
    with commit():
        declined = services.decline_registration(
            registration_id=awaiting.registration.pk
        )
    assert declined.status == Status.DECLINED
    email = sent_to("ada@gmail.com")[-1]
    assert email.subject.startswith("Registration not accepted")
    assert NOTE in email.body
    assert "/registrations/" not in email.body


def test_only_a_registration_awaiting_approval_is_approved_or_declined(springfield):
    """A confirmed registration, or one already declined, is left alone."""
    event = members_event()
    member = register(event, "bob@springfieldlibrary.org").registration
    awaiting = register(event, "ada@gmail.com", "Springfield Public Library")
    services.decline_registration(registration_id=awaiting.registration.pk)
    for registration_id in (member.pk, awaiting.registration.pk):
        for decide in (services.approve_registration, services.decline_registration):
            with pytest.raises(services.RegistrationError) as refused:
                decide(registration_id=registration_id)
            assert refused.value.code == services.NOT_AWAITING


def test_a_declined_registration_cannot_be_moved_or_resent(springfield):
    """Declined is final: no resend, no move; the person may register anew
    (the address is free again)."""
    event = members_event()
    awaiting = register(event, "ada@gmail.com", "Springfield Public Library")
    services.decline_registration(registration_id=awaiting.registration.pk)
    with pytest.raises(services.RegistrationError):
        services.resend_registration_email(registration_id=awaiting.registration.pk)
    again = register(event, "ada@springfieldlibrary.org")
    assert again.registration.status == Status.CONFIRMED


def test_an_event_open_to_everyone_records_the_library_and_takes_anyone(
    springfield,
):
    """On an event for everyone no one waits for approval: members are
    recorded with their library, others register as they are."""
    event = make_event()
    member = register(event, "bob@springfieldlibrary.org").registration
    named = register(event, "ada@gmail.com", "Springfield Public Library").registration
    outsider = register(event, "eve@gmail.com", "Acme Corp").registration
    assert (member.status, member.library) == (Status.CONFIRMED, springfield)
    assert (named.status, named.library) == (Status.CONFIRMED, springfield)
    assert (outsider.status, outsider.library) == (Status.CONFIRMED, None)


NEW_YORK = ZoneInfo("America/New_York")


def test_members_first_opens_to_everyone_at_its_hour_across_a_clock_change(
    springfield, clock
):
    """Members first until Monday 15 March 2027, 9:00am in New York, the day
    after the clocks go forward: before then an outsider is told that date
    in the event's own time (9:00 AM, not 8 or 10); at 8:59 EDT still
    refused; at 9:00 EDT registered."""
    opens = datetime(2027, 3, 15, 9, 0, tzinfo=NEW_YORK)
    clock.now = datetime(2027, 3, 10, 12, 0, tzinfo=NEW_YORK)  # EST, UTC-5
    event = make_event(
        start=datetime(2027, 4, 1, 14, 0, tzinfo=NEW_YORK),
        who_may_register=Who.MEMBERS_FIRST,
        open_to_everyone_at=opens,
    )
    with pytest.raises(services.RegistrationError) as refused:
        register(event, "eve@gmail.com")
    assert refused.value.code == services.MEMBERS_FIRST
    assert "Monday, March 15, 2027, 9:00 AM" in refused.value.message
    assert register(event, "bob@springfieldlibrary.org").registration.status == (
        Status.CONFIRMED
    )

    clock.now = datetime(2027, 3, 15, 8, 59, tzinfo=NEW_YORK)  # EDT, UTC-4
    with pytest.raises(services.RegistrationError):
        register(event, "eve@gmail.com")
    clock.now = opens
    assert register(event, "eve@gmail.com").registration.status == Status.CONFIRMED


def test_the_awaiting_email_names_the_library(springfield):
    """The awaiting-approval email says whose membership staff will confirm."""
    awaiting = register(members_event(), "ada@gmail.com", "springfield public library")
    email = OutboundEmail.objects.get(registration=awaiting.registration)
    assert email.kind == OutboundEmail.Kind.AWAITING_APPROVAL
    assert "Springfield Public Library's" in write_email(email).text
    assert mail.outbox == []


def test_staff_approve_and_decline_in_bulk_in_order_of_arrival(
    springfield, admin_client
):
    """Three awaiting approval, one seat and no waiting list: "Approve
    selected" gives the seat to the earliest and names the other two as
    full; "Decline selected" then declines them; a confirmed registration
    ticked with them is named as not awaiting approval."""
    from django.urls import reverse

    event = members_event(capacity=1, waitlist_enabled=False)
    awaiting = [
        register(event, f"p{n}@gmail.com", "Springfield Public Library", name=f"P{n}")
        for n in range(3)
    ]
    ids = [result.registration.pk for result in reversed(awaiting)]
    url = reverse("admin:registrations_registration_changelist")

    def act(action, pks):
        return admin_client.post(
            url, {"action": action, "_selected_action": pks}, follow=True
        )

    page = act("approve_registrations", ids).content.decode()
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        "P0": Status.CONFIRMED,
        "P1": Status.AWAITING_APPROVAL,
        "P2": Status.AWAITING_APPROVAL,
    }
    assert "Approved 1 registration." in page
    assert "P1, P2: Sorry, this event is full." in page
    page = act("decline_registrations", ids).content.decode()
    assert "Declined 2 registrations." in page
    assert "P0: This registration is not awaiting approval (it is confirmed)." in page
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses["P1"] == statuses["P2"] == Status.DECLINED
