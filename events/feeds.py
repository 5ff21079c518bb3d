"""Calendar feeds over HTTP: the subscription feed, single events, RSS.

The bodies come from ``events.ical``; this module decides which events go
in, caches the feed and answers conditional requests (PRODUCT.md §5).

``Last-Modified`` must never go backwards, yet a deleted event leaves no
``updated_at`` behind. So every change to what a feed shows moves a "feeds
changed at" marker kept in the cache (see ``events.signals``); a cache that
lost it starts again from *now*, which can only move the date forward.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Case, F, Max, Q, TextField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import ical
from .models import Category, Event, Series
from .templatetags.event_tags import event_when
from .text import plain_text

# Past events stay in the feed this long, so last month's webinar is still
# in subscribers' calendars; cancelled ones leave once they have passed.
RECENT = timedelta(days=90)
# The feed body is rebuilt at least this often even if nothing changed, so
# events leave the window on time.
MAX_CACHE_SECONDS = 3600
CHANGED_AT_KEY = "almanac:feeds:changed-at"
CONTENT_TYPE = "text/calendar; charset=utf-8"


# The "feeds changed at" marker


def feeds_changed_at() -> datetime:
    """When anything a feed shows last changed (at the latest, now)."""
    stamp = cache.get(CHANGED_AT_KEY)
    if stamp is None:
        # Lost (cache cleared or new): we cannot know what changed meanwhile.
        cache.add(CHANGED_AT_KEY, timezone.now().timestamp(), timeout=None)
        stamp = cache.get(CHANGED_AT_KEY) or timezone.now().timestamp()
    return datetime.fromtimestamp(stamp, tz=UTC)


def mark_feeds_changed() -> None:
    """Move the marker forward; cached feed bodies keyed on it go stale."""
    now = timezone.now().timestamp()
    previous = cache.get(CHANGED_AT_KEY) or 0
    cache.set(CHANGED_AT_KEY, max(now, previous + 1e-6), timeout=None)


# Which events a feed holds


def feed_events(
    *,
    now: datetime,
    category: Category | None = None,
    series: Series | None = None,
):
    """Published events from the last 90 days and all upcoming, soonest first.

    A cancelled event stays until it has passed, so subscribers see the
    cancellation instead of the event silently vanishing.
    """
    queryset = _narrowed(Event.objects.published(), category=category, series=series)
    return (
        queryset.filter(end__gt=now - RECENT)
        .exclude(status=Event.Status.CANCELLED, end__lte=now)
        .order_by("start", "pk")
    )


@dataclass(slots=True)
class FeedEvent:
    """What a feed's VEVENT is written from (``events.ical`` reads it as it
    reads an Event), as plain columns: a feed of thousands of events spent
    most of its time building model instances it only read a few fields of.
    """

    pk: int
    uid: uuid.UUID
    slug: str
    title: str
    status: str
    format: str
    location: str
    start: datetime
    end: datetime
    time_zone: str
    created_at: datetime
    updated_at: datetime
    sequence: int
    description_text: str
    # The Markdown source, read only for rows whose plain copy is missing.
    description_fallback: str
    join_url: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def plain_description(self) -> str:
        if self.description_text or not self.description_fallback:
            return self.description_text
        return plain_text(self.description_fallback)


FEED_COLUMNS = [
    field for field in FeedEvent.__dataclass_fields__ if field not in {"join_url"}
]


def feed_rows(queryset) -> list[FeedEvent]:
    """The queryset's events as ``FeedEvent`` rows, in its order, in one query."""
    rows = queryset.annotate(
        description_fallback=Case(
            When(description_text="", then=F("description")),
            default=Value(""),
            output_field=TextField(),
        )
    ).values_list(*FEED_COLUMNS)
    return [FeedEvent(*row) for row in rows]


def category_names(events) -> dict[int, list[str]]:
    """Each event's category names, in the categories' order, in one query.

    Plain rows rather than a prefetch: a feed of thousands of events would
    otherwise make a Category object per link.
    """
    links = (
        Event.categories.through.objects.filter(event__in=events.values("pk"))
        .order_by("category__name", "category_id")
        .values_list("event_id", "category__name")
    )
    names: dict[int, list[str]] = {}
    for event_id, name in links:
        names.setdefault(event_id, []).append(name)
    return names


def _narrowed(queryset, *, category: Category | None, series: Series | None):
    if category is not None:
        queryset = queryset.filter(categories=category)
    if series is not None:
        queryset = queryset.filter(series=series)
    return queryset


def _last_left_window(
    *, now: datetime, category: Category | None, series: Series | None
) -> datetime | None:
    """When an event last aged out of the feed: the body changed then too."""
    queryset = _narrowed(Event.objects.published(), category=category, series=series)
    ends = queryset.aggregate(
        aged=Max("end", filter=Q(end__lte=now - RECENT)),
        cancelled=Max("end", filter=Q(status=Event.Status.CANCELLED, end__lte=now)),
    )
    moments = []
    if ends["aged"]:
        moments.append(ends["aged"] + RECENT)
    if ends["cancelled"]:
        moments.append(ends["cancelled"])
    return max(moments, default=None)


def _leaves_window(event: Event) -> datetime:
    if event.status == Event.Status.CANCELLED:
        return event.end
    return event.end + RECENT


@dataclass(frozen=True, slots=True)
class FeedFilter:
    """What a feed's query string narrows it to."""

    category: Category | None = None
    series: Series | None = None


# Views


@require_safe
def calendar_feed(request):
    """``/events/feed.ics``, optionally ``?category=<slug>`` or ``?series=<slug>``.

    The body is cached with its validators beside it under a small key of
    their own, so a conditional request is answered from those alone, and
    no request hashes the body again.
    """
    category_slug = request.GET.get("category", "")
    series_slug = request.GET.get("series", "")
    changed_at = feeds_changed_at()
    filters = hashlib.sha256(f"{category_slug}\0{series_slug}".encode()).hexdigest()
    key = f"almanac:feeds:{changed_at.timestamp()}:{filters}"
    validators = cache.get(f"{key}:validators")
    if validators is not None:
        etag, last_modified = validators
        response = _calendar_headers(etag=etag, last_modified=last_modified)
        answer = _conditional(request, response)
        if answer is not response:
            return answer  # 304 (or 412), without reading the body
        body = cache.get(f"{key}:body")
        if body is not None:
            response.content = body
            return response
    # Unknown slugs raise 404 here and are never cached.
    category = _by_slug(Category, category_slug)
    series = _by_slug(Series, series_slug)
    body, last_modified, seconds = _build_feed(
        changed_at=changed_at,
        category=category,
        series=series,
        vevents_key=f"almanac:feeds:vevents:{filters}",
    )
    etag = body_etag(body)
    cache.set_many(
        {f"{key}:body": body, f"{key}:validators": (etag, last_modified)},
        timeout=seconds,
    )
    return calendar_response(request, body, last_modified=last_modified, etag=etag)


def _by_slug(model, slug: str):
    if not slug:
        return None
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist:
        raise Http404(f"No {model._meta.verbose_name} “{slug}”.") from None


def _build_feed(
    *,
    changed_at: datetime,
    category: Category | None,
    series: Series | None,
    vevents_key: str,
) -> tuple[bytes, datetime, int]:
    """The body, its Last-Modified, and how long it may be cached.

    The VEVENTs of the feed's last build are kept under ``vevents_key``
    (beyond the marker: they are known by their content), so a build after
    one change writes one event.
    """
    now = timezone.now()
    queryset = feed_events(now=now, category=category, series=series)
    events = feed_rows(queryset)
    site = settings.ALMANAC_SITE_NAME
    # In the site's one language (LANGUAGE_CODE): the body is cached for
    # every reader alike.
    if category is not None:
        name = f"{site}: {category.name}"
        description = plain_text(category.description) or name
    elif series is not None:
        name = f"{site}: {series.title}"
        description = plain_text(series.description) or name
    else:
        name = _("%(site)s events") % {"site": site}
        description = _(
            "Events published by %(site)s: the last 90 days and upcoming."
        ) % {"site": site}
    body = ical.feed_ics(
        events,
        name=name,
        description=description,
        cache_key=vevents_key,
        category_names=category_names(queryset) if events else {},
    )

    last_modified = max(
        changed_at,
        *(event.updated_at for event in events),
        _last_left_window(now=now, category=category, series=series) or changed_at,
    )
    next_exit = min((_leaves_window(event) for event in events), default=None)
    seconds = MAX_CACHE_SECONDS
    if next_exit is not None:
        seconds = max(1, min(seconds, int((next_exit - now).total_seconds()) + 1))
    return body, last_modified, seconds


@require_safe
def event_ics(request, slug):
    """``/events/<slug>/event.ics``: one published event, no join URL."""
    event = get_object_or_404(
        Event.objects.published().prefetch_related("categories"), slug=slug
    )
    body = ical.event_ics(event)
    # A renamed category changes the file without touching the event.
    last_modified = max(event.updated_at, feeds_changed_at())
    return calendar_response(
        request, body, last_modified=last_modified, filename=f"{event.slug}.ics"
    )


def body_etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:40]}"'


def calendar_response(
    request,
    body: bytes,
    *,
    last_modified: datetime,
    filename: str = "",
    etag: str = "",
) -> HttpResponse:
    """A calendar body with validators, or 304 when the client has it.

    ``filename`` makes it a download; feeds have none, since calendar apps
    subscribe to them rather than save them. ``etag`` is the body's, when
    the caller has it already.
    """
    response = _calendar_headers(
        etag=etag or body_etag(body), last_modified=last_modified, filename=filename
    )
    answer = _conditional(request, response)
    if answer is response:
        response.content = body
    return answer


def _calendar_headers(
    *, etag: str, last_modified: datetime, filename: str = ""
) -> HttpResponse:
    """A calendar response with its headers and, as yet, no body."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified.timestamp())
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Revalidating is cheap (cached validators, a 304), so caches always ask.
    patch_cache_control(response, public=True, no_cache=True)
    return response


def _conditional(request, response: HttpResponse) -> HttpResponse:
    """``response`` itself, or the 304 (or 412) the request's conditions ask
    for, carrying its validators."""
    return get_conditional_response(
        request,
        etag=response.headers["ETag"],
        last_modified=parse_http_date(response.headers["Last-Modified"]),
        response=response,
    )


class UpcomingEventsFeed(Feed):
    """``/events/feed.rss``: upcoming published events, optionally
    ``?category=<slug>`` or ``?series=<slug>`` as ``/events/feed.ics`` takes
    them (an unknown slug is a 404 in both)."""

    def get_object(self, request):
        return FeedFilter(
            category=_by_slug(Category, request.GET.get("category", "")),
            series=_by_slug(Series, request.GET.get("series", "")),
        )

    def title(self, obj):
        site = settings.ALMANAC_SITE_NAME
        if obj.category is not None:
            return _("%(site)s: upcoming events in %(category)s") % {
                "site": site,
                "category": obj.category.name,
            }
        if obj.series is not None:
            return _("%(site)s: upcoming events in %(series)s") % {
                "site": site,
                "series": obj.series.title,
            }
        return _("%(site)s: upcoming events") % {"site": site}

    def link(self, obj):
        if obj.category is not None:
            return settings.SITE_URL + obj.category.get_absolute_url()
        if obj.series is not None:
            return settings.SITE_URL + obj.series.get_absolute_url()
        return settings.SITE_URL + reverse("events:list")

    def description(self, obj):
        site = settings.ALMANAC_SITE_NAME
        if obj.category is not None:
            return _("Upcoming events in %(category)s, published by %(site)s.") % {
                "site": site,
                "category": obj.category.name,
            }
        if obj.series is not None:
            return _("Upcoming events in %(series)s, published by %(site)s.") % {
                "site": site,
                "series": obj.series.title,
            }
        return _("Upcoming events published by %(site)s.") % {"site": site}

    def items(self, obj):
        upcoming = _narrowed(
            Event.objects.published().upcoming(),
            category=obj.category,
            series=obj.series,
        )
        return upcoming.prefetch_related("categories")[:50]

    def item_title(self, item):
        return ical.event_summary(item)

    def item_description(self, item):
        # The plain copy stored on save, as the iCal feed uses; rendering the
        # Markdown again per item cost time and could disagree with it.
        # The date line as the event page writes it ("2:00pm - 3:00pm").
        when = event_when(item)
        line = f"{when.long_date}, {when.time_range} {when.zone_label}"
        return f"{line}\n\n{item.plain_description}".strip()

    def item_link(self, item):
        return ical.event_url(item)

    def item_guid(self, item):
        return f"urn:uuid:{item.uid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]
