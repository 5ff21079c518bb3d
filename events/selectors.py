"""Read-only queries behind the public pages.

Each function returns a queryset whose related rows come in a fixed number
of queries, however many events there are: categories, presenters and
outcomes are prefetched, never fetched per row. (Seats are the
registrations app's: its template tags count them for the events a page
shows, in one query.)
"""

from datetime import datetime

from django.db.models import F, Prefetch, QuerySet

from .models import Category, Event, EventPresenter, LearningOutcome
from .search import search_events

LISTED_CATEGORIES = Prefetch("categories", queryset=Category.objects.order_by("name"))
LISTED_PRESENTERS = Prefetch(
    "presenter_slots",
    queryset=EventPresenter.objects.select_related("presenter").order_by("order", "pk"),
)
# What a list card prints, as plain lists (``event.listed_categories``,
# ``event.listed_presenter_slots`` with their ``presenter_name``) and only
# those columns: a related manager per event, each filtering a copy of the
# queryset, and a presenter per slot took longer than the queries did.
LISTED_CARD_CATEGORIES = Prefetch(
    "categories",
    queryset=Category.objects.order_by("name").only("slug", "name"),
    to_attr="listed_categories",
)
LISTED_CARD_PRESENTERS = Prefetch(
    "presenter_slots",
    queryset=EventPresenter.objects.annotate(presenter_name=F("presenter__name"))
    .order_by("order", "pk")
    .only("event"),
    to_attr="listed_presenter_slots",
)


def listed_events(queryset: QuerySet[Event] | None = None) -> QuerySet[Event]:
    """Published events with what a list row shows: categories, presenters.

    No series: no card shows it, and the join cost every list page.
    """
    if queryset is None:
        return LISTED_EVENTS.all()
    return queryset.published().prefetch_related(
        LISTED_CARD_CATEGORIES, LISTED_CARD_PRESENTERS
    )


# The upcoming and past lists start from this, built once as EVENT_PAGE is
# (below): never evaluated itself.
LISTED_EVENTS = listed_events(Event.objects.all())


def filter_events(
    queryset: QuerySet[Event],
    *,
    q: str = "",
    category: Category | None = None,
    format: str = "",
) -> QuerySet[Event]:
    """Narrow a list by text, category and format.

    With text, the matches come best first where the database can rank them
    (``events.search``). A subquery for the category rather than a join: a
    join would repeat event rows.
    """
    if q:
        queryset = search_events(queryset, q)
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


# Built once, as a generic view's ``queryset`` is, and narrowed per request
# (each filter() is a copy): putting the prefetches together took Django
# longer than the database took to answer. Never evaluated itself.
EVENT_PAGE = Event.objects.select_related("organizer", "series").prefetch_related(
    LISTED_CATEGORIES,
    LISTED_PRESENTERS,
    Prefetch("outcomes", queryset=LearningOutcome.objects.order_by("order")),
)


def event_for_page(slug: str, *, include_drafts: bool = False) -> Event | None:
    """One event with everything its page shows, or None."""
    queryset = EVENT_PAGE if include_drafts else EVENT_PAGE.published()
    return queryset.filter(slug=slug).first()


def related_upcoming_events(event: Event, *, limit: int = 5) -> list[Event]:
    """Upcoming events sharing a category with ``event`` (any upcoming if none).

    A join from the categories, not ``pk__in`` a subquery: with the subquery
    PostgreSQL walked the start index through every past event (thousands of
    rows) looking for a few that match; the join reads only the categories'
    events. DISTINCT because an event may share more than one category.
    """
    queryset = Event.objects.published().upcoming().exclude(pk=event.pk)
    category_ids = [category.pk for category in event.categories.all()]
    if category_ids:
        queryset = queryset.filter(categories__in=category_ids).distinct()
    return list(queryset.only("title", "slug", "start", "end", "time_zone")[:limit])
