"""Keep cached pages honest about what registration adds to them: seats
when a registration is deleted outright (staff may, in the admin), and the
registration form's own questions and its list of member libraries.

Seats claimed and freed through ``registrations.services`` move the
markers there; this covers only the delete, which no service sees.
"""

from django.db.models.signals import post_delete, post_save

from events import page_cache
from events.models import Event
from members.models import LibraryDomain, MemberLibrary

from .models import Question, Registration

# What the registration box shows besides seats: every page goes stale.
SHOWN_IN_THE_FORM = (Question, MemberLibrary, LibraryDomain)


def move_seats_marker(sender, instance, origin=None, **kwargs) -> None:
    """The deleted registration's event page and every list go stale. When
    its event is being deleted, that change already made every page stale."""
    if isinstance(origin, Event):
        return
    slugs = Event.objects.filter(pk=instance.event_id).values_list("slug", flat=True)
    for slug in slugs:
        page_cache.mark_seats_changed(slug)


def move_pages_content_marker(sender, **kwargs) -> None:
    page_cache.mark_content_changed()


def connect_marker_moves() -> None:
    """Connect the seat markers' move to deletes of registrations, and the
    pages' content marker to changes of what the form shows."""
    post_delete.connect(
        move_seats_marker,
        sender=Registration,
        dispatch_uid="registrations:move_seats_marker:delete",
    )
    for model in SHOWN_IN_THE_FORM:
        uid = f"registrations:move_pages_content_marker:{model._meta.label}"
        post_save.connect(move_pages_content_marker, sender=model, dispatch_uid=uid)
        post_delete.connect(
            move_pages_content_marker, sender=model, dispatch_uid=f"{uid}:delete"
        )
