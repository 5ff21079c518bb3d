"""Registering: a seat, a place on the waiting list, or a refusal."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import page_cache
from events.models import Event

from .. import selectors
from ..emails import queue_email
from ..models import Answer, Question, Registration, normalize_email
from ..validators import validate_registrant
from . import locking, tally
from .errors import NOT_FOUND, RegistrationError, refusal
from .links import email_with_link, new_link, status_email_kind
from .membership import find_membership, needs_approval

Status = Registration.Status

# A repeat submission re-sends the person's email, but not more often than this.
DEFAULT_RESEND_INTERVAL = timedelta(minutes=5)

# Where a registration may go on, or be answered with the existing one.
DECIDED_UNDER_THE_LOCK = {
    selectors.OPEN,
    selectors.WAITLIST,
    selectors.FULL,
    selectors.WAITLIST_FULL,
}


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool
    # Whether this submission put an email in the outbox (a repeat submission
    # only does once every few minutes).
    email_queued: bool


def resend_interval() -> timedelta:
    seconds = getattr(settings, "REGISTRATION_RESEND_INTERVAL", None)
    return DEFAULT_RESEND_INTERVAL if seconds is None else timedelta(seconds=seconds)


def register_for_event(
    *,
    event_id: int | None = None,
    event_slug: str | None = None,
    name: str,
    email: str,
    organization: str = "",
    accommodation_request: str = "",
    answers: Mapping[Question, str] | None = None,
    notify: bool = True,
) -> RegistrationResult:
    """Confirm a seat, or a place on the waiting list, or refuse with a reason.

    On an event for members (``Event.who_may_register``), an address on a
    member library's domain registers as anyone would; someone who names a
    member library from another address is registered as awaiting approval
    (no seat held until staff approve); anyone else is refused with the
    event's note on how non-members can attend.

    Someone already registered (same address, any letter case) gets their
    existing registration back and their email again, with the same link,
    at most once every few minutes. ``notify=False`` (staff entering people,
    demo data) sends nothing; a later resend gives them their link.

    The event is given by ``event_id`` or, from the registration page, by
    ``event_slug``, so that finding it and locking it is one query.
    ``answers`` are ``{question: text}`` for the event's own questions, as
    the form loaded them (so checking them costs no query); an answer to
    another event's question is not kept.
    """
    if (event_id is None) == (event_slug is None):
        raise TypeError("Give event_id or event_slug.")
    name, email = name.strip(), email.strip()
    if not name or "@" not in email:
        raise RegistrationError(
            _("Please give your name and email address."), code="invalid"
        )
    # The form's rules again, for callers without it: one-line names (no
    # lines of their own in an email), an address at a public domain.
    try:
        validate_registrant(name=name, email=email, organization=organization)
    except ValidationError as error:
        raise RegistrationError(" ".join(error.messages), code="invalid") from None
    # The directory is read before the event lock: it is not what the lock
    # guards, and the time under the lock is everyone else's wait.
    membership = find_membership(email=email, organization=organization)
    with transaction.atomic(durable=True):
        try:
            event = locking.lock_event(event_id=event_id, slug=event_slug)
        except Event.DoesNotExist:
            raise RegistrationError(
                _("This event does not exist."), code=NOT_FOUND
            ) from None
        now = timezone.now()
        seats = locking.read_seat_counts(event, email_normalized=normalize_email(email))
        state = selectors.registration_state(
            event, confirmed=seats.confirmed, waitlisted=seats.waitlisted, now=now
        )
        if state.code not in DECIDED_UNDER_THE_LOCK:
            raise refusal(state.code, event)

        if seats.existing_id is not None:
            existing = Registration.objects.get(pk=seats.existing_id)
            existing.event = event
            due = notify and (
                existing.last_emailed_at is None
                or now - existing.last_emailed_at >= resend_interval()
            )
            if due:
                email_with_link(existing, status_email_kind(existing), now)
            return RegistrationResult(existing, created=False, email_queued=due)

        if not state.accepts_registrations:
            raise refusal(state.code, event)
        if needs_approval(event, membership, now=now):
            status = Status.AWAITING_APPROVAL
        elif state.code == selectors.OPEN:
            status = Status.CONFIRMED
        else:
            status = Status.WAITLISTED
        registration = Registration(
            event=event,
            name=name,
            email=email,
            organization=organization.strip(),
            library_id=membership.library_id,
            accommodation_request=accommodation_request.strip(),
            status=status,
            line_number=seats.next_in_line,
            last_emailed_at=now if notify else None,
        )
        new_link(registration)
        registration.save(force_insert=True)
        tally.count_changes(event.pk, [(None, tally.tallied(registration))])
        Answer.objects.bulk_create(
            Answer(registration=registration, question=question, value=value)
            for question, value in answers_to_the_events_questions(answers, event)
        )
        page_cache.mark_seats_changed(event.slug)
        if notify:
            queue_email(
                registration=registration,
                kind=status_email_kind(registration),
                position=seats.waitlisted + 1 if status == Status.WAITLISTED else None,
            )
        return RegistrationResult(registration, created=True, email_queued=notify)


def answers_to_the_events_questions(
    answers: Mapping[Question, str] | None, event: Event
) -> list[tuple[Question, str]]:
    """The given answers that say something, to questions of ``event``
    (checked on the questions as loaded: no query)."""
    return [
        (question, value)
        for question, value in (answers or {}).items()
        if value != "" and question.event_id == event.pk
    ]
