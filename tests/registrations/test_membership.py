"""Who may register (PRODUCT.md §9): members by their address, others who
name a member library by staff's approval, outsiders refused; every branch
through registrations.services."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Event
from members.models import LibraryDomain, MemberLibrary
from registrations import services
from registrations.emails import write_email
from registrations.models import OutboundEmail, Registration
from registrations.selectors import with_waitlist_positions
from tests import dom
from tests.builders import make_event, update_registrations

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


def test_an_approved_registrant_joins_the_end_of_the_line(springfield, commit):
    """Approval decides as if they arrived then: someone who joined the
    waiting list while they awaited approval stays ahead of them, in the
    email's position, the roster's, and the order seats are given in."""
    event = members_event(capacity=1, waitlist_enabled=True)
    ada = register(event, "ada@gmail.com", "Springfield Public Library").registration
    bob = register(event, "bob@springfieldlibrary.org").registration
    carol = register(event, "carol@springfieldlibrary.org").registration
    assert carol.status == Status.WAITLISTED
    with commit():
        services.approve_registration(registration_id=ada.pk)
    ada, carol = (Registration.objects.get(pk=r.pk) for r in (ada, carol))
    assert (carol.waitlist_position, ada.waitlist_position) == (1, 2)
    assert "waiting list, at position 2." in sent_to("ada@gmail.com")[-1].body
    roster = with_waitlist_positions(Registration.objects.filter(event=event))
    assert {r.email: r.position for r in roster if r.position} == {
        "carol@springfieldlibrary.org": 1,
        "ada@gmail.com": 2,
    }
    services.cancel_registration(registration_id=bob.pk)
    statuses = dict(
        Registration.objects.filter(pk__in=[ada.pk, carol.pk]).values_list(
            "email", "status"
        )
    )
    assert statuses == {
        "carol@springfieldlibrary.org": Status.CONFIRMED,
        "ada@gmail.com": Status.WAITLISTED,
    }
    dave = register(event, "dave@springfieldlibrary.org").registration
    assert Registration.objects.get(pk=dave.pk).waitlist_position == 2


@pytest.mark.parametrize(
    "waiting_list",
    [{"waitlist_enabled": False}, {"waitlist_enabled": True, "waitlist_limit": 1}],
    ids=["no waiting list", "waiting list full"],
)
def test_approval_when_nobody_more_fits_closes_it_as_full(
    springfield, commit, waiting_list
):
    """Every seat taken, and no place in line: decided as a new arrival
    would be, the registration is closed (turned away, holding nothing) and
    the person is told the event is full, not that they aren't a member."""
    event = members_event(capacity=1, **waiting_list)
    awaiting = register(event, "ada@gmail.com", "Springfield Public Library")
    register(event, "bob@springfieldlibrary.org")
    if waiting_list["waitlist_enabled"]:
        register(event, "carol@springfieldlibrary.org")
    with commit():
        closed = services.approve_registration(registration_id=awaiting.registration.pk)
    assert closed.status == Status.TURNED_AWAY
    assert closed.decided_at is not None
    email = sent_to("ada@gmail.com")[-1]
    assert email.subject == f"No seat left: {event.title}"
    assert "you do work at a member library" in email.body
    assert "the event was full" in email.body
    assert "could not confirm" not in email.body
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED)
    assert confirmed.count() == 1
    with pytest.raises(services.RegistrationError) as refused:
        services.resend_registration_email(registration_id=closed.pk)
    assert "holds no seat (turned away: the event was full)" in str(refused.value)


def test_the_turned_away_registrants_page_says_they_are_a_member(
    springfield, client, commit
):
    """From the link in their first email, someone approved when nobody
    more fitted reads that they are a member but the event was full: not
    "not accepted", not the note for non-members, no link to join."""
    event = members_event(
        capacity=1, waitlist_enabled=False, non_member_note="Register with ALA."
    )
    with commit():
        awaiting = register(event, "ada@gmail.com", "Springfield Public Library")
    token = token_from(sent_to("ada@gmail.com")[0])
    register(event, "bob@springfieldlibrary.org")
    services.approve_registration(registration_id=awaiting.registration.pk)
    page = dom.text_of(client.get(reverse("registrations:manage", args=[token])))
    assert (
        "No seat: we confirmed that you work at a member library, but by then "
        "the event was full."
    ) in page
    assert "Not accepted" not in page
    assert "Register with ALA." not in page
    assert "Join the event" not in page


def test_approval_of_a_closed_event_is_refused(springfield, clock):
    """Registration closed (the event has started): the approval is refused
    with the reason, the registration stays awaiting, nobody is emailed."""
    event = members_event(capacity=5)
    awaiting = register(event, "ada@gmail.com", "Springfield Public Library")
    OutboundEmail.objects.all().delete()
    clock.now = event.start
    with pytest.raises(services.RegistrationError):
        services.approve_registration(registration_id=awaiting.registration.pk)
    awaiting.registration.refresh_from_db()
    assert awaiting.registration.status == Status.AWAITING_APPROVAL
    assert not OutboundEmail.objects.exists()


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


def test_promote_selected_goes_in_line_order(springfield, admin_client):
    """Two people ticked for one freed seat: the first in line gets it, not
    the one who registered first (approved later, she is behind)."""
    event = members_event(capacity=1, waitlist_enabled=True)
    ada = register(event, "ada@gmail.com", "Springfield Public Library").registration
    bob = register(event, "bob@springfieldlibrary.org").registration
    carol = register(event, "carol@springfieldlibrary.org").registration
    services.approve_registration(registration_id=ada.pk)
    # Bob's seat freed while the waiting list is kept (capacity raised and
    # lowered would promote); cancel him by hand, as the admin allows.
    update_registrations(
        Registration.objects.filter(pk=bob.pk), status=Status.CANCELLED
    )
    admin_client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "promote_registrations", "_selected_action": [ada.pk, carol.pk]},
    )
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses["carol@springfieldlibrary.org"] == Status.CONFIRMED
    assert statuses["ada@gmail.com"] == Status.WAITLISTED


def test_staff_approve_and_decline_in_bulk_in_order_of_arrival(
    springfield, admin_client
):
    """Three awaiting approval, one seat and no waiting list: "Approve
    selected" gives the seat to the earliest and names the other two as
    too late for a seat (told so, turned away); "Decline selected" on a
    fourth declines her, and names the confirmed one ticked with her as not
    awaiting approval."""
    from django.urls import reverse

    event = members_event(capacity=1, waitlist_enabled=False)
    awaiting = [
        register(event, f"p{n}@gmail.com", "Springfield Public Library", name=f"P{n}")
        for n in range(4)
    ]
    ids = [result.registration.pk for result in reversed(awaiting[:3])]
    url = reverse("admin:registrations_registration_changelist")

    def act(action, pks):
        return admin_client.post(
            url, {"action": action, "_selected_action": pks}, follow=True
        )

    page = dom.text_of(act("approve_registrations", ids))
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        "P0": Status.CONFIRMED,
        "P1": Status.TURNED_AWAY,
        "P2": Status.TURNED_AWAY,
        "P3": Status.AWAITING_APPROVAL,
    }
    assert "Approved 3 registrations." in page
    assert (
        "P1, P2: approved, but the event had no seat or place in line left; "
        "they were told, and hold no seat."
    ) in page
    told = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.FULL_AT_APPROVAL)
    assert sorted(told.values_list("recipient", flat=True)) == [
        "p1@gmail.com",
        "p2@gmail.com",
    ]
    page = dom.text_of(
        act("decline_registrations", [awaiting[3].registration.pk, ids[-1]])
    )
    assert "Declined 1 registration." in page
    assert "P0: This registration is not awaiting approval (it is confirmed)." in page
    assert Registration.objects.get(name="P3").status == Status.DECLINED
