"""Keeping each event's tally (``EventTally``) as its registrations change.

Every service that makes a registration, changes its status or records its
attendance tells the tally what the registration was and what it is now,
under the event lock and in its own transaction, so the tally changes
exactly when the registrations do (and rolls back with them).
"""

from collections import Counter
from collections.abc import Iterable

from django.db.models import F

from ..models import EventTally
from ..models.tally import Tallied, counted_in, tallied

__all__ = ["count_changes", "tallied"]


def count_changes(event_id: int, changes: Iterable[tuple[Tallied, Tallied]]) -> None:
    """Move the event's counts by each ``(before, after)`` change of one of
    its registrations (``tallied(registration)``; None before a new one).
    One update (an insert for the event's first registration); nothing when
    no count moves. Call it under the event lock."""
    moved = Counter()
    for before, after in changes:
        moved.update(counted_in(after))
        moved.subtract(counted_in(before))
    moved = {name: n for name, n in moved.items() if n}
    if not moved:
        return
    kept = EventTally.objects.filter(event_id=event_id)
    if not kept.update(**{name: F(name) + n for name, n in moved.items()}):
        EventTally.objects.create(event_id=event_id, **moved)
