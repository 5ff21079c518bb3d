"""PRODUCT.md §4, one rule per test, through registrations.services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.test.signals import template_rendered
from django.utils import timezone

from events.models import Event
from registrations import services
from registrations.emails import enqueue_email, write_email
from registrations.models import OutboundEmail, Registration, hash_token
from registrations.selectors import (
    Seats,
    get_registration_by_token,
    with_seat_counts,
)
from registrations.services import waitlist
from tests.builders import eastern, make_event, write_registration

from .conftest import register, sent_to, token_from

pytestmark = pytest.mark.django_db

Status = Registration.Status


def statuses(event):
    return list(
        Registration.objects.filter(event=event)
        .order_by("pk")
        .values_list("status", flat=True)
    )


def seats_left(event) -> int | None:
    return Seats.of(with_seat_counts(Event.objects.filter(pk=event.pk)).get()).left


def test_register_with_seats_left_confirms_and_takes_a_seat():
    """A registration while seats are left is confirmed and uses one seat."""
    event = make_event(capacity=3)
    result = register(event, 1, organization="Springfield PL")
    assert result.created
    assert result.registration.status == Status.CONFIRMED
    assert result.registration.organization == "Springfield PL"
    assert seats_left(event) == 2


def test_waitlisted_registrations_do_not_use_seats():
    """Seats left is capacity minus confirmed; the waiting list does not count."""
    event = make_event(capacity=1)
    register(event, 1)
    register(event, 2)
    assert seats_left(event) == 0
    assert statuses(event) == [Status.CONFIRMED, Status.WAITLISTED]


def test_no_seat_limit_always_confirms():
    """An event without a capacity confirms everyone."""
    event = make_event(capacity=None)
    for n in range(5):
        register(event, n)
    assert statuses(event) == [Status.CONFIRMED] * 5


def test_waitlist_is_first_come_first_served():
    """Waitlisted people get positions 1..N in arrival order, and seats that
    free up go to them in that order."""
    event = make_event(capacity=1)
    first = register(event, "first@example.org").registration
    waiting = [register(event, n).registration for n in range(1, 4)]
    assert [r.waitlist_position for r in waiting] == [1, 2, 3]

    services.cancel_registration(registration_id=first.pk)
    waiting = [Registration.objects.get(pk=r.pk) for r in waiting]
    assert [r.status for r in waiting] == [
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert [r.waitlist_position for r in waiting] == [None, 1, 2]


def test_full_without_waitlist_refuses_and_stores_nothing():
    """Full with no waiting list: a clear "full" error and no row."""
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, 1)
    with pytest.raises(services.RegistrationError) as error:
        register(event, 2)
    assert error.value.code == "full"
    assert "full" in error.value.message
    assert Registration.objects.filter(event=event).count() == 1


def test_waitlist_at_its_cap_refuses():
    """A waiting list with a limit stops taking people at that limit."""
    event = make_event(capacity=1, waitlist_limit=2)
    for n in range(3):
        register(event, n)
    with pytest.raises(services.RegistrationError) as error:
        register(event, 99)
    assert error.value.code == "waitlist_full"
    assert Registration.objects.filter(event=event).count() == 3


def test_same_email_in_another_case_is_the_same_registrant(commit):
    """A repeat submission (other case, spaces) creates nothing new and
    returns the existing registration, re-sending its email."""
    event = make_event(capacity=5)
    with commit():
        first = register(event, "Ada.Lovelace@Example.org").registration
    # The repeat is allowed one re-send once a few minutes have passed.
    Registration.objects.filter(pk=first.pk).update(
        last_emailed_at=timezone.now() - timedelta(minutes=10)
    )
    with commit():
        again = register(event, "  ada.lovelace@EXAMPLE.ORG ", name="Ada L.")
    assert not again.created
    assert again.email_queued
    assert again.registration.pk == first.pk
    assert Registration.objects.filter(event=event).count() == 1
    assert len(sent_to("Ada.Lovelace@Example.org")) == 2


def test_repeat_submission_resends_at_most_once_every_few_minutes(commit):
    """Within the resend interval, a repeat submission queues no email."""
    event = make_event(capacity=5)
    with commit():
        register(event, 1)
        again = register(event, 1)
    assert not again.created
    assert not again.email_queued
    assert len(mail.outbox) == 1


def test_repeat_submission_when_full_shows_existing_status():
    """Someone already confirmed who submits again on a now full event gets
    their seat back, not a "full" error."""
    event = make_event(capacity=1, waitlist_enabled=False)
    first = register(event, 1).registration
    again = register(event, 1)
    assert again.registration.pk == first.pk
    assert again.registration.status == Status.CONFIRMED


def test_cancelled_person_may_register_again():
    """A cancelled registration does not block a new one for the same email."""
    event = make_event(capacity=5)
    first = register(event, 1).registration
    services.cancel_registration(registration_id=first.pk)
    second = register(event, 1)
    assert second.created
    assert second.registration.pk != first.pk


def test_cancel_promotes_in_the_same_transaction(commit, monkeypatch):
    """Cancelling a confirmed seat promotes the earliest waitlisted person in
    the same transaction: when the promotion fails after writing its row,
    the cancellation is rolled back with it, and no email went out."""
    event = make_event(capacity=1)
    with commit():
        confirmed = register(event, 1).registration
        waiting = register(event, 2).registration
    mail.outbox.clear()

    class Abort(Exception):
        pass

    def promote_then_fail(registration, *args, **kwargs):
        email_with_link(registration, *args, **kwargs)
        assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED
        raise Abort

    email_with_link = waitlist.email_with_link
    monkeypatch.setattr(waitlist, "email_with_link", promote_then_fail)
    with commit(), pytest.raises(Abort):
        services.cancel_registration(registration_id=confirmed.pk)

    assert Registration.objects.get(pk=confirmed.pk).status == Status.CONFIRMED
    assert Registration.objects.get(pk=waiting.pk).status == Status.WAITLISTED
    assert mail.outbox == []


@pytest.mark.parametrize("service", ["register", "cancel"])
def test_member_facing_services_refuse_to_run_inside_another_transaction(service):
    """register_for_event and cancel_registration are durable: inside a
    caller's transaction they raise instead of letting it hold the event's
    lock longer, or roll back a change the member was told about."""
    event = make_event(capacity=1)
    registration = register(event, 1).registration
    calls = {
        "register": lambda: register(event, 2),
        "cancel": lambda: services.cancel_registration(registration_id=registration.pk),
    }
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        calls[service]()
    assert statuses(event) == [Status.CONFIRMED]


def emails_queued(callbacks) -> list:
    """The on-commit callbacks that send an email (others keep caches fresh)."""
    return [c for c in callbacks if getattr(c, "func", None) is enqueue_email]


def test_promoted_person_is_emailed_after_the_commit(commit):
    """The promotion email is queued on commit and carries the join URL."""
    event = make_event(capacity=1, join_url="https://zoom.example.org/j/123")
    with commit():
        confirmed = register(event, 1).registration
        register(event, 2)
    mail.outbox.clear()
    with commit() as callbacks:
        services.cancel_registration(registration_id=confirmed.pk)
        assert mail.outbox == []
    assert len(emails_queued(callbacks)) == 2  # the receipt and the promotion
    promotion = sent_to("person2@example.org")
    assert len(promotion) == 1
    assert "seat opened up" in promotion[0].subject
    assert "https://zoom.example.org/j/123" in promotion[0].body
    receipt = sent_to("person1@example.org")
    assert "cancelled" in receipt[0].subject


def test_cancelling_waitlisted_promotes_nobody():
    """A waitlisted cancellation frees no seat and moves the line up."""
    event = make_event(capacity=1)
    register(event, 1)
    second = register(event, 2).registration
    third = register(event, 3).registration
    services.cancel_registration(registration_id=second.pk)
    assert statuses(event) == [Status.CONFIRMED, Status.CANCELLED, Status.WAITLISTED]
    assert Registration.objects.get(pk=third.pk).waitlist_position == 1


def test_cancelling_twice_is_harmless(commit):
    """The second cancel changes nothing and sends nothing."""
    event = make_event(capacity=1)
    registration = register(event, 1).registration
    services.cancel_registration(registration_id=registration.pk)
    first_cancelled_at = Registration.objects.get(pk=registration.pk).cancelled_at
    with commit() as callbacks:
        services.cancel_registration(registration_id=registration.pk)
    assert emails_queued(callbacks) == []
    assert Registration.objects.get(pk=registration.pk).cancelled_at == (
        first_cancelled_at
    )


def test_member_cannot_cancel_after_the_event_starts_but_staff_can():
    """Cancellation closes at the event start for members."""
    event = make_event(capacity=5)
    registration = register(event, 1).registration
    Event.objects.filter(pk=event.pk).update(
        start=timezone.now() - timedelta(minutes=5),
        end=timezone.now() + timedelta(hours=1),
    )
    with pytest.raises(services.RegistrationError) as error:
        services.cancel_registration(registration_id=registration.pk)
    assert error.value.code == "closed"
    services.cancel_registration(registration_id=registration.pk, by_staff=True)
    assert Registration.objects.get(pk=registration.pk).status == Status.CANCELLED


def test_raising_capacity_promotes_as_many_as_fit():
    """Two more seats promote the first two in line, not the third."""
    event = make_event(capacity=1)
    for n in range(4):
        register(event, n)
    promoted = services.change_capacity(event_id=event.pk, capacity=3)
    assert [r.email for r in promoted] == ["person1@example.org", "person2@example.org"]
    assert statuses(event) == [Status.CONFIRMED] * 3 + [Status.WAITLISTED]
    assert Event.objects.get(pk=event.pk).capacity == 3


def test_removing_the_seat_limit_promotes_everyone():
    """Capacity None (no limit) empties the waiting list."""
    event = make_event(capacity=1)
    for n in range(3):
        register(event, n)
    services.change_capacity(event_id=event.pk, capacity=None)
    assert statuses(event) == [Status.CONFIRMED] * 3


def test_lowering_capacity_below_confirmed_is_refused_with_the_reason():
    """Staff may not lower capacity below the confirmed count; the message
    says how many hold seats. Lowering to exactly that count is fine."""
    event = make_event(capacity=5)
    for n in range(3):
        register(event, n)
    with pytest.raises(services.RegistrationError) as error:
        services.change_capacity(event_id=event.pk, capacity=2)
    assert error.value.code == "capacity_below_confirmed"
    assert "3 people already hold a confirmed seat" in error.value.message
    assert Event.objects.get(pk=event.pk).capacity == 5
    services.change_capacity(event_id=event.pk, capacity=3)
    assert Event.objects.get(pk=event.pk).capacity == 3


def test_registration_closes_at_the_closing_time():
    """After ``registration_closes`` nobody can register."""
    event = make_event(registration_closes=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.RegistrationError) as error:
        register(event, 1)
    assert error.value.code == "closed"
    assert not Registration.objects.exists()


def test_registration_closes_at_the_event_start_by_default():
    """Without a closing time, registration closes when the event starts."""
    now = timezone.now()
    event = make_event(start=now - timedelta(minutes=1), end=now + timedelta(hours=1))
    with pytest.raises(services.RegistrationError) as error:
        register(event, 1)
    assert error.value.code == "closed"


def test_registration_not_yet_open_says_when_it_opens(clock):
    """Before ``registration_opens`` the error names the opening date and
    time as the event page writes them ("Saturday, December 5, 2026, 2:00pm"),
    in the event's zone."""
    opens = eastern(2031, 10, 4, 14)
    clock.now = opens - timedelta(days=2)
    event = make_event(start=opens + timedelta(days=10), registration_opens=opens)
    with pytest.raises(services.RegistrationError) as error:
        register(event, 1)
    assert error.value.code == "not_open"
    assert error.value.message == (
        "Registration for this event opens on Saturday, October 4, 2031, 2:00pm "
        f"{event.time_zone_label}."
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"status": Event.Status.POSTPONED}, "postponed"),
        ({"is_published": False}, "unpublished"),
        ({"external_registration_url": "https://ala.example.org/reg"}, "external"),
        ({"registration_required": False}, "not_required"),
    ],
)
def test_events_that_do_not_take_registrations_refuse(fields, code):
    """Cancelled, postponed, draft, external and no-registration events
    refuse with their own reason."""
    event = make_event(**fields)
    with pytest.raises(services.RegistrationError) as error:
        register(event, 1)
    assert error.value.code == code
    assert error.value.message


def test_cancel_event_reaches_confirmed_and_waitlisted(commit):
    """Cancelling an event emails every active registrant, the waiting list
    included, but not those who already cancelled; its sequence goes up."""
    event = make_event(capacity=1)
    with commit():
        register(event, 1)
        register(event, 2)
        gone = register(event, 3).registration
        services.cancel_registration(registration_id=gone.pk)
    mail.outbox.clear()
    sequence = Event.objects.get(pk=event.pk).sequence
    with commit():
        notified = services.cancel_event(event_id=event.pk)
    event.refresh_from_db()
    assert notified == 2
    assert event.status == Event.Status.CANCELLED
    assert event.sequence == sequence + 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "person1@example.org",
        "person2@example.org",
    ]
    assert all("Event cancelled" in m.subject for m in mail.outbox)
    with pytest.raises(services.RegistrationError) as error:
        register(event, 4)
    assert error.value.code == "cancelled"


def test_cancelling_a_cancelled_event_is_refused():
    """A second cancel_event says so and emails nobody again."""
    event = make_event()
    services.cancel_event(event_id=event.pk)
    with pytest.raises(services.RegistrationError):
        services.cancel_event(event_id=event.pk)


def test_token_is_long_random_and_only_its_hash_is_stored(commit):
    """The link's token has at least 128 bits; the database holds only its
    SHA-256, and the token finds the registration by that hash."""
    event = make_event()
    with commit():
        registration = register(event, 1).registration
    token = token_from(mail.outbox[0])
    assert len(token) >= 43  # 32 bytes of urlsafe base64
    registration.refresh_from_db()
    assert registration.token_hash == hash_token(token)
    assert token not in registration.token_hash
    assert get_registration_by_token(token) == registration
    altered = token[:-1] + ("B" if token.endswith("A") else "A")
    assert get_registration_by_token(altered) is None


def test_every_email_carries_the_same_link_and_earlier_ones_keep_working(commit):
    """Links last: a resend, a reminder or a repeat submission carries the
    link of the first email, which keeps working."""
    event = make_event(start=timezone.now() + timedelta(hours=12))
    with commit():
        registration = register(event, 1).registration
    first = token_from(mail.outbox[0])
    with commit():
        services.resend_registration_email(registration_id=registration.pk)
        services.send_reminders(within=timedelta(days=1))
    with commit(), override_settings(REGISTRATION_RESEND_INTERVAL=0):
        register(event, 1)
    tokens = [token_from(message) for message in mail.outbox]
    assert len(tokens) == 4
    assert set(tokens) == {first}
    assert get_registration_by_token(first) == registration


def test_a_database_dump_alone_yields_no_working_link(commit):
    """What is stored (the link's secret and the token's hash) gives the
    token only together with the SECRET_KEY: under another key, the same row
    gives another token, which finds nothing."""
    event = make_event()
    with commit():
        registration = register(event, 1).registration
    token = token_from(mail.outbox[0])
    row = Registration.objects.get(pk=registration.pk)
    assert token not in {row.link_secret, row.token_hash}
    assert services.link_token(row) == token
    with override_settings(SECRET_KEY="another key, as an attacker would guess"):
        guessed = services.link_token(row)
    assert guessed != token
    assert get_registration_by_token(guessed) is None


def test_staff_revoke_links_and_the_next_email_carries_a_new_one(commit):
    """Revoking kills every link sent so far, emails nothing; the next
    email carries a new link that works."""
    event = make_event()
    with commit():
        registration = register(event, 1).registration
    old = token_from(mail.outbox[0])
    services.revoke_links(registration_id=registration.pk)
    assert len(mail.outbox) == 1
    assert get_registration_by_token(old) is None
    with commit():
        services.resend_registration_email(registration_id=registration.pk)
    new = token_from(mail.outbox[1])
    assert new != old
    assert get_registration_by_token(new) == registration


def test_resend_of_a_cancelled_registration_is_refused():
    """Nothing to resend once cancelled."""
    event = make_event()
    registration = register(event, 1).registration
    services.cancel_registration(registration_id=registration.pk)
    with pytest.raises(services.RegistrationError):
        services.resend_registration_email(registration_id=registration.pk)


def test_staff_promote_a_chosen_person_only_into_a_free_seat():
    """Promoting someone specific needs a free seat; with one, they jump
    the line."""
    event = make_event(capacity=1)
    register(event, 1)
    second = register(event, 2).registration
    third = register(event, 3).registration
    with pytest.raises(services.RegistrationError) as error:
        services.promote_waitlist(event_id=event.pk, registration_id=third.pk)
    assert error.value.code == "full"
    # A seat that nobody has filled yet (set behind the service's back).
    Event.objects.filter(pk=event.pk).update(capacity=2)
    services.promote_waitlist(event_id=event.pk, registration_id=third.pk)
    assert Registration.objects.get(pk=third.pk).status == Status.CONFIRMED
    assert Registration.objects.get(pk=second.pk).status == Status.WAITLISTED


def test_promote_waitlist_fills_free_seats_in_order():
    """Without a chosen person, promote_waitlist fills every free seat."""
    event = make_event(capacity=1)
    for n in range(3):
        register(event, n)
    Event.objects.filter(pk=event.pk).update(capacity=2)
    promoted = services.promote_waitlist(event_id=event.pk)
    assert [r.email for r in promoted] == ["person1@example.org"]


def test_mark_attended(clock):
    """Staff record attendance through the service, once the event started."""
    event = make_event()
    registration = register(event, 1).registration
    clock.advance(days=7, minutes=1)
    services.mark_attended(registration_id=registration.pk)
    assert Registration.objects.get(pk=registration.pk).attended


def test_reminders_skip_the_waitlist_and_never_send_twice(commit):
    """send_reminders reaches confirmed registrants of events starting within
    the window, never the waiting list, and a second run sends nothing."""
    soon = make_event(
        capacity=1,
        start=timezone.now() + timedelta(hours=5),
        join_url="https://zoom.example.org/j/9",
    )
    later = make_event(start=timezone.now() + timedelta(days=3))
    with commit():
        register(soon, 1)
        register(soon, 2)  # waitlisted
        register(later, 3)
    mail.outbox.clear()
    with commit():
        assert services.send_reminders(within=timedelta(hours=24)) == 1
    assert [m.to for m in mail.outbox] == [["person1@example.org"]]
    assert mail.outbox[0].subject.startswith("Reminder")
    assert "https://zoom.example.org/j/9" in mail.outbox[0].body
    with commit():
        assert services.send_reminders(within=timedelta(hours=24)) == 0
    assert len(mail.outbox) == 1


def test_reminders_skip_cancelled_events():
    """No reminder for an event that was cancelled."""
    event = make_event(start=timezone.now() + timedelta(hours=2))
    register(event, 1)
    services.cancel_event(event_id=event.pk)
    assert services.send_reminders(within=timedelta(hours=24)) == 0


def test_every_change_writes_its_email_to_the_outbox():
    """An outbox row exists exactly when the change committed: one per email,
    with the right kind, in the same transaction."""
    event = make_event(capacity=1)
    first = register(event, 1).registration
    register(event, 2)
    services.cancel_registration(registration_id=first.pk)
    kinds = list(OutboundEmail.objects.order_by("pk").values_list("kind", "recipient"))
    assert kinds == [
        ("confirmation", "person1@example.org"),
        ("waitlisted", "person2@example.org"),
        ("cancellation", "person1@example.org"),
        ("promotion", "person2@example.org"),
    ]


def test_no_email_is_written_while_the_event_is_locked():
    """Registering, cancelling and promoting only record which email is owed
    (and the place in line it reports): no template is rendered inside the
    transaction, so the event lock is never held while an email is written.
    Sending writes it, with the position recorded when it was queued."""
    event = make_event(capacity=1)
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        first = register(event, 1).registration
        register(event, 2)
        register(event, 3)
        services.cancel_registration(registration_id=first.pk)
    finally:
        template_rendered.disconnect(record)
    assert [name for name in rendered if name.startswith("emails/")] == []
    third = OutboundEmail.objects.get(recipient="person3@example.org")
    assert third.position == 2
    assert "at position 2." in write_email(third).text


def test_register_without_notification_queues_no_email():
    """notify=False (staff entry, demo data) registers and sends nothing."""
    event = make_event()
    result = services.register_for_event(
        event_id=event.pk, name="Walk In", email="walkin@example.org", notify=False
    )
    assert result.created
    assert not result.email_queued
    assert not OutboundEmail.objects.exists()


def test_database_refuses_a_second_active_registration_for_an_email():
    """The partial unique constraint is the backstop behind the service: two
    active rows for one event and address cannot exist; cancelled ones can."""
    from django.db import IntegrityError

    event = make_event()
    first = register(event, 1).registration
    duplicate = {"event": event, "name": "Again", "status": Status.WAITLISTED}
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            email="PERSON1@example.org", token_hash="x" * 64, **duplicate
        )
    services.cancel_registration(registration_id=first.pk)
    write_registration(email="person1@example.org", token_hash="y" * 64, **duplicate)
