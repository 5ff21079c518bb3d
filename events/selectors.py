"""Read-only queries behind the public pages.

Each function returns a queryset whose related rows come in a fixed number
of queries, however many events there are: seat counts are annotated, and
categories, presenters and outcomes are prefetched, never fetched per row.
"""

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from .models import Category, Event, EventPresenter, LearningOutcome

LISTED_CATEGORIES = Prefetch("categories", queryset=Category.objects.order_by("name"))
LISTED_PRESENTERS = Prefetch(
    "presenter_slots",
    queryset=EventPresenter.objects.select_related("presenter").order_by("order", "pk"),
)


def listed_events(queryset: QuerySet[Event] | None = None) -> QuerySet[Event]:
    """Published events with what a list row shows: seats, categories, presenters."""
    queryset = Event.objects.all() if queryset is None else queryset
    return (
        queryset.published()
        .with_seat_counts()
        .select_related("series")
        .prefetch_related(LISTED_CATEGORIES, LISTED_PRESENTERS)
    )


def filter_events(
    queryset: QuerySet[Event],
    *,
    q: str = "",
    category: Category | None = None,
    format: str = "",
) -> QuerySet[Event]:
    """Narrow a list by text, category and format.

    Subqueries rather than joins: a join on presenters or categories would
    repeat event rows and multiply the annotated seat counts.
    """
    if q:
        presenting = EventPresenter.objects.filter(presenter__name__icontains=q).values(
            "event_id"
        )
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(pk__in=presenting)
        )
    if category is not None:
        in_category = Event.categories.through.objects.filter(category=category).values(
            "event_id"
        )
        queryset = queryset.filter(pk__in=in_category)
    if format:
        queryset = queryset.filter(format=format)
    return queryset


def events_starting_between(start: datetime, end: datetime) -> QuerySet[Event]:
    """Published events starting in [start, end), for the month grid."""
    return (
        Event.objects.published()
        .filter(start__gte=start, start__lt=end)
        .order_by("start", "pk")
        .only("title", "slug", "start", "end", "time_zone", "status")
    )


def event_for_page(slug: str, *, include_drafts: bool = False) -> Event | None:
    """One event with everything its page shows, or None."""
    queryset = Event.objects.all() if include_drafts else Event.objects.published()
    return (
        queryset.with_seat_counts()
        .select_related("organizer", "series")
        .prefetch_related(
            LISTED_CATEGORIES,
            LISTED_PRESENTERS,
            Prefetch("outcomes", queryset=LearningOutcome.objects.order_by("order")),
        )
        .filter(slug=slug)
        .first()
    )


def related_upcoming_events(event: Event, *, limit: int = 5) -> list[Event]:
    """Upcoming events sharing a category with ``event`` (any upcoming if none)."""
    queryset = Event.objects.published().upcoming().exclude(pk=event.pk)
    category_ids = [category.pk for category in event.categories.all()]
    if category_ids:
        in_categories = Event.categories.through.objects.filter(
            category_id__in=category_ids
        ).values("event_id")
        queryset = queryset.filter(pk__in=in_categories)
    return list(queryset.only("title", "slug", "start", "end", "time_zone")[:limit])
