"""The benchmark's verdicts (bench/report.py): which figure each target is
checked on, and that a miss is reported, never hidden."""

import copy

import pytest

from bench.report import evaluate, render


def page(name, *, queries=5, served=0.4, uncached=10.0, floor=0.2):
    return {
        "name": name,
        "path": "/",
        "status": 200,
        "queries": queries,
        "bytes": 1000,
        "reps": 10,
        "median_ms": served,
        "p95_ms": served,
        "uncached_median_ms": uncached,
        "uncached_p95_ms": uncached,
        "floor_median_ms": floor,
        "ratio_to_floor": round(served / floor, 1),
        "uncached_ratio_to_floor": round(uncached / floor, 1),
    }


def load_run(servers, per_second=200.0, overbooked=0):
    phase = {
        "sent": 10,
        "unsent_at_deadline": 0,
        "succeeded": 10,
        "per_second": per_second,
        "p50_ms": 1.0,
        "p95_ms": 2.0,
        "http_5xx": 0,
    }
    return {
        "servers": servers,
        "workers_per_server": 3,
        "register": dict(phase),
        "cancel": dict(phase),
        "invariants": {
            "events": 20,
            "overbooked_events": overbooked,
            "events_with_bad_waitlist_positions": 0,
            "events_with_wrong_promotions": 0,
            "events_with_free_seat_and_waitlist": 0,
            "ok": overbooked == 0,
        },
    }


def rush_run(servers, *, per_second=200.0, http_5xx=0, overbooked=0, lost=0):
    """One run of the hot-event rush: 2,000 POSTs, 100 seats; ``lost``:
    registrations answered but missing from the waiting list."""
    registered = 2000 - http_5xx
    confirmed = 100 + overbooked
    waitlisted = registered - confirmed - lost
    return {
        "servers": servers,
        "workers_per_server": 3,
        "concurrency": 128,
        "register": {
            "sent": 2000,
            "unsent_at_deadline": 0,
            "succeeded": registered,
            "per_second": per_second,
            "p50_ms": 600.0,
            "p95_ms": 900.0,
            "http_5xx": http_5xx,
        },
        "invariants": {
            "seats": 100,
            "posts": 2000,
            "registered": registered,
            "rows": confirmed + waitlisted,
            "confirmed": confirmed,
            "waitlisted": waitlisted,
            "other_statuses": 0,
            "overbooked": overbooked,
            "expected_waitlisted": registered - 100,
            "waitlist_positions_ok": True,
            "told_positions_ok": True,
            "waitlist_consistent": overbooked == 0 and lost == 0,
            "answers_ok": True,
        },
    }


@pytest.fixture
def result():
    pages = [
        page("events list"),
        page("event page"),
        page("feed, all (cold)", queries=3, served=900.0, uncached=900.0),
        page("feed, all: 304", queries=0, served=0.4, uncached=0.4),
    ]
    data = {"events": 10, "categories": 1, "presenters": 1, "registrations": 1}
    return {
        "mode": "full",
        "when": "2026-11-22T00:00:00+00:00",
        "seconds": 1.0,
        "machine": {"cores": 2, "python": "3.13", "load_average_at_start": [0]},
        "database": {"engine": "postgresql", "version": "15"},
        "sizes": {
            "small": {"data": {**data, "seconds": 0}, "pages": copy.deepcopy(pages)},
            "large": {
                "data": {**data, "seconds": 0},
                "pages": pages,
                "feed": {
                    "served_feed": {
                        "seconds": 0.9,
                        "peak_memory_mb": 40,
                        "events_in_feed": 5000,
                        "bytes": 1_000_000,
                    },
                    "all_events": {
                        "seconds": 1.2,
                        "peak_memory_mb": 60,
                        "events_in_feed": 10000,
                        "bytes": 2_000_000,
                    },
                    "not_modified_median_ms": 0.4,
                },
            },
        },
        "load": {
            "tasks_backend": "dummy",
            "cache": "redis",
            "conn_max_age": "60",
            "one_server": load_run(1),
            "two_servers": load_run(2),
        },
        "rush": {
            "tasks_backend": "dummy",
            "cache": "redis",
            "conn_max_age": "60",
            "posts": 2000,
            "seats": 100,
            "concurrency": 128,
            "one_server": rush_run(1),
            "two_servers": rush_run(2),
        },
    }


def missed(result) -> list[str]:
    return [t["what"] for t in evaluate(result) if not t["ok"]]


def report(result) -> str:
    return render({**result, "targets": evaluate(result)})


def test_all_met(result):
    """Figures within every target: nothing missed, all 28 counted as met
    (12 pages and feed, 8 registration load, 8 hot-event rush)."""
    assert missed(result) == []
    assert "Targets met: 30 of 30." in report(result)


def test_time_targets_are_checked_on_the_uncached_page(result):
    """A page cache makes repeat requests fast; the first visitor after a
    change still waits for the uncached page."""
    event_page = result["sizes"]["large"]["pages"][1]
    event_page["median_ms"] = 0.1
    event_page["uncached_median_ms"] = 26.0
    assert missed(result) == ["event page: uncached <25 ms"]


def test_event_page_target_is_25_ms_uncached(result):
    """The event page meets its target up to just under 25 ms uncached (the
    old 15 ms is gone) and misses it at 25 ms."""
    event_page = result["sizes"]["large"]["pages"][1]
    event_page["uncached_median_ms"] = 24.9
    assert missed(result) == []
    event_page["uncached_median_ms"] = 25.0
    assert missed(result) == ["event page: uncached <25 ms"]


def test_events_list_target_is_40_ms_uncached(result):
    """The events list meets its target up to just under 40 ms uncached (the
    old 25 ms is gone) and misses it at 40 ms, read from the uncached figure
    even when served from the page cache in a fraction of a millisecond."""
    listing = result["sizes"]["large"]["pages"][0]
    listing["uncached_median_ms"] = 39.9
    assert missed(result) == []
    listing["median_ms"] = 0.1
    listing["uncached_median_ms"] = 40.0
    assert missed(result) == ["events list: uncached <40 ms"]


def test_the_floor_ratio_is_checked_on_the_page_as_served(result):
    """Served more than 3x slower than its floor is a miss, whatever the
    uncached figure."""
    listing = result["sizes"]["large"]["pages"][0]
    listing["ratio_to_floor"] = 3.5
    assert missed(result) == ["events list: served ≤3x floor"]


def test_queries_growing_with_the_data_is_a_miss(result):
    """More SQL queries at the large set than at the small one is a miss,
    even under the cap of 10."""
    result["sizes"]["large"]["pages"][0]["queries"] = 6
    assert missed(result) == ["events list: queries ≤10, not growing"]


def test_rush_rate_is_read_from_the_rush_not_the_load(result):
    """The rush's ≥180/s reads the rush's own registrations/s: a rush at
    170/s misses it while the registration load at 200/s meets its 150/s,
    and a load at 170/s (over its 150/s) with a rush at 200/s misses
    nothing."""
    result["rush"]["two_servers"] = rush_run(2, per_second=170.0)
    assert missed(result) == ["rush, two servers: ≥180 registrations/s"]
    result["rush"]["two_servers"] = rush_run(2, per_second=200.0)
    result["load"]["two_servers"] = load_run(2, per_second=170.0)
    assert missed(result) == []


def test_rush_overbooking_is_read_from_the_event_afterwards(result):
    """101 confirmed for 100 seats is a miss of "not overbooked" (and of a
    consistent waiting list), and the table prints the seats as 101/100."""
    result["rush"]["one_server"] = rush_run(1, overbooked=1)
    assert missed(result) == [
        "rush, one server: not overbooked",
        "rush, one server: waiting list consistent",
    ]
    assert "101/100" in report(result)


def test_rush_5xx_are_read_from_the_rush_posts(result):
    """A single 5xx among the rush's POSTs misses "zero 5xx"; the load's
    5xx count is not consulted."""
    result["rush"]["one_server"] = rush_run(1, http_5xx=1)
    assert missed(result) == ["rush, one server: zero 5xx"]


def test_rush_waiting_list_is_read_from_the_consistency_check(result):
    """Waitlisted short of POSTs minus seats (someone lost) misses "waiting
    list consistent" without any overbooking, and the table shows the count
    against the expected 1900; positions with a gap miss it too."""
    result["rush"]["two_servers"] = rush_run(2, lost=2)
    assert missed(result) == ["rush, two servers: waiting list consistent"]
    assert "1898/1900" in report(result)
    result["rush"]["two_servers"] = rush_run(2)
    invariants = result["rush"]["two_servers"]["invariants"]
    invariants["waitlist_positions_ok"] = False
    invariants["waitlist_consistent"] = False
    assert missed(result) == ["rush, two servers: waiting list consistent"]


def test_a_rush_that_loses_answers_misses_its_target(result):
    """A registration kept without its answers misses "every answer kept"."""
    result["rush"]["one_server"]["invariants"]["answers_ok"] = False
    assert missed(result) == ["rush, one server: every answer kept"]


def test_only_the_rush(result):
    """``--only rush``: no pages, the load skipped; the report prints and
    counts the rush's 10 targets alone."""
    result["sizes"] = {}
    result["load"] = {"skipped": "not selected (--only)"}
    text = report(result)
    assert "Pages: not run (--only)." in text
    assert "skipped: not selected (--only)" in text
    assert "Targets met: 10 of 10." in text


def test_feed_load_and_invariant_misses_are_reported(result):
    """Misses of the feed, the load rate and the load's invariants are each
    listed, and printed with ✗ under the table."""
    result["sizes"]["large"]["feed"]["all_events"]["seconds"] = 2.0
    result["load"]["two_servers"] = load_run(2, per_second=120, overbooked=1)
    text = report(result)
    assert missed(result) == [
        "every event as one feed <1.5 s",
        "two servers: ≥150 registrations/s",
        "two servers: no overbooked event",
        "two servers: waiting lists consistent",
    ]
    assert "✗ two servers: no overbooked event" in text


def cache_down_run(*, up=400.0, down=150.0, down_5xx=0):
    """The pages over HTTP with Redis up, then with the cache unreachable."""

    def leg(per_second, http_5xx, cache_url):
        return {
            "sent": 100,
            "succeeded": 100 - http_5xx,
            "per_second": per_second,
            "p50_ms": 10.0,
            "p95_ms": 20.0,
            "http_5xx": http_5xx,
            "cache_url": cache_url,
        }

    return {
        "size": "medium",
        "events": 300,
        "paths": ["/", "/events/"],
        "workers": 5,
        "concurrency": 16,
        "up": leg(up, 0, "redis://127.0.0.1:6379/9"),
        "down": leg(down, down_5xx, "redis://127.0.0.1:1/0"),
        "ratio": round(down / up, 2),
    }


def test_the_cache_down_ratio_is_down_over_up_at_least_0_08(result):
    """With the cache unreachable, pages/s at 0.08x or more of the same with
    Redis up meets the target and 0.07x misses it; both legs print in the
    table with the ratio."""
    result["cache_down"] = cache_down_run(up=400.0, down=32.0)
    assert missed(result) == []
    assert "Targets met: 32 of 32." in report(result)
    result["cache_down"] = cache_down_run(up=400.0, down=28.0)
    assert missed(result) == ["cache down: pages/s ≥0.08x Redis up"]
    text = report(result)
    assert "Pages with the cache unreachable" in text
    assert "down/up: 0.07x" in text
    assert "redis://127.0.0.1:1/0" in text


def test_a_5xx_with_the_cache_down_is_a_miss(result):
    """A single 5xx with the cache unreachable misses "zero 5xx", however
    fast the pages were."""
    result["cache_down"] = cache_down_run(down_5xx=1)
    assert missed(result) == ["cache down: zero 5xx"]
