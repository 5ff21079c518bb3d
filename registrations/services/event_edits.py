"""Staff's edit of an event, applied in the order its registrants should
hear of it: saved, then cancelled, then its seats changed, then told it
moved, then sent the recording."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from events.models import Event

from ..models import Registration
from . import locking
from .errors import RegistrationError
from .notices import announce_cancellation, announce_move, mail_recording
from .waitlist import apply_capacity

# A change to any of these is news for everyone registered.
MOVE_FIELDS = ("start", "end", "time_zone", "location")


@dataclass
class EventEditResult:
    """What an edit did, for the admin to report."""

    # The edit cancelled the event; this many registrants were emailed.
    cancelled: bool = False
    cancellation_emails: int = 0
    promoted: list[Registration] = field(default_factory=list)
    # The new capacity was below the confirmed seats; the old one stays.
    capacity_refused: RegistrationError | None = None
    move_emails: int = 0
    # None: the recording was not sent by this edit.
    recording_emails: int | None = None
    recording_refused: RegistrationError | None = None
    # A new recording URL on an event that has not ended: sent later.
    recording_waits: bool = False


def save_event_edit(*, event: Event) -> EventEditResult:
    """Save ``event``, an existing event carrying staff's unsaved edit, and do
    what the edit calls for, in one transaction under the event's lock,
    compared with the row as stored:

    1. every field saved but the capacity and a change to cancelled;
    2. cancelled, if the edit says so, with an email to each registrant;
    3. the capacity changed, promoting the waitlist, unless cancelled (so a
       cancelled event never emails "you're in" and then "cancelled"); a
       capacity below the confirmed seats is refused and the old one kept;
    4. registrants told of a new time or place;
    5. a new recording URL emailed once the event has ended.
    """
    result = EventEditResult()
    with transaction.atomic():
        stored = locking.lock_event(event_id=event.pk)
        capacity = event.capacity
        result.cancelled = (
            event.status == Event.Status.CANCELLED
            and stored.status != Event.Status.CANCELLED
        )
        moved = any(getattr(event, f) != getattr(stored, f) for f in MOVE_FIELDS)
        event.capacity = stored.capacity
        if result.cancelled:
            event.status = stored.status
        event.save()

        if result.cancelled:
            result.cancellation_emails = announce_cancellation(event)
        if capacity != stored.capacity:
            try:
                result.promoted = apply_capacity(event, capacity)
            except RegistrationError as refused:
                result.capacity_refused = refused
        if moved and not result.cancelled:
            result.move_emails = announce_move(event, timezone.now())
        if event.recording_url and event.recording_url != stored.recording_url:
            if event.is_past:
                try:
                    result.recording_emails = mail_recording(event)
                except RegistrationError as refused:
                    result.recording_refused = refused
            else:
                result.recording_waits = True
    return result
