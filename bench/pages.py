"""Page cost in process, for one data size: ``python -m bench.pages --size large``.

Run by ``bench.run`` in its own process with DATABASE_URL pointing at an
empty database for that size: migrates, generates the data, then times every
public page through Django's test client next to its floor (see
``floor_urls``), counts its SQL queries and bytes, and measures the feed at
scale. Writes one JSON document to ``--out``.
"""

import argparse
import gc
import json
import os
import statistics
import time
import tracemalloc
from contextlib import contextmanager

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import data, floor_urls, staff_pages  # noqa: E402
from events import feeds, ical  # noqa: E402
from events.models import Category, Event, Series  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(client, path, headers, *, before, reps, seconds, least=5) -> list[float]:
    """Wall times (s) of repeated GETs: at least ``least``, at most ``reps``,
    and no more once ``seconds`` have passed."""
    times = []
    deadline = time.perf_counter() + seconds
    while len(times) < reps and (len(times) < least or time.perf_counter() < deadline):
        if before:
            before()
        started = time.perf_counter()
        client.get(path, headers=headers)
        times.append(time.perf_counter() - started)
    return times


@contextmanager
def floor_of(response):
    floor_urls.RESPONSE.update(
        content=response.content,
        content_type=response.get("Content-Type", "text/html"),
        status=response.status_code,
    )
    with override_settings(ROOT_URLCONF="bench.floor_urls"):
        yield


def clear_caches() -> None:
    """Empty every cache alias (the feeds' and the pages'): a cold request."""
    for alias in settings.CACHES:
        caches[alias].clear()


def measure(client, name, path, *, headers=None, cold=False, reps, seconds):
    """One row of the page table.

    Two figures per page: *served*, repeated requests as a visitor gets them
    (from the page cache while nothing changed), and *uncached*, the same
    requests with the page cache off: what the first visitor after a change
    waits, and where the SQL queries are counted. A cold row (the feeds)
    clears the whole cache before each request; as a cold feed can take many
    seconds, it is warmed only by the request that counts its queries, and
    timed at least once.
    """
    headers = headers or {}
    before = clear_caches if cold else None
    least = 1 if cold else 5
    with override_settings(PAGE_CACHE_SECONDS=0):
        for _ in range(0 if cold else 3):  # templates, prefetch paths, the cache
            client.get(path, headers=headers)
        if before:
            before()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, headers=headers)
        # Read now: the list lives on the connection, reset by the next request.
        query_count = len(queries)
        if response.status_code not in {200, 304}:
            raise SystemExit(f"{path} answered {response.status_code}")
        uncached = timed(
            client,
            path,
            headers,
            before=before,
            reps=reps,
            seconds=seconds,
            least=least,
        )
    if cold:
        times = uncached
    else:
        for _ in range(3):
            client.get(path, headers=headers)
        times = timed(
            client, path, headers, before=None, reps=reps, seconds=seconds, least=least
        )
    with floor_of(response):
        floor_times = timed(
            client, path, headers, before=before, reps=reps, seconds=seconds / 3
        )
    median = statistics.median(times)
    uncached_median = statistics.median(uncached)
    floor = statistics.median(floor_times)
    return {
        "name": name,
        "path": path,
        "status": response.status_code,
        "queries": query_count,
        "bytes": len(response.content),
        "reps": len(times),
        "median_ms": round(median * 1000, 2),
        "p95_ms": round(percentile(times, 0.95) * 1000, 2),
        "uncached_median_ms": round(uncached_median * 1000, 2),
        "uncached_p95_ms": round(percentile(uncached, 0.95) * 1000, 2),
        "floor_median_ms": round(floor * 1000, 3),
        "ratio_to_floor": round(median / floor, 1),
        "uncached_ratio_to_floor": round(uncached_median / floor, 1),
    }


def pick_targets(now):
    """The pages to measure: the same kind of page at every size."""
    upcoming = Event.objects.published().upcoming(now).filter(status="scheduled")
    event = (
        upcoming.filter(capacity__isnull=False)
        .annotate(
            slots=Count("presenter_slots", distinct=True),
            waiting=Count(
                "registrations", filter=Q(registrations__status="waitlisted")
            ),
        )
        .order_by("-waiting", "-slots", "start")
        .first()
    )
    category = (
        Category.objects.annotate(n=Count("events")).order_by("-n", "slug").first()
    )
    series = Series.objects.annotate(n=Count("events")).order_by("-n", "slug").first()
    local = timezone.localtime(now)
    return event, category, series, f"/events/calendar/{local.year}/{local.month:02d}/"


def pages(client, *, reps, seconds, now):
    event, category, series, month = pick_targets(now)
    event_category = event.categories.order_by("slug").first()
    rows = []

    def add(name, path, reps=reps, **kwargs):
        rows.append(measure(client, name, path, reps=reps, seconds=seconds, **kwargs))
        return rows[-1]

    add("home", "/")
    add("events list", "/events/")
    # Filters the target event matches, so every size lists something.
    word = event.title.split()[0].lower()
    add("events list ?q=", f"/events/?q={word}")
    add("events list ?category=", f"/events/?category={category.slug}")
    add("events list ?format=", "/events/?format=in_person")
    add(
        "events list, 3 filters",
        f"/events/?q={word}&category={event_category.slug}&format={event.format}",
    )
    add("past events", "/events/past/")
    add("month grid", month)
    add("event page", event.get_absolute_url())
    add("series page", series.get_absolute_url())
    add("event .ics", f"/events/{event.slug}/event.ics")
    add("RSS feed", "/events/feed.rss")
    cold_reps = max(3, reps // 10)
    for label, path in (
        ("feed, all", "/events/feed.ics"),
        ("feed, one category", f"/events/feed.ics?category={category.slug}"),
    ):
        add(f"{label} (cold)", path, cold=True, reps=cold_reps)
        add(f"{label} (warm)", path)
    etag = client.get("/events/feed.ics").headers["ETag"]
    not_modified = add(
        "feed, all: 304", "/events/feed.ics", headers={"If-None-Match": etag}
    )
    assert not_modified["status"] == 304
    return rows


def peak_memory(build) -> tuple[float, object]:
    """(peak MB above the start, result) of ``build()`` under
    tracemalloc (which slows it: time it separately too)."""
    gc.collect()
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    result = build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - start) / 1e6, result


def feed_at_scale(client, cold_feed_ms: float, *, every_event: bool) -> dict:
    """Peak memory of the cold feed as served (its time is the table's cold
    row), and time and memory of one body holding every event in the
    database (``every_event``; skipped when the served feed alone takes over
    3 s: it would take minutes, and the served feed already shows the miss)."""

    def serve():
        clear_caches()
        return client.get("/events/feed.ics").content

    def build_all():
        # As the served feed is built (events.feeds._build_feed), without its
        # window and without the VEVENTs kept from an earlier build.
        queryset = Event.objects.order_by("start", "pk")
        return ical.feed_ics(
            feeds.feed_rows(queryset),
            name="All",
            description="Every event.",
            category_names=feeds.category_names(queryset),
        )

    every_event = every_event and cold_feed_ms < 3000
    memory_mb, body = peak_memory(serve)
    result = {
        "served_feed": {
            "seconds": round(cold_feed_ms / 1000, 3),
            "peak_memory_mb": round(memory_mb, 1),
            "events_in_feed": body.count(b"BEGIN:VEVENT"),
            "bytes": len(body),
        }
    }
    if every_event:
        started = time.perf_counter()
        body = build_all()
        seconds = time.perf_counter() - started
        memory_mb, _ = peak_memory(build_all)
        result["all_events"] = {
            "seconds": round(seconds, 3),
            "peak_memory_mb": round(memory_mb, 1),
            "events_in_feed": body.count(b"BEGIN:VEVENT"),
            "bytes": len(body),
        }
    else:
        result["all_events"] = {
            "skipped": f"served feed cold took {cold_feed_ms / 1000:.1f} s"
            if cold_feed_ms >= 3000
            else "--quick"
        }
    clear_caches()
    response = client.get("/events/feed.ics")
    headers = {"If-None-Match": response.headers["ETag"]}
    times = timed(client, "/events/feed.ics", headers, before=None, reps=200, seconds=2)
    result["not_modified_median_ms"] = round(statistics.median(times) * 1000, 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(data.SIZES), required=True)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--feed-scale", action="store_true")
    parser.add_argument("--every-event", action="store_true", help="with --feed-scale")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - started
    now = timezone.now()
    counts = data.generate(data.SIZES[args.size], now=now)
    counts["migrate_seconds"] = round(migrate_seconds, 2)
    # Bulk inserts leave the planner no statistics; on a live server
    # autovacuum gathers them within a minute, so gather them now.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    rows = pages(client, reps=args.reps, seconds=args.seconds, now=now)
    result = {"size": args.size, "data": counts, "pages": rows}
    result["staff"] = staff_pages.measure(
        now=now, reps=max(5, args.reps // 10), seconds=args.seconds
    )
    if args.feed_scale:
        cold = next(row for row in rows if row["name"] == "feed, all (cold)")
        result["feed"] = feed_at_scale(
            client, cold["median_ms"], every_event=args.every_event
        )
    with open(args.out, "w") as file:
        json.dump(result, file, indent=2)


if __name__ == "__main__":
    main()
