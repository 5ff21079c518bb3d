"""Staff's message to a group of an event's registrants (PRODUCT.md §12):
one email, written once, queued to each recipient through the outbox like
every other email. Nobody whose personal data was purged is written to."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .. import selectors
from ..emails import queue_email
from ..models import Message, OutboundEmail
from ..models.message import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from . import locking
from .errors import NOT_FOUND, RegistrationError

Audience = Message.Audience

NOBODY = {
    Audience.CONFIRMED: _("Not sent: this event has no confirmed registrants."),
    Audience.WAITLISTED: _("Not sent: nobody is on this event's waiting list."),
    Audience.ATTENDED: _("Not sent: nobody is recorded as having attended."),
}


def check_message(*, audience: str, subject: str, body: str) -> None:
    """Raise ``RegistrationError`` for a message that cannot be sent,
    whoever it is for."""
    if audience not in selectors.AUDIENCE_FILTERS:
        raise RegistrationError(
            _("Choose who the message is for."), code="unknown_audience"
        )
    if not subject.strip():
        raise RegistrationError(_("Write a subject."), code="empty_subject")
    if not body.strip():
        raise RegistrationError(_("Write the message."), code="empty_body")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise RegistrationError(
            _("The subject is longer than %(max)d characters.")
            % {"max": SUBJECT_MAX_LENGTH},
            code="subject_too_long",
        )
    if len(body) > BODY_MAX_LENGTH:
        raise RegistrationError(
            _("The message is longer than %(max)d characters.")
            % {"max": BODY_MAX_LENGTH},
            code="body_too_long",
        )


def clean_body(body: str) -> str:
    """The body as it is sent: a browser's CRLF line ends as plain ones,
    without blank lines around it."""
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def send_message(
    *,
    event_id: int,
    audience: str,
    subject: str,
    body: str,
    by: AbstractBaseUser | None,
    preview_id: str = "",
) -> Message:
    """Email ``subject`` and ``body`` to the event's registrants in
    ``audience`` (confirmed, waitlisted, or attended), one outbox row each,
    sent after the commit. Refused when the message is empty or too long,
    or when there is nobody to write to, or when the preview it was sent
    from (``preview_id``) was sent already: a second click on "Send", or
    the form sent again, never writes to everyone twice. Returns the
    message, with the number of people it was queued to."""
    subject = " ".join(subject.split())
    body = clean_body(body)
    check_message(audience=audience, subject=subject, body=body)
    with transaction.atomic():
        try:
            event = locking.lock_event(event_id=event_id)
        except Event.DoesNotExist:
            raise RegistrationError(
                _("This event does not exist."), code=NOT_FOUND
            ) from None
        # Read under the lock: nobody registers, cancels or is promoted
        # between this list and the emails queued to it.
        if preview_id and Message.objects.filter(preview_id=preview_id).exists():
            raise RegistrationError(
                _("This message was sent already."), code="already_sent"
            )
        recipients = list(selectors.message_recipients(event, audience))
        if not recipients:
            raise RegistrationError(NOBODY[audience], code="no_recipients")
        message = Message.objects.create(
            preview_id=preview_id or None,
            event=event,
            audience=audience,
            subject=subject,
            body=body,
            sent_by=by,
            recipient_count=len(recipients),
        )
        for registration in recipients:
            registration.event = event
            queue_email(
                registration=registration,
                kind=OutboundEmail.Kind.MESSAGE,
                message=message,
            )
    return message
