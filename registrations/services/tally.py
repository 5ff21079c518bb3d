"""Keeping each event's tally (``EventTally``) as its registrations change.

Every service that makes a registration, changes its status or records its
attendance tells the tally what the registration was and what it is now,
under the event lock and in its own transaction, so the tally changes
exactly when the registrations do (and rolls back with them).
"""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from events.models import Event

from ..models import EventTally, Registration
from ..models.tally import Tallied, counted_in, tallied
from . import locking

__all__ = ["count_changes", "recount_tallies", "tallied"]


def count_changes(event_id: int, changes: Iterable[tuple[Tallied, Tallied]]) -> None:
    """Move the event's counts by each ``(before, after)`` change of one of
    its registrations (``tallied(registration)``; None before a new one).
    One update; nothing when no count moves. Call it under the event lock,
    after writing the registrations.

    An event without a tally yet (its first registration, or registrations
    written before tallies existed) is counted whole instead, from its
    registrations as they now are."""
    moved = Counter()
    for before, after in changes:
        moved.update(counted_in(after))
        moved.subtract(counted_in(before))
    moved = {name: n for name, n in moved.items() if n}
    if not moved:
        return
    kept = EventTally.objects.filter(event_id=event_id)
    if not kept.update(**{name: F(name) + n for name, n in moved.items()}):
        EventTally.objects.recount(Event.objects.filter(pk=event_id))


def recount_tallies() -> tuple[int, int]:
    """Count every event's tally afresh from its registrations, each under
    its event's lock so no registration made meanwhile is missed. For after
    an upgrade (registrations the previous version wrote while the new one
    was being deployed) or a change made to the database by hand. Returns
    how many events were counted, and how many of them had drifted."""
    counted = drifted = 0
    event_ids = (
        Registration.objects.order_by("event_id")
        .values_list("event_id", flat=True)
        .distinct()
    )
    for event_id in event_ids.iterator():
        with transaction.atomic():
            locking.lock_event(event_id=event_id)
            kept = EventTally.objects.filter(event_id=event_id).first()
            before = kept.counts() if kept else None
            EventTally.objects.recount(Event.objects.filter(pk=event_id))
            counted += 1
            drifted += EventTally.objects.get(event_id=event_id).counts() != before
    return counted, drifted
