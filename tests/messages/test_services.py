"""``services.send_message``: one message from staff, queued through the
outbox to exactly the chosen group of an event's registrants (confirmed,
waiting, or attended), never to someone cancelled or erased; its words
written when each email is sent, the body escaped in the HTML version;
refused when empty, too long, or with nobody to write to."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from registrations import selectors, services
from registrations.emails import deliver_outbound_email
from registrations.models import Message, OutboundEmail, Registration
from registrations.services import locking
from tests.builders import make_event, write_registration
from tests.registrations.conftest import register

pytestmark = pytest.mark.django_db

Audience = Message.Audience
Kind = OutboundEmail.Kind


def send(event, audience, subject="Room change", body="We moved rooms.", by=None):
    return services.send_message(
        event_id=event.pk, audience=audience, subject=subject, body=body, by=by
    )


def queued_to(message) -> set[str]:
    return set(
        OutboundEmail.objects.filter(message=message).values_list(
            "recipient", flat=True
        )
    )


def test_the_workshop_is_what_the_tests_assume(workshop):
    """Each group has the people the tests below expect (so a wrong filter
    fails on who it reached, not on a fixture that drifted)."""
    _event, people = workshop
    status = {name: r.status for name, r in people.items()}
    assert status == {
        "Ada": "confirmed",
        "Ben": "confirmed",
        "Cleo": "confirmed",
        "Dora": "waitlisted",
        "Eve": "waitlisted",
        "Gus": "cancelled",
    }
    assert people["Cleo"].attended and people["Cleo"].purged_at is not None


@pytest.mark.parametrize(
    ("audience", "reached"),
    [
        (Audience.CONFIRMED, {"ada@example.org", "ben@example.org"}),
        (Audience.WAITLISTED, {"dora@example.org", "eve@example.org"}),
        (Audience.ATTENDED, {"ada@example.org"}),
    ],
)
def test_reaches_exactly_the_chosen_group(workshop, audience, reached, clock):
    """Confirmed: the seat holders; waiting: the waiting list; attended:
    seat holders marked attended. Never Gus (cancelled) nor Cleo (erased),
    nor anyone of another event; one outbox row each, of kind "message",
    with the message's subject."""
    event, _people = workshop
    other = make_event(start=clock.now - timedelta(minutes=10), capacity=1)
    write_registration(
        other,
        name="Olga Other",
        email="olga@example.org",
        status=Registration.Status.CONFIRMED,
        attended=True,
        token_hash="x" * 64,
    )
    write_registration(
        other,
        name="Walt Other",
        email="walt@example.org",
        status=Registration.Status.WAITLISTED,
        token_hash="y" * 64,
    )
    message = send(event, audience)
    assert queued_to(message) == reached
    assert message.recipient_count == len(reached)
    emails = OutboundEmail.objects.filter(message=message)
    assert {(e.kind, e.subject, e.status) for e in emails} == {
        (Kind.MESSAGE, "Room change", OutboundEmail.Status.PENDING)
    }
    assert OutboundEmail.objects.filter(kind=Kind.MESSAGE).count() == len(reached)


def test_keeps_the_message_and_who_sent_it(workshop):
    """The message is kept with its event, its group and the staff member who
    sent it; the subject becomes one trimmed line, and the browser's line
    endings in the message become plain ones, the trailing one dropped."""
    event, _people = workshop
    staff = get_user_model().objects.create_user("lena", is_staff=True)
    message = send(
        event,
        Audience.CONFIRMED,
        subject="  Parking\n update ",
        body="A\r\nB\r\n",
        by=staff,
    )
    message.refresh_from_db()
    assert (message.event, message.audience, message.sent_by) == (
        event,
        "confirmed",
        staff,
    )
    # One line for the subject; the browser's CRLF line ends as plain ones.
    assert (message.subject, message.body) == ("Parking update", "A\nB")


def test_each_email_goes_out_with_the_message_after_the_commit(
    workshop, django_capture_on_commit_callbacks
):
    """Through the outbox: nothing is sent until the commit; then one email
    per recipient, with staff's subject, the body in the plain text as
    written and in the HTML escaped with its line breaks, inside the usual
    email (greeting, event details), and no self-service link."""
    event, _people = workshop
    body = (
        "Bring <b>your</b> laptop & charger.\n"
        "Slides: https://example.org/slides\n\nSee you!"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send(event, Audience.CONFIRMED, subject="Before Tuesday", body=body)
        assert mail.outbox == []
    assert callbacks
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ada@example.org",
        "ben@example.org",
    ]
    email = next(m for m in mail.outbox if m.to == ["ada@example.org"])
    assert email.subject == "Before Tuesday"
    assert "Hello Ada Reader," in email.body
    assert body in email.body
    assert "Grant Writing Basics" in email.body
    assert "/registrations/" not in email.body  # no self-service link
    assert email.attachments == []  # no .ics: it says nothing about the seat
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Hello Ada Reader," in html
    assert "<b>your</b>" not in html
    assert (
        "<p>Bring &lt;b&gt;your&lt;/b&gt; laptop &amp; charger.<br>Slides: "
        '<a href="https://example.org/slides" rel="nofollow">'
        "https://example.org/slides</a></p>\n\n<p>See you!</p>"
    ) in html
    assert "/registrations/" not in html
    statuses = OutboundEmail.objects.filter(kind=Kind.MESSAGE).values_list(
        "status", flat=True
    )
    assert set(statuses) == {OutboundEmail.Status.SENT}


def test_reads_the_recipients_under_the_event_lock(workshop, monkeypatch):
    """The event is locked first, and the group read after: someone who
    registered just before the lock was granted is written to."""
    event, _people = workshop
    lock = locking.lock_event
    locked = []

    def lock_then_someone_registers(**kwargs):
        locked.append(kwargs)
        locked_event = lock(**kwargs)
        write_registration(
            event,
            name="Hal Reader",
            email="hal@example.org",
            email_normalized="hal@example.org",
            status=Registration.Status.WAITLISTED,
        )
        return locked_event

    monkeypatch.setattr(locking, "lock_event", lock_then_someone_registers)
    message = send(event, Audience.WAITLISTED)
    assert locked == [{"event_id": event.pk}]
    assert "hal@example.org" in queued_to(message)


@pytest.mark.parametrize(
    ("subject", "body", "said"),
    [
        ("", "Hello", "Write a subject."),
        ("   ", "Hello", "Write a subject."),
        ("Hello", "", "Write the message."),
        ("Hello", " \r\n \n", "Write the message."),
        ("x" * 201, "Hello", "The subject is longer than 200 characters."),
        ("Hello", "x" * 5001, "The message is longer than 5000 characters."),
    ],
)
def test_refuses_an_empty_or_too_long_message(workshop, subject, body, said):
    """An empty or blank subject or message, a subject over 200 characters or a
    message over 5,000 is refused with a message saying so; nothing is kept or
    queued."""
    event, _people = workshop
    with pytest.raises(services.RegistrationError) as refused:
        send(event, Audience.CONFIRMED, subject=subject, body=body)
    assert refused.value.message == said
    assert not Message.objects.exists()
    assert not OutboundEmail.objects.filter(kind=Kind.MESSAGE).exists()


def test_a_message_of_the_longest_length_is_sent(workshop):
    """A subject of exactly 200 characters and a message of exactly 5,000 are
    accepted and sent (to the one attendee)."""
    event, _people = workshop
    message = send(event, Audience.ATTENDED, subject="x" * 200, body="y" * 5000)
    assert message.recipient_count == 1


def test_refuses_when_nobody_is_in_the_group(clock):
    """An event without a waiting list, nobody attended yet: nothing sent."""
    event = make_event(start=clock.now + timedelta(days=2))
    register(event, 1)
    for audience, said in [
        (Audience.WAITLISTED, "Not sent: nobody is on this event's waiting list."),
        (Audience.ATTENDED, "Not sent: nobody is recorded as having attended."),
    ]:
        with pytest.raises(services.RegistrationError) as refused:
            send(event, audience)
        assert (refused.value.message, refused.value.code) == (said, "no_recipients")
    assert not Message.objects.exists()
    assert send(event, Audience.CONFIRMED).recipient_count == 1


def test_refuses_an_unknown_group_or_event(workshop):
    """A group that does not exist is refused as an unknown group, and an event
    that does not exist as not found."""
    event, _people = workshop
    with pytest.raises(services.RegistrationError) as refused:
        send(event, "everyone")
    assert refused.value.code == "unknown_audience"
    with pytest.raises(services.RegistrationError) as refused:
        services.send_message(
            event_id=event.pk + 1000,
            audience="confirmed",
            subject="a",
            body="b",
            by=None,
        )
    assert refused.value.code == "not_found"


def test_counts_each_group_in_one_query(workshop, django_assert_num_queries):
    """Counting the people in each group (2 confirmed, 2 waiting, 1 attended)
    takes a single database query."""
    event, _people = workshop
    with django_assert_num_queries(1):
        counts = selectors.count_audiences(event)
    assert counts == {"confirmed": 2, "waitlisted": 2, "attended": 1}


def test_someone_erased_before_their_email_went_out_is_not_written_to(workshop):
    """Queued, then purged before the worker got to it: no email, the row
    failed; the others still go out."""
    event, people = workshop
    message = send(event, Audience.CONFIRMED)
    Registration.objects.filter(pk=people["Ben"].pk).update(
        name="", email="purged@invalid", purged_at=people["Ben"].created_at
    )
    results = {
        email.recipient: deliver_outbound_email(email_id=email.pk)
        for email in OutboundEmail.objects.filter(message=message)
    }
    assert results == {"ada@example.org": "sent", "ben@example.org": "failed"}
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_an_email_whose_message_was_deleted_is_not_sent(workshop):
    """If the message is deleted after its email was queued, the email is marked
    failed and nothing is sent."""
    event, _people = workshop
    message = send(event, Audience.ATTENDED)
    email = OutboundEmail.objects.get(message=message)
    message.delete()
    assert deliver_outbound_email(email_id=email.pk) == "failed"
    assert mail.outbox == []


def test_the_purge_erases_the_emails_and_keeps_staff_words(workshop, clock):
    """Staff's message is not anyone's personal data: the purge keeps it
    (and its count), and erases the emails as it does every other."""
    event, _people = workshop
    message = send(event, Audience.CONFIRMED, subject="Slides", body="Here they are.")
    clock.advance(days=120)
    services.purge_personal_data()
    message.refresh_from_db()
    assert (message.subject, message.body, message.recipient_count) == (
        "Slides",
        "Here they are.",
        2,
    )
    emails = OutboundEmail.objects.filter(message=message)
    assert all(e.recipient.endswith("@invalid") and e.subject == "" for e in emails)
