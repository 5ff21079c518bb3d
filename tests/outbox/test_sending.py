"""The outbox when things go wrong in one process: a claim left by a dead
worker, a message the server got twice, bodies that must not outlive their
use, and a mail server that never answers (issue 11, points 3 and 4)."""

import socket
import threading

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from calendar_site.settings import mailer_settings
from registrations import services
from registrations.emails import (
    deliver_outbound_email,
    requeue_email,
    send_due_emails,
)
from registrations.models import OutboundEmail
from tests.builders import make_event
from tests.subprocess_settings import setting_value, settings_in_subprocess

Status = OutboundEmail.Status


def register(event, n: int):
    return services.register_for_event(
        event_id=event.pk, name=f"Person {n}", email=f"person{n}@example.org"
    ).registration


def queued_row(n: int = 1) -> OutboundEmail:
    """A confirmation in the outbox, not sent: outside ``commit()`` the
    on_commit callback that would send it never runs."""
    register(make_event(), n)
    return OutboundEmail.objects.get(recipient=f"person{n}@example.org")


def claim(row: OutboundEmail, *, at) -> None:
    """Leave ``row`` as a worker that died mid-send leaves it."""
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, claimed_at=at, attempts=1
    )


FAILING = "tests.registrations.mail_backends.FailingEmailBackend"
TAKES_THEN_DROPS = "tests.outbox.mail_backends.TakesThenDropsBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def use_mail_backend(settings, name: str) -> None:
    settings.MAILERS = {"default": {"BACKEND": name}}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the email tasks) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.django_db
def test_a_claim_older_than_two_minutes_is_sent_again_a_younger_one_is_not(clock):
    """A row left "sending" is a dead worker's once its claim is over two
    minutes old: the sweep sends it. One claimed 1:59 ago is still someone's
    send in progress, and waits."""
    old, young = queued_row(1), queued_row(2)
    claim(old, at=clock.now)
    clock.advance(seconds=2)
    claim(young, at=clock.now)
    clock.advance(minutes=1, seconds=59)  # old: 2:01, young: 1:59

    assert send_due_emails() == {"sent": 1}
    assert [m.to for m in mail.outbox] == [["person1@example.org"]]
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.status, old.attempts) == (Status.SENT, 2)
    assert young.status == Status.SENDING

    clock.advance(seconds=2)  # young: 2:01
    assert send_due_emails() == {"sent": 1}
    assert [m.to for m in mail.outbox][-1] == ["person2@example.org"]


@pytest.mark.django_db
def test_a_stale_claim_on_the_last_try_is_given_up_on(clock, settings):
    """An email whose worker died on its last allowed try is marked failed
    instead of being tried forever: an email that kills its worker every
    time stops coming back."""
    settings.REGISTRATION_EMAIL_RETRY_DELAYS = (60,)
    row = queued_row()
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, claimed_at=clock.now, attempts=2
    )
    clock.advance(minutes=3)
    assert send_due_emails() == {}
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert "worker stopped" in row.last_error
    assert mail.outbox == []


@pytest.mark.django_db
def test_every_attempt_at_one_email_carries_the_same_message_id(settings):
    """The server took the first attempt but the line dropped before its
    reply; the retry delivers it again with the same Message-ID, so the
    second copy is recognisably the same message. Another email has its own."""
    row = queued_row(1)
    use_mail_backend(settings, TAKES_THEN_DROPS)
    assert deliver_outbound_email(email_id=row.pk) == Status.PENDING
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=None)
    use_mail_backend(settings, LOCMEM)
    assert deliver_outbound_email(email_id=row.pk) == Status.SENT
    other = queued_row(2)
    assert deliver_outbound_email(email_id=other.pk) == Status.SENT

    first, second, third = (m.message()["Message-ID"] for m in mail.outbox)
    assert first == second
    assert first != third
    assert first.startswith(f"<almanac.outbound.{row.pk}.")
    assert first.endswith("@calendar.example.org>")
    assert third.startswith(f"<almanac.outbound.{other.pk}.")


@pytest.mark.django_db
def test_the_words_are_written_when_sent_never_stored():
    """A queued email is only a record (kind, recipient, subject): the
    bodies, the link and the join URL are written as it is sent, and the
    row holds none of them before or after."""
    row = queued_row()
    assert (row.body_text, row.body_html) == ("", "")
    assert deliver_outbound_email(email_id=row.pk) == Status.SENT
    row.refresh_from_db()
    assert (row.body_text, row.body_html) == ("", "")
    assert row.subject and row.recipient == "person1@example.org"
    assert row.sent_at is not None
    assert "/registrations/" in mail.outbox[0].body


@pytest.mark.django_db
def test_an_email_given_up_on_can_be_resent_with_the_link_as_it_is_now(settings):
    """After its last failed try, an email carrying the registrant's link
    keeps its error; staff's resend writes it afresh, with the link the
    registration has now (a new one if staff revoked the old)."""
    settings.REGISTRATION_EMAIL_RETRY_DELAYS = ()
    use_mail_backend(settings, FAILING)
    row = queued_row()
    assert deliver_outbound_email(email_id=row.pk) == Status.FAILED
    row.refresh_from_db()
    assert "SMTPServerDisconnected" in row.last_error
    revoked = services.revoke_links(registration_id=row.registration_id)

    use_mail_backend(settings, LOCMEM)
    assert requeue_email(email_id=row.pk) is True
    assert deliver_outbound_email(email_id=row.pk) == Status.SENT
    assert f"/registrations/{services.link_token(revoked)}/" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_sign_in_email_is_cleared_when_given_up_on(settings):
    """A sign-in email is written when asked for (its one-time token exists
    only then): after its last failed try its bodies, which hold the link,
    are cleared, and the outbox's "resend" leaves it alone."""
    settings.REGISTRATION_EMAIL_RETRY_DELAYS = ()
    use_mail_backend(settings, FAILING)
    assert services.request_sign_in_link(email="ada@example.org")
    row = OutboundEmail.objects.get(kind=OutboundEmail.Kind.SIGN_IN)
    assert "/my/sign-in/" in row.body_text
    assert deliver_outbound_email(email_id=row.pk) == Status.FAILED
    row.refresh_from_db()
    assert (row.body_text, row.body_html) == ("", "")
    assert requeue_email(email_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == Status.FAILED


@pytest.mark.rows_changed_by_hand
@pytest.mark.django_db
def test_an_email_whose_registration_was_deleted_is_not_sent():
    """Staff deleted the registration before its email went out: there is
    nobody to write it for, so it is marked failed with the reason, once."""
    row = queued_row()
    row.registration.delete()
    assert deliver_outbound_email(email_id=row.pk) == Status.FAILED
    row.refresh_from_db()
    assert "deleted" in row.last_error
    assert mail.outbox == []
    assert send_due_emails() == {}


@pytest.mark.django_db
def test_a_receipt_given_up_on_is_delivered_by_a_resend(settings, commit):
    """A cancellation receipt that failed its last try is delivered by
    staff's resend once the server is back."""
    settings.REGISTRATION_EMAIL_RETRY_DELAYS = ()
    registration = register(make_event(), 1)
    use_mail_backend(settings, FAILING)
    with commit():
        services.cancel_registration(registration_id=registration.pk)
    row = OutboundEmail.objects.get(kind=OutboundEmail.Kind.CANCELLATION)
    assert row.status == Status.FAILED

    use_mail_backend(settings, LOCMEM)
    with commit():
        assert requeue_email(email_id=row.pk) is True
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert mail.outbox[-1].subject.startswith("Your registration is cancelled")


class SilentMailServer:
    """A TCP server that accepts connections and never says a word, as a
    hung mail server does; it counts the connections it took."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _address = self.sock.accept()
            except OSError:  # closed
                return
            self.accepted.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent_server():
    server = SilentMailServer()
    yield server
    server.close()


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_never_answers_costs_one_timeout_and_a_retry(
    settings, silent_server
):
    """With the SMTP server accepting and never answering, the send gives up
    after the mailer's timeout (EMAIL_TIMEOUT) and the email waits for its
    retry, instead of holding the worker for good. The guard is a generous
    join on the sending thread, not a measurement."""
    # Committed for the sending thread to see, and left for it to send.
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    row = queued_row()
    settings.MAILERS = {
        "default": mailer_settings(
            f"smtp://127.0.0.1:{silent_server.port}", timeout=0.5
        )
    }
    assert mail.mailers["default"].timeout == 0.5
    outcome = []

    def send():
        try:
            outcome.append(deliver_outbound_email(email_id=row.pk))
        finally:
            connections.close_all()

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    sender.join(timeout=120)
    assert not sender.is_alive(), "the send is still waiting for the server"
    assert outcome == [Status.PENDING]
    assert len(silent_server.accepted) == 1
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.last_error.endswith("timed out")
    assert row.next_attempt_at > timezone.now()


def test_email_timeout_comes_from_the_environment():
    """EMAIL_TIMEOUT sets the SMTP mailer's timeout (10 seconds unless set);
    a value that is not a number of seconds up to a minute is refused with
    a message that names it."""
    base = {"SECRET_KEY": "x", "EMAIL_URL": "smtp://mail.example.org"}
    timeout = 'settings.MAILERS["default"]["OPTIONS"]["timeout"]'
    assert setting_value(base, timeout) == "10.0"
    assert setting_value(base | {"EMAIL_TIMEOUT": "2.5"}, timeout) == "2.5"
    for bad in ("soon", "0", "-1", "3600"):
        result = settings_in_subprocess(base | {"EMAIL_TIMEOUT": bad}, timeout)
        assert result.returncode != 0
        assert "EMAIL_TIMEOUT must be a number of seconds" in result.stderr
