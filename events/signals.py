"""Keep cached feeds and pages honest: saving or deleting a row of a model
they show moves their markers (``events.feeds``, ``events.page_cache``), so
nothing cached before the change is served after it.

Signals are used here only for bookkeeping, never for business rules: the
caches, and the names the list search reads (``events.search``). Seats are
``registrations``' to watch: its services move the seat markers, and
``registrations.signals`` moves them when staff delete a registration.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

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
from .search import refresh_search_names

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


# The list search's copy of names (``Event.search_names``): refreshed when an
# event's organizer, line-up or categories change, and for every event of a
# presenter, category or organizer that is renamed. Bulk writes (bulk_create,
# update()) send no signal: code that makes them calls refresh_search_names.


@receiver(post_save, sender=Event, dispatch_uid="search_names:event")
def refresh_names_of_saved_event(sender, instance, created, update_fields, **kwargs):
    # A new event has no line-up or categories yet; a save of chosen fields
    # other than the organizer (seats, status) changes no name.
    if created and instance.organizer_id is None:
        return
    if update_fields is None or {"organizer", "organizer_id"} & set(update_fields):
        refresh_search_names([instance.pk])


@receiver(post_save, sender=EventPresenter, dispatch_uid="search_names:slot:save")
@receiver(post_delete, sender=EventPresenter, dispatch_uid="search_names:slot:delete")
def refresh_names_of_line_up(sender, instance, **kwargs):
    refresh_search_names([instance.event_id])


@receiver(post_save, sender=Presenter, dispatch_uid="search_names:presenter")
def refresh_names_of_presenter_events(sender, instance, created, **kwargs):
    if not created:
        refresh_search_names(
            EventPresenter.objects.filter(presenter=instance).values("event_id")
        )


def _events_in_category(category: Category):
    return Event.categories.through.objects.filter(category=category).values("event_id")


@receiver(post_save, sender=Category, dispatch_uid="search_names:category")
def refresh_names_of_category_events(sender, instance, created, **kwargs):
    if not created:
        refresh_search_names(_events_in_category(instance))


@receiver(pre_delete, sender=Category, dispatch_uid="search_names:category:before")
def note_events_of_deleted_category(sender, instance, **kwargs):
    # Its links to events are gone by post_delete, deleted with it unsignalled.
    instance._events_to_refresh = list(_events_in_category(instance))


@receiver(post_delete, sender=Category, dispatch_uid="search_names:category:after")
def refresh_names_after_category_deleted(sender, instance, **kwargs):
    refresh_search_names(
        [row["event_id"] for row in getattr(instance, "_events_to_refresh", [])]
    )


@receiver(post_save, sender=Organizer, dispatch_uid="search_names:organizer")
def refresh_names_of_organizer_events(sender, instance, created, **kwargs):
    if not created:
        refresh_search_names(Event.objects.filter(organizer=instance).values("pk"))


@receiver(
    m2m_changed, sender=Event.categories.through, dispatch_uid="search_names:links"
)
def refresh_names_of_linked_events(sender, instance, action, reverse, pk_set, **kwargs):
    """An event's categories changed (``event.categories``), or a category's
    events (``category.events``: then ``pk_set`` holds the events)."""
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            refresh_search_names([instance.pk])
    elif action == "pre_clear":
        instance._events_to_refresh = list(_events_in_category(instance))
    elif action == "post_clear":
        refresh_search_names(
            [row["event_id"] for row in getattr(instance, "_events_to_refresh", [])]
        )
    elif action in {"post_add", "post_remove"}:
        refresh_search_names(pk_set)
