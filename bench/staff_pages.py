"""The staff overview and the reports (issue 15), timed on each data size
by ``bench.pages`` with a signed-in superuser: the admin's first page, the
reports page for a year and for the whole decade, a table as CSV, and the
annual report. Target: each under 300 ms on the decade (10,000 events,
200,000 registrations), and the same number of queries as on the ten-event
calendar (computed by the database, never row by row).

``measure`` needs Django (``bench.pages`` has set it up); the verdicts and
the printed section don't.
"""

import statistics
import time
from datetime import date

TARGET_MS = 300


def paths(today: date) -> list[tuple[str, str]]:
    year = f"start={today.year}-01-01&end={today.year}-12-31"
    decade = f"start={today.year - 5}-01-01&end={today.year + 4}-12-31"
    return [
        ("overview (admin's first page)", "/admin/"),
        ("reports, this year", f"/admin/reports/?{year}"),
        ("reports, the decade", f"/admin/reports/?{decade}"),
        ("reports CSV, events of the year", f"/admin/reports/csv/event/?{year}"),
        ("annual report, last year", f"/admin/reports/annual/{today.year - 1}/"),
    ]


def measure(*, now, reps: int, seconds: float) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, _created = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    rows = []
    for name, path in paths(now.date()):
        for _ in range(2):  # templates compiled, connections warm
            client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        # Read now: the list lives on the connection, reset by the next request.
        query_count = len(queries)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        times = []
        deadline = time.perf_counter() + seconds
        while len(times) < reps and (len(times) < 3 or time.perf_counter() < deadline):
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
        rows.append(
            {
                "name": name,
                "path": path,
                "queries": query_count,
                "reps": len(times),
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
            }
        )
    return rows


# --- Verdicts and the printed section (no Django needed) ------------------


def checks(sizes: dict) -> list[tuple[str, bool]]:
    """(target, met) per page on the largest size measured: under 300 ms,
    and as many queries as on the smallest."""
    measured = [size for size in ("small", "medium", "large") if sizes.get(size)]
    if not measured or not sizes[measured[-1]].get("staff"):
        return []
    big = sizes[measured[-1]]["staff"]
    small = {row["name"]: row["queries"] for row in sizes[measured[0]]["staff"]}
    out = []
    for row in big:
        out.append((f"{row['name']}: <{TARGET_MS} ms", row["median_ms"] < TARGET_MS))
        out.append(
            (
                f"{row['name']}: same queries as on {measured[0]}",
                row["queries"] == small.get(row["name"]),
            )
        )
    return out


def targets(sizes: dict) -> list[dict]:
    return [
        {"what": f"staff pages: {target}", "ok": ok} for target, ok in checks(sizes)
    ]


def section(sizes: dict) -> list[str]:
    out = ["", "Staff overview and reports (signed in, uncached)"]
    rows = [
        (size, row)
        for size in ("small", "medium", "large")
        for row in (sizes.get(size) or {}).get("staff", [])
    ]
    if not rows:
        return [*out, "skipped: not run"]
    out += [
        f"{size:<6} {row['name']:<36} median {row['median_ms']:>7.1f} ms, "
        f"worst {row['max_ms']:>7.1f} ms, {row['queries']} queries"
        for size, row in rows
    ]
    marks = "; ".join(f"{'✓' if ok else '✗'} {t}" for t, ok in checks(sizes))
    return [*out, marks] if marks else out
