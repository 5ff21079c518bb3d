"""The targets of issues 6, 10 and 11, checked against the figures, and the
printed table."""

from bench import certificates, staff_pages

MAX_QUERIES = 10
EVENT_PAGE_MS = 25
EVENTS_LIST_MS = 40
FLOOR_RATIO = 3
REGISTRATIONS_PER_SECOND = 150
# The hot-event rush (bench.rush): everyone registering for one event.
RUSH_PER_SECOND = 180
FEED_COLD_SECONDS = 1.5
FEED_MEMORY_MB = 150
NOT_MODIFIED_MS = 5
# Pages over HTTP with the cache unreachable (bench.cache_down), as a share
# of the same with Redis up: slower, built from the database, never failing.
# A page built uncached costs about ten times one served from Redis, so a
# tenth is what an outage should cost; a cache call that waited for its
# timeout on every request (no circuit breaker) would bring it near zero.
CACHE_DOWN_RATIO = 0.08


def _sizes(result) -> tuple[str, str]:
    names = list(result["sizes"]) or ["small"]  # none: pages not run (--only)
    big = next((n for n in names if n != "small"), names[-1])
    return "small", big


def _rows(result, size) -> dict:
    return {row["name"]: row for row in result["sizes"].get(size, {}).get("pages", [])}


def _mark(ok: bool | None) -> str:
    return "-" if ok is None else ("✓" if ok else "✗")


def page_checks(name: str, small: dict | None, big: dict) -> list[tuple[str, bool]]:
    """(target, met) for one page row. The time targets are checked on the
    uncached figure, a page built from the database (what the first visitor
    after any change waits); the floor ratio on the page as served."""
    checks = []
    queries_ok = big["queries"] <= MAX_QUERIES and (
        small is None or big["queries"] <= small["queries"]
    )
    checks.append((f"queries ≤{MAX_QUERIES}, not growing", queries_ok))
    uncached = big.get("uncached_median_ms", big["median_ms"])
    if name == "event page":
        checks.append((f"uncached <{EVENT_PAGE_MS} ms", uncached < EVENT_PAGE_MS))
    if name.startswith("events list"):
        checks.append((f"uncached <{EVENTS_LIST_MS} ms", uncached < EVENTS_LIST_MS))
    if name == "event page" or name.startswith("events list"):
        checks.append(
            (f"served ≤{FLOOR_RATIO}x floor", big["ratio_to_floor"] <= FLOOR_RATIO)
        )
    if name == "feed, all: 304":
        checks.append(
            (f"304 <{NOT_MODIFIED_MS} ms", big["median_ms"] < NOT_MODIFIED_MS)
        )
    return checks


def evaluate(result) -> list[dict]:
    """Every target with its figure and ✓/✗, for the JSON and the summary."""
    small_name, big_name = _sizes(result)
    small, big = _rows(result, small_name), _rows(result, big_name)
    targets = []
    for name, row in big.items():
        for target, ok in page_checks(name, small.get(name), row):
            targets.append({"what": f"{name}: {target}", "ok": ok})
    feed = result["sizes"].get(big_name, {}).get("feed")
    if feed:
        served = feed["served_feed"]
        targets += [
            {
                "what": f"feed cold <{FEED_COLD_SECONDS} s ({big_name} set)",
                "ok": big["feed, all (cold)"]["median_ms"] / 1000 < FEED_COLD_SECONDS,
            },
            {
                "what": f"feed peak memory <{FEED_MEMORY_MB} MB",
                "ok": served["peak_memory_mb"] < FEED_MEMORY_MB,
            },
        ]
        every = feed["all_events"]
        if "skipped" not in every:
            targets.append(
                {
                    "what": f"every event as one feed <{FEED_COLD_SECONDS} s",
                    "ok": every["seconds"] < FEED_COLD_SECONDS,
                }
            )
    load = result.get("load", {})
    for key in ("one_server", "two_servers"):
        if key not in load:
            continue
        run = load[key]
        label = key.replace("_", " ")
        targets += [
            {
                "what": f"{label}: ≥{REGISTRATIONS_PER_SECOND} registrations/s",
                "ok": run["register"]["per_second"] >= REGISTRATIONS_PER_SECOND,
            },
            {
                "what": f"{label}: no overbooked event",
                "ok": run["invariants"]["overbooked_events"] == 0,
            },
            {
                "what": f"{label}: zero 5xx",
                "ok": run["register"]["http_5xx"] + run["cancel"]["http_5xx"] == 0,
            },
            {
                "what": f"{label}: waiting lists consistent",
                "ok": run["invariants"]["ok"],
            },
        ]
    return [
        *targets,
        *rush_targets(result.get("rush", {})),
        *cache_down_targets(result.get("cache_down", {})),
        *certificates.targets(result.get("certificates", {})),
        *staff_pages.targets(result.get("sizes", {})),
    ]


def rush_checks(run: dict) -> list[tuple[str, bool]]:
    """(target, met) for one run of the hot-event rush, each read from the
    rush's own figures (never the registration load's): its registrations/s
    and 5xx, and the seats and waiting list of its one event read back
    afterwards."""
    inv = run["invariants"]
    return [
        (
            f"≥{RUSH_PER_SECOND} registrations/s",
            run["register"]["per_second"] >= RUSH_PER_SECOND,
        ),
        ("not overbooked", inv["overbooked"] == 0),
        ("zero 5xx", run["register"]["http_5xx"] == 0),
        ("waiting list consistent", inv["waitlist_consistent"]),
        # Older result files predate the members-only rush with questions.
        ("every answer kept", inv.get("answers_ok", True)),
    ]


def rush_targets(rush: dict) -> list[dict]:
    """The hot-event rush's targets, one server then two."""
    return [
        {"what": f"rush, {key.replace('_', ' ')}: {target}", "ok": ok}
        for key in ("one_server", "two_servers")
        if key in rush
        for target, ok in rush_checks(rush[key])
    ]


def cache_down_checks(run: dict) -> list[tuple[str, bool]]:
    """(target, met) for the pages with the cache unreachable: their rate as
    a share of the same with Redis up, and no 5xx with it down."""
    return [
        (f"pages/s ≥{CACHE_DOWN_RATIO}x Redis up", run["ratio"] >= CACHE_DOWN_RATIO),
        ("zero 5xx", run["down"]["http_5xx"] == 0),
    ]


def cache_down_targets(run: dict) -> list[dict]:
    if "down" not in run:
        return []
    return [
        {"what": f"cache down: {target}", "ok": ok}
        for target, ok in cache_down_checks(run)
    ]


def _ms(value: float | None) -> str:
    """A latency in whole ms; "-" when no request was answered."""
    return "-" if value is None else f"{value:.0f}"


def _table(headers: list[str], rows: list[list], align: str) -> str:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(
            cell.ljust(w) if a == "l" else cell.rjust(w)
            for cell, w, a in zip(row, widths, align, strict=True)
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _all_events_rows(every: dict) -> list[list]:
    if "skipped" in every:
        return [["every event as one body", "skipped", "", every["skipped"]]]
    return [
        [
            f"every event as one body ({every['events_in_feed']:,})",
            f"{every['seconds']:.2f} s",
            f"<{FEED_COLD_SECONDS} s",
            _mark(every["seconds"] < FEED_COLD_SECONDS),
        ],
        [
            "  its peak memory growth (tracemalloc)",
            f"{every['peak_memory_mb']:.0f} MB",
            f"<{FEED_MEMORY_MB} MB",
            _mark(every["peak_memory_mb"] < FEED_MEMORY_MB),
        ],
    ]


def render(result) -> str:
    machine, database = result["machine"], result["database"]
    out = [
        f"Almanac benchmark ({result['mode']}), {result['when']}: "
        f"{machine['cores']} cores, Python {machine['python']}, "
        f"{database['engine']} {database['version']}, {result['seconds']} s in all.",
        f"Load average at start: {machine['load_average_at_start']}.",
    ]
    for size, data in result["sizes"].items():
        d = data["data"]
        out.append(
            f"Data '{size}': {d['events']:,} events, {d['categories']} categories, "
            f"{d['presenters']} presenters, {d['registrations']:,} registrations, "
            f"generated in {d['seconds']} s."
        )
    if not result["sizes"]:
        out += ["", "Pages: not run (--only)."]
    else:
        out += _pages_section(result)
    out += _load_section(result.get("load") or {"skipped": "not run"})
    out += _rush_section(result.get("rush") or {"skipped": "not run"})
    out += _cache_down_section(result.get("cache_down") or {"skipped": "not run"})
    out += certificates.section(result.get("certificates") or {"skipped": "not run"})
    out += staff_pages.section(result.get("sizes", {}))
    targets = result["targets"]
    missed = [t["what"] for t in targets if not t["ok"]]
    out += [
        "",
        f"Targets met: {len(targets) - len(missed)} of {len(targets)}.",
        *(f"  ✗ {what}" for what in missed),
    ]
    return "\n".join(out)


def _pages_section(result) -> list[str]:
    small_name, big_name = _sizes(result)
    small, big = _rows(result, small_name), _rows(result, big_name)
    out = [
        "",
        f"Pages, in process (test client; times at the '{big_name}' set). "
        "served = repeat requests as a visitor gets them (page cache);",
        "uncached = the page cache off, built from the database (the first visit "
        "after a change; SQL counted there); floor = same path and middleware, "
        "prebuilt bytes.",
    ]
    rows = []
    for name, row in big.items():
        checks = page_checks(name, small.get(name), row)
        rows.append(
            [
                name,
                small.get(name, {}).get("queries", "-"),
                row["queries"],
                f"{row['median_ms']:.2f}",
                f"{row['p95_ms']:.2f}",
                f"{row.get('uncached_median_ms', row['median_ms']):.1f}",
                f"{row.get('uncached_p95_ms', row['p95_ms']):.1f}",
                f"{row['floor_median_ms']:.2f}",
                f"{row['ratio_to_floor']:.1f}x",
                f"{row.get('uncached_ratio_to_floor', row['ratio_to_floor']):.0f}x",
                f"{row['bytes'] / 1024:.1f}",
                " ".join(_mark(ok) for _t, ok in checks),
                "; ".join(t for t, _ok in checks),
            ]
        )
    out.append(
        _table(
            [
                "page",
                f"SQL {small_name}",
                f"SQL {big_name}",
                "served ms",
                "p95",
                "uncached ms",
                "p95",
                "floor ms",
                "served/floor",
                "uncached/floor",
                "KB",
                "✓/✗",
                "targets",
            ],
            rows,
            "lrrrrrrrrrrll",
        )
    )
    feed = result["sizes"].get(big_name, {}).get("feed")
    if feed:
        served, every = feed["served_feed"], feed["all_events"]
        cold = big["feed, all (cold)"]["median_ms"] / 1000
        out += [
            "",
            f"Feed at scale ('{big_name}' set)",
            _table(
                ["figure", "value", "target", "✓/✗"],
                [
                    [
                        f"served feed cold ({served['events_in_feed']:,} events, "
                        f"{served['bytes'] / 1e6:.1f} MB)",
                        f"{cold:.2f} s",
                        f"<{FEED_COLD_SECONDS} s",
                        _mark(cold < FEED_COLD_SECONDS),
                    ],
                    [
                        "  its peak memory growth (tracemalloc)",
                        f"{served['peak_memory_mb']:.0f} MB",
                        f"<{FEED_MEMORY_MB} MB",
                        _mark(served["peak_memory_mb"] < FEED_MEMORY_MB),
                    ],
                    *_all_events_rows(every),
                    [
                        "repeat with If-None-Match (304), median",
                        f"{feed['not_modified_median_ms']:.2f} ms",
                        f"<{NOT_MODIFIED_MS} ms",
                        _mark(feed["not_modified_median_ms"] < NOT_MODIFIED_MS),
                    ],
                ],
                "lrrl",
            ),
        ]
    return out


def _load_section(load: dict) -> list[str]:
    out = ["", "Registration under load (gunicorn on 127.0.0.1, PostgreSQL, Redis)"]
    if "skipped" in load:
        out.append(f"skipped: {load['skipped']}")
    else:
        out.append(
            f"tasks backend {load['tasks_backend']} (emails written to the outbox, "
            f"not sent); cache {load['cache']}; CONN_MAX_AGE {load['conn_max_age']}"
        )
        rows = []
        for key in ("one_server", "two_servers"):
            run = load[key]
            for phase in ("register", "cancel"):
                p = run[phase]
                fast = p["per_second"] >= REGISTRATIONS_PER_SECOND
                rows.append(
                    [
                        f"{run['servers']}x{run['workers_per_server']} workers",
                        phase,
                        f"{p['succeeded']}/{p['sent'] + p['unsent_at_deadline']}",
                        f"{p['per_second']:.1f}",
                        _ms(p["p50_ms"]),
                        _ms(p["p95_ms"]),
                        p["http_5xx"],
                        _mark(fast) if phase == "register" else "",
                    ]
                )
            inv = run["invariants"]
            rows.append(
                [
                    "",
                    "invariants",
                    f"{inv['events']} events",
                    f"overbooked {inv['overbooked_events']}",
                    "waitlist "
                    + ("ok" if not inv["events_with_bad_waitlist_positions"] else "✗"),
                    "promotions "
                    + (
                        "ok"
                        if not (
                            inv["events_with_wrong_promotions"]
                            or inv["events_with_free_seat_and_waitlist"]
                        )
                        else "✗"
                    ),
                    "",
                    _mark(inv["ok"]),
                ]
            )
        out.append(
            _table(
                [
                    "servers",
                    "phase",
                    "ok/sent",
                    "per s",
                    "p50 ms",
                    "p95 ms",
                    "5xx",
                    f"≥{REGISTRATIONS_PER_SECOND}/s",
                ],
                rows,
                "llrrrrrl",
            )
        )
    return out


def _rush_section(rush: dict) -> list[str]:
    out = [
        "",
        "Hot-event rush: one event, everyone at once (gunicorn, PostgreSQL, Redis)",
    ]
    if "skipped" in rush:
        return [*out, f"skipped: {rush['skipped']}"]
    out.append(
        f"{rush['posts']:,} registration POSTs, all different member addresses "
        f"answering two questions, for one members-only event with "
        f"{rush['seats']} seats and a waiting list without a cap, at "
        f"concurrency {rush['concurrency']}."
    )
    rows = []
    for key in ("one_server", "two_servers"):
        run = rush[key]
        p, inv = run["register"], run["invariants"]
        told = {True: ", told ok", False: ", told ✗", None: ""}[
            inv["told_positions_ok"]
        ]
        rows.append(
            [
                f"{run['servers']}x{run['workers_per_server']} workers",
                f"{p['succeeded']}/{p['sent'] + p['unsent_at_deadline']}",
                f"{p['per_second']:.1f}",
                _ms(p["p50_ms"]),
                _ms(p["p95_ms"]),
                p["http_5xx"],
                f"{inv['confirmed']}/{inv['seats']}",
                inv["overbooked"],
                f"{inv['waitlisted']}/{inv['expected_waitlisted']}",
                ("1..N ok" if inv["waitlist_positions_ok"] else "✗") + told,
                " ".join(_mark(ok) for _target, ok in rush_checks(run)),
            ]
        )
    out.append(
        _table(
            [
                "servers",
                "ok/sent",
                "per s",
                "p50 ms",
                "p95 ms",
                "5xx",
                "confirmed/seats",
                "overbooked",
                "waitlisted/expected",
                "positions",
                f"✓/✗: ≥{RUSH_PER_SECOND}/s, seats, 5xx, list, answers",
            ],
            rows,
            "lrrrrrrrrll",
        )
    )
    return out


def _cache_down_section(run: dict) -> list[str]:
    out = ["", "Pages with the cache unreachable (gunicorn, one server, PostgreSQL)"]
    if "skipped" in run:
        return [*out, f"skipped: {run['skipped']}"]
    out.append(
        f"GETs of {', '.join(run['paths'])} in turn at concurrency "
        f"{run['concurrency']}, {run['events']:,} events; CACHE_URL at Redis, then "
        "at a port where nothing listens."
    )
    rows = [
        [
            label,
            leg["cache_url"],
            f"{leg['succeeded']}/{leg['sent']}",
            f"{leg['per_second']:.1f}",
            _ms(leg["p50_ms"]),
            _ms(leg["p95_ms"]),
            leg["http_5xx"],
        ]
        for label, leg in (("Redis up", run["up"]), ("cache down", run["down"]))
    ]
    out.append(
        _table(
            ["cache", "CACHE_URL", "200/sent", "pages/s", "p50 ms", "p95 ms", "5xx"],
            rows,
            "llrrrrr",
        )
    )
    checks = cache_down_checks(run)
    out.append(
        f"down/up: {run['ratio']:.2f}x; "
        + "; ".join(f"{_mark(ok)} {target}" for target, ok in checks)
    )
    return out
