"""The outbox: what each email says, and how sending, failing and retrying
leave the registration and the record."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations import services
from registrations.emails import (
    deliver_outbound_email,
    requeue_email,
    send_due_emails,
    write_email,
)
from registrations.models import OutboundEmail, Registration
from registrations.tasks import send_outbound_email
from tests import dom
from tests.builders import make_event

from .conftest import register

pytestmark = pytest.mark.django_db

JOIN = "https://zoom.example.org/j/555"


def unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "")


def test_confirmation_has_text_html_and_an_ics_with_the_join_url(commit):
    """A confirmed seat's email: both parts, absolute links, the join URL,
    and event.ics carrying the join URL too."""
    event = make_event("Copyright Basics", capacity=5, join_url=JOIN)
    with commit():
        register(event, 1)
    [message] = mail.outbox
    assert message.subject == "You're registered: Copyright Basics"
    assert message.to == ["person1@example.org"]
    assert JOIN in message.body
    assert "https://calendar.example.org/registrations/" in message.body
    assert f"https://calendar.example.org{event.get_absolute_url()}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert JOIN in html
    [attachment] = message.attachments
    assert attachment.filename == "event.ics"
    assert attachment.mimetype.startswith("text/calendar")
    assert JOIN in unfolded(attachment.content)


def test_waitlisted_email_gives_the_position_and_no_join_url(commit):
    """The waiting list email says where you stand, with no join URL or .ics."""
    event = make_event(capacity=1, join_url=JOIN)
    with commit():
        register(event, 1)
        register(event, 2)
        register(event, 3)
    message = mail.outbox[-1]
    assert "waiting list" in message.subject
    assert "at position 2" in message.body
    assert JOIN not in message.body
    assert JOIN not in message.alternatives[0].content
    assert message.attachments == []


def test_html_part_escapes_what_members_typed(commit):
    """A name with markup is escaped in the HTML part: read as HTML, it is
    the text the member typed, and no element."""
    event = make_event()
    with commit():
        register(event, 1, name="<b>Eve</b>")
    html = dom.parse(mail.outbox[0].alternatives[0].content)
    assert "<b>Eve</b>" in dom.text(html)
    assert dom.find_all(html, "b") == []


def test_the_outbox_never_stores_the_link(commit):
    """The row says what the email is about; its words, with the secret link
    and the join URL, are written only when it is sent, so neither is ever
    in the database, before or after."""
    event = make_event(join_url=JOIN)
    with commit():
        register(event, 1)
    row = OutboundEmail.objects.get()
    assert row.status == OutboundEmail.Status.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert (row.body_text, row.body_html) == ("", "")
    assert row.subject and row.recipient == "person1@example.org"
    sent = mail.outbox[0]
    assert "/registrations/" in sent.body and JOIN in sent.body
    assert [name for name, *_ in sent.attachments] == ["event.ics"]


def test_failing_mail_server_keeps_the_registration(commit, failing_mail):
    """A mail server that raises loses and rolls back nothing: the
    registration stays, the email waits for a retry with the error noted."""
    event = make_event()
    with commit():
        result = register(event, 1)
    assert Registration.objects.get(pk=result.registration.pk).status == "confirmed"
    row = OutboundEmail.objects.get()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=30)


def test_retries_wait_longer_each_time_then_fail_for_good(
    commit, failing_mail, settings
):
    """Each failure waits longer before the next try; after the last try the
    email is marked failed, its error kept."""
    settings.REGISTRATION_EMAIL_RETRY_DELAYS = (60, 600)
    event = make_event()
    with commit():
        register(event, 1)
    row = OutboundEmail.objects.get()
    # Not due yet: nothing happens.
    assert send_due_emails() == {}
    waits = []
    for _attempt in range(2):
        row.refresh_from_db()
        waits.append(row.next_attempt_at - timezone.now())
        OutboundEmail.objects.filter(pk=row.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        send_due_emails()
    row.refresh_from_db()
    assert waits[0] < timedelta(seconds=61) < waits[1]
    assert row.status == OutboundEmail.Status.FAILED
    assert row.attempts == 3
    assert row.next_attempt_at is None
    assert "SMTPServerDisconnected" in row.last_error
    assert (row.body_text, row.body_html) == ("", "")
    assert send_due_emails() == {}


def test_staff_resend_of_a_failed_email_delivers_it(commit, settings):
    """ "Resend" gives a failed email fresh tries; once the server is back
    it goes out."""
    event = make_event()
    registration = register(event, 1).registration
    row = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=row.pk).update(status="failed", attempts=5)
    with commit():
        assert requeue_email(email_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert mail.outbox[0].to == [registration.email]


def test_a_sent_email_is_never_sent_twice(commit):
    """Running the task again, or the pending sweep, skips a sent email."""
    event = make_event()
    with commit():
        register(event, 1)
    row = OutboundEmail.objects.get()
    assert deliver_outbound_email(email_id=row.pk) == "skipped"
    assert send_due_emails() == {}
    assert len(mail.outbox) == 1


def test_stale_claim_is_released_and_sent():
    """An email left "sending" by a worker that died goes out on the sweep."""
    event = make_event()
    register(event, 1)  # on_commit never runs here: the email is pending
    OutboundEmail.objects.update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert send_due_emails() == {"sent": 1}
    assert len(mail.outbox) == 1


def test_database_backend_queues_the_send_and_defers_the_retry(
    commit, failing_mail, settings
):
    """With django_tasks_db the commit queues a task row; a failure queues
    the retry to run no sooner than the email's next attempt."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = make_event()
    with commit():
        register(event, 1)
    row = OutboundEmail.objects.get()
    assert row.status == OutboundEmail.Status.PENDING
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "registrations.tasks.send_outbound_email"
    assert queued.args_kwargs["args"] == [row.pk]

    # What the worker does with that row:
    send_outbound_email.call(row.pk)
    row.refresh_from_db()
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert row.attempts == 1
    assert retry.run_after == row.next_attempt_at
    assert retry.args_kwargs["args"] == [row.pk]


def test_send_pending_emails_command(settings):
    """The management command sends what is due and says so."""
    event = make_event()
    register(event, 1)
    out = []
    call_command("send_pending_emails", stdout=FakeOut(out))
    assert "1 sent" in "".join(out)
    assert len(mail.outbox) == 1


def test_send_reminders_command(commit):
    """`manage.py send_reminders --hours` queues reminders in its window."""
    event = make_event(start=timezone.now() + timedelta(hours=30))
    with commit():
        register(event, 1)
    out = []
    call_command("send_reminders", "--hours", "24", stdout=FakeOut(out))
    assert "Queued 0" in "".join(out)
    with commit():
        call_command("send_reminders", "--hours", "48", stdout=FakeOut(out))
    assert "Queued 1" in "".join(out)
    assert mail.outbox[-1].subject.startswith("Reminder")


def test_event_cancelled_email_tells_the_waitlisted_their_place_is_gone(commit):
    """The waitlisted get the event-cancelled email too, in their own words."""
    event = make_event(capacity=1)
    with commit():
        register(event, 1)
        register(event, 2)
    mail.outbox.clear()
    with commit():
        services.cancel_event(event_id=event.pk)
    waitlisted = next(m for m in mail.outbox if m.to == ["person2@example.org"])
    assert "place on the waiting list" in waitlisted.body
    assert waitlisted.attachments == []


class FakeOut:
    def __init__(self, sink):
        self.sink = sink

    def write(self, text):
        self.sink.append(text)

    def flush(self):
        pass


def test_readable_console_backend_prints_links_whole():
    """The development console backend prints the text part as written, so a
    long self-service link is not broken by quoted-printable encoding."""
    import io

    from django.core.mail import EmailMultiAlternatives

    from registrations.mail_backends import ReadableConsoleBackend

    link = "https://calendar.example.org/registrations/" + "x" * 60 + "/"
    message = EmailMultiAlternatives("Hi", f"Your link:\n{link}\n", to=["a@b.org"])
    message.attach_alternative("<p>hi</p>", "text/html")
    message.attach("event.ics", "BEGIN:VCALENDAR", "text/calendar")
    stream = io.StringIO()
    ReadableConsoleBackend(stream=stream).send_messages([message])
    output = stream.getvalue()
    assert link in output
    assert "[attached: event.ics (text/calendar)]" in output
    assert "To: a@b.org" in output


def test_seat_emails_share_one_ics_until_the_event_or_its_categories_change(
    monkeypatch,
):
    """The .ics names no one, so it is built once for every seat holder of
    the same version of an event; a change to the event, or to the name of
    one of its categories, builds a new one."""
    import events.ical
    from registrations import mail_parts
    from tests.builders import make_category

    built = []
    real = events.ical.event_ics

    def counting(event, **kwargs):
        built.append(event.pk)
        return real(event, **kwargs)

    monkeypatch.setattr(events.ical, "event_ics", counting)
    monkeypatch.setattr(mail_parts, "_ics_cache", {})
    category = make_category("Copyright")
    event = make_event("Fair Use", capacity=5, join_url=JOIN, categories=[category])
    register(event, 1)
    register(event, 2)
    first, second = (
        write_email(row).ics
        for row in OutboundEmail.objects.filter(kind="confirmation").order_by("pk")
    )
    assert first == second
    assert "CATEGORIES:Copyright" in first
    assert len(built) == 1

    category.name = "Copyright law"
    category.save()
    register(event, 3)
    third = write_email(OutboundEmail.objects.filter(kind="confirmation").latest("pk"))
    assert "CATEGORIES:Copyright law" in third.ics
    assert len(built) == 2

    event.title = "Fair Use, revised"
    event.save()
    register(event, 4)
    fourth = write_email(OutboundEmail.objects.filter(kind="confirmation").latest("pk"))
    assert "SUMMARY:Fair Use\\, revised" in unfolded(fourth.ics)
    assert len(built) == 3
