"""Keep cached feeds and pages honest: any change to what they show moves
their markers (``events.feeds``, ``events.page_cache``).

Signals are used here only for cache bookkeeping, never for business rules.
"""

from django.db import transaction

from . import page_cache
from .feeds import mark_feeds_changed


def feeds_changed(sender, **kwargs) -> None:
    mark_feeds_changed()
    # Again after the commit: a request that rebuilt the feed between the
    # first mark and the commit read the old rows, and its cached body must
    # not outlive the transaction.
    transaction.on_commit(mark_feeds_changed)


def pages_changed(sender, **kwargs) -> None:
    page_cache.mark_content_changed()


def seats_changed(sender, instance, origin=None, **kwargs) -> None:
    """A registration deleted outright (staff may, in the admin): its seat or
    waiting place is gone. (Seats claimed and freed through the services
    move the markers there.) When its event is being deleted, that change
    already made every page stale."""
    from .models import Event

    if isinstance(origin, Event):
        return
    slugs = Event.objects.filter(pk=instance.event_id).values_list("slug", flat=True)
    for slug in slugs:
        page_cache.mark_seats_changed(slug)


def connect_feed_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from registrations.models import Registration

    from .models import (
        Category,
        Event,
        EventPresenter,
        LearningOutcome,
        Organizer,
        Presenter,
        Series,
    )

    for model in (Event, Category, Series, Presenter, EventPresenter):
        post_save.connect(feeds_changed, sender=model, dispatch_uid=f"feeds-{model}")
        post_delete.connect(
            feeds_changed, sender=model, dispatch_uid=f"feeds-del-{model}"
        )
    m2m_changed.connect(
        feeds_changed, sender=Event.categories.through, dispatch_uid="feeds-m2m"
    )
    # Pages show more than feeds: learning outcomes and organizers too.
    for model in (
        Event,
        Category,
        Series,
        Presenter,
        EventPresenter,
        LearningOutcome,
        Organizer,
    ):
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"pages-{model}")
        post_delete.connect(
            pages_changed, sender=model, dispatch_uid=f"pages-del-{model}"
        )
    m2m_changed.connect(
        pages_changed, sender=Event.categories.through, dispatch_uid="pages-m2m"
    )
    post_delete.connect(
        seats_changed, sender=Registration, dispatch_uid="pages-seats-del"
    )
