"""Pages with the cache down, over HTTP: ``python -m bench.cache_down --out FILE``.

Issue 11: a cache outage costs speed, never availability. One gunicorn
server with the production settings (``bench.servers``), on PostgreSQL
with a calendar of the *medium* size (``bench.data``), serves the same mix
of anonymous GETs (home, events list, an event page, the subscription
feed) twice: with ``CACHE_URL`` at Redis, pages and feed served from the
cache as visitors get them; then with ``CACHE_URL`` at a port where nothing
listens, every page built from the database (``serving.cache``
counts each call as a miss, and its breaker stops trying after the first
failure). Reported: pages/s and p50/p95 of each, their ratio (down/up) and
the 5xx, the target being a ratio of at least 0.3 with zero 5xx
(``bench.report``).
"""

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

# Sets the production environment and Django up, before any model import.
from bench.servers import (
    REDIS_URL,
    REQUEST_TIMEOUT,
    free_port,
    gunicorn_servers,
    http,
    summarize,
)
from events.models import Event


def page_paths() -> list[str]:
    """The pages a visitor opens most: home, list, an upcoming event's page
    (the one with the most registrations), and the feed calendar apps poll."""
    event = (
        Event.objects.published()
        .upcoming(timezone.now())
        .filter(status="scheduled")
        .order_by("start")
        .first()
    )
    return ["/", "/events/", event.get_absolute_url(), "/events/feed.ics"]


async def get_pages(port: int, paths: list[str], *, concurrency: int, seconds: float):
    """GET ``paths`` in turn from ``concurrency`` clients for ``seconds``:
    the results (status, seconds) and the wall time."""
    results = []
    deadline = time.perf_counter() + seconds

    async def client(index: int):
        turn = index
        while time.perf_counter() < deadline:
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            try:
                status, _headers, _body = await asyncio.wait_for(
                    http(port, "GET", path), REQUEST_TIMEOUT
                )
            except (TimeoutError, OSError) as error:
                status = type(error).__name__
            elapsed = time.perf_counter() - started
            results.append({"status": status, "seconds": elapsed})

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(concurrency)))
    return results, time.perf_counter() - started


def serve_pages(label, cache_url, *, paths, workers, concurrency, seconds, logs):
    """One server with ``CACHE_URL=cache_url``: an untimed round in which
    every worker imports, connects and (cache up) fills the cache, then the
    timed run."""
    os.environ["CACHE_URL"] = cache_url  # gunicorn_servers passes os.environ on
    with gunicorn_servers(1, workers, logs, name=f"cache-{label}") as ports:
        warm = max(1.0, seconds / 5)
        asyncio.run(get_pages(ports[0], paths, concurrency=concurrency, seconds=warm))
        results, wall = asyncio.run(
            get_pages(ports[0], paths, concurrency=concurrency, seconds=seconds)
        )
    run = summarize(results, wall, 0, success=lambda r: r["status"] == 200)
    run["cache_url"] = cache_url
    return run


def main() -> None:
    from bench import data  # its models need Django set up (bench.servers)

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(data.SIZES), default="medium")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The cache-down benchmark needs PostgreSQL (DATABASE_URL).")
    logs = Path(os.environ.get("BENCH_LOG_DIR") or tempfile.gettempdir())
    call_command("migrate", verbosity=0, interactive=False)
    counts = data.generate(data.SIZES[args.size])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    paths = page_paths()
    connection.close()  # no connection held open across the servers' run
    common = {
        "paths": paths,
        "workers": 2 * (os.cpu_count() or 1) + 1,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "logs": logs,
    }
    up = serve_pages("up", REDIS_URL, **common)
    # Bound and let go: nothing listens there, every connection is refused.
    down = serve_pages("down", f"redis://127.0.0.1:{free_port()}/0", **common)
    figures = {
        "size": args.size,
        "events": counts["events"],
        "paths": paths,
        "workers": common["workers"],
        "concurrency": args.concurrency,
        "up": up,
        "down": down,
        "ratio": round(down["per_second"] / up["per_second"], 2)
        if up["per_second"]
        else 0,
    }
    with open(args.out, "w") as file:
        json.dump(figures, file, indent=2)


if __name__ == "__main__":
    main()
