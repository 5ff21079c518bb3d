"""Keep calendar feeds honest: any change to what they show moves the marker.

Signals are used here only for cache bookkeeping, never for business rules.
"""

from django.db import transaction

from .feeds import mark_feeds_changed


def feeds_changed(sender, **kwargs) -> None:
    mark_feeds_changed()
    # Again after the commit: a request that rebuilt the feed between the
    # first mark and the commit read the old rows, and its cached body must
    # not outlive the transaction.
    transaction.on_commit(mark_feeds_changed)


def connect_feed_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import Category, Event, EventPresenter, Presenter, Series

    for model in (Event, Category, Series, Presenter, EventPresenter):
        post_save.connect(feeds_changed, sender=model, dispatch_uid=f"feeds-{model}")
        post_delete.connect(
            feeds_changed, sender=model, dispatch_uid=f"feeds-del-{model}"
        )
    m2m_changed.connect(
        feeds_changed, sender=Event.categories.through, dispatch_uid="feeds-m2m"
    )
