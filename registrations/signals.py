"""Keep cached pages honest about seats when a registration is deleted
outright (staff may, in the admin): its seat or waiting place is gone.

Seats claimed and freed through ``registrations.services`` move the
markers there; this covers only the delete, which no service sees.
"""

from django.db.models.signals import post_delete

from events import page_cache
from events.models import Event

from .models import Registration


def move_seats_marker(sender, instance, origin=None, **kwargs) -> None:
    """The deleted registration's event page and every list go stale. When
    its event is being deleted, that change already made every page stale."""
    if isinstance(origin, Event):
        return
    slugs = Event.objects.filter(pk=instance.event_id).values_list("slug", flat=True)
    for slug in slugs:
        page_cache.mark_seats_changed(slug)


def connect_marker_moves() -> None:
    """Connect the seat markers' move to deletes of registrations."""
    post_delete.connect(
        move_seats_marker,
        sender=Registration,
        dispatch_uid="registrations:move_seats_marker:delete",
    )
