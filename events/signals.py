"""Keep cached feeds and pages honest: saving or deleting a row of a model
they show moves their markers (``events.feeds``, ``events.page_cache``), so
nothing cached before the change is served after it.

Signals are used here only for cache bookkeeping, never for business rules.
Seats are ``registrations``' to watch: its services move the seat markers,
and ``registrations.signals`` moves them when staff delete a registration.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import page_cache
from .feeds import mark_feeds_changed
from .models import (
    Category,
    Event,
    EventPresenter,
    LearningOutcome,
    Organizer,
    Presenter,
    Series,
)

# The models each cache shows. Their many-to-many links (an event's
# categories) count too: adding one saves no row of either side.
IN_FEEDS = (Event, Category, Series, Presenter, EventPresenter)
SHOWN_ON_PAGES = (*IN_FEEDS, LearningOutcome, Organizer)


def move_feeds_marker(sender, **kwargs) -> None:
    """Cached feed bodies go stale, now and again after the commit: a request
    that rebuilt the feed between the two read the old rows, and its body
    must not outlive the transaction."""
    mark_feeds_changed()
    transaction.on_commit(mark_feeds_changed, robust=True)


def move_pages_content_marker(sender, **kwargs) -> None:
    """Every cached page goes stale (``page_cache.mark_content_changed``)."""
    page_cache.mark_content_changed()


MARKER_MOVES = (
    (move_feeds_marker, IN_FEEDS),
    (move_pages_content_marker, SHOWN_ON_PAGES),
)


def connect_marker_moves() -> None:
    """Connect each marker's move to saves and deletes of the models its
    cache shows, and to changes of their many-to-many links."""
    for move, models in MARKER_MOVES:
        for model in models:
            uid = f"{move.__name__}:{model._meta.label}"
            post_save.connect(move, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(move, sender=model, dispatch_uid=f"{uid}:delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    move,
                    sender=field.remote_field.through,
                    dispatch_uid=f"{uid}:{field.name}",
                )
