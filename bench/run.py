"""Run the whole benchmark and print one table: ``python -m bench.run [--quick]``
(``--only pages|load|rush|cache_down|certificates``, repeatable, runs only
those parts).

Each part runs in a process of its own, on a database of its own (see
``bench.db``), so settings, caches and memory figures never leak from one
part to the next. The figures go to stdout as a table and to
``bench/results/latest.json``. A benchmark, not a test: a missed target is
reported, never an error; only a crash exits non-zero.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import db
from bench.report import evaluate, render

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"

MODES = {
    "full": {
        "sizes": ("small", "large"),
        "reps": 200,
        "seconds": 4.0,
        "load": {"posts": 2000, "cancels": 500, "concurrency": 64, "seconds": 120},
        "rush": {"posts": 2000, "seats": 100, "concurrency": 128, "seconds": 120},
        "cache_down": {"size": "medium", "concurrency": 16, "seconds": 10},
        "certificates": 500,
    },
    "quick": {
        "sizes": ("small", "medium"),
        "reps": 10,
        "seconds": 0.2,
        "load": {"posts": 200, "cancels": 40, "concurrency": 64, "seconds": 15},
        "rush": {"posts": 400, "seats": 100, "concurrency": 128, "seconds": 15},
        "cache_down": {"size": "small", "concurrency": 16, "seconds": 3},
        "certificates": 100,
    },
}
# The parts ``--only`` can pick: the pages at each data size, the registration
# load across 20 events, the hot-event rush on one, the pages with the cache
# unreachable against the same with Redis up, a webinar's certificates made by
# one worker.
PARTS = ("pages", "load", "rush", "cache_down", "certificates")
HTTP_PARTS = {
    "load": ("bench.load", "registration under load (gunicorn, one then two servers)"),
    "rush": ("bench.rush", "hot-event rush (gunicorn, one then two servers)"),
    "cache_down": ("bench.cache_down", "pages with the cache up, then down (gunicorn)"),
}


def run_python(args: list[str], *, env: dict, what: str) -> None:
    started = time.perf_counter()
    print(f"… {what}", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)  # noqa: S603
    print(
        f"  done in {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True
    )


def http_part(part: str, *, plan: dict, base: str, env: dict, args, scratch) -> dict:
    """Run ``bench.load``, ``bench.rush`` or ``bench.cache_down`` on a
    database of its own; its figures, or why it was skipped."""
    if part not in args.only:
        return {"skipped": "not selected (--only)"}
    if args.no_load:
        return {"skipped": "--no-load"}
    if not db.is_postgres(base):
        return {"skipped": "needs PostgreSQL: set DATABASE_URL"}
    module, what = HTTP_PARTS[part]
    RESULTS.mkdir(exist_ok=True)
    url = db.database_url(part, base)
    db.recreate(url)
    out = Path(scratch) / f"{part}.json"
    try:
        run_python(
            ["-m", module, "--out", str(out)]
            + [f"--{key}={value}" for key, value in plan[part].items()],
            env={**env, "DATABASE_URL": url, "BENCH_LOG_DIR": str(RESULTS)},
            what=what,
        )
    finally:
        if not args.keep:
            db.drop(url)
    return json.loads(out.read_text())


def static_is_stale() -> bool:
    """Whether the collected static files (for the manifest storage) are
    missing or older than one of ours."""
    root = Path(
        os.environ.get("BENCH_STATIC_ROOT")
        or Path(tempfile.gettempdir()) / "almanac_bench_static"
    )
    manifest = root / "staticfiles.json"
    if not manifest.exists():
        return True
    newest = max(p.stat().st_mtime for p in (ROOT / "static").rglob("*"))
    return newest > manifest.stat().st_mtime


def database_version(url: str) -> str:
    if not db.is_postgres(url):
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres") as connection:
        return connection.execute("SHOW server_version").fetchone()[0].split()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small data, short run")
    parser.add_argument(
        "--no-load", action="store_true", help="skip the HTTP load and the rush"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        help="run only this part (repeatable): pages, load, rush, cache_down "
        "or certificates",
    )
    args = parser.parse_args()
    args.only = args.only or list(PARTS)
    mode = "quick" if args.quick else "full"
    plan = MODES[mode]
    started = time.perf_counter()
    base = db.base_url()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-not-secret",
    }
    result = {
        "mode": mode,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "database": {
            "url": db.describe(base),
            "engine": "postgresql" if db.is_postgres(base) else "sqlite",
            "version": database_version(base),
        },
        "sizes": {},
    }

    with tempfile.TemporaryDirectory(prefix="almanac-bench-") as scratch:
        static_env = {**env, "DATABASE_URL": db.database_url("small", base)}
        if static_is_stale():
            run_python(
                [
                    "manage.py",
                    "collectstatic",
                    "--noinput",
                    "-v0",
                    "--settings=bench.settings",
                ],
                env=static_env,
                what="collectstatic (manifest storage, as in production)",
            )
        for size in plan["sizes"] if "pages" in args.only else ():
            url = db.database_url(size, base)
            db.recreate(url)
            out = Path(scratch) / f"{size}.json"
            try:
                run_python(
                    ["-m", "bench.pages", "--size", size, "--out", str(out)]
                    + ["--reps", str(plan["reps"]), "--seconds", str(plan["seconds"])]
                    + (["--feed-scale"] if size != "small" else [])
                    + (["--every-event"] if mode == "full" else []),
                    env={**env, "DATABASE_URL": url},
                    what=f"pages on the {size} data set",
                )
            finally:
                if not args.keep:
                    db.drop(url)
            result["sizes"][size] = json.loads(out.read_text())

        for part in HTTP_PARTS:
            result[part] = http_part(
                part, plan=plan, base=base, env=env, args=args, scratch=scratch
            )

        if "certificates" in args.only:
            url = db.database_url("certificates", base)
            db.recreate(url)
            out = Path(scratch) / "certificates.json"
            try:
                count = str(plan["certificates"])
                run_python(
                    ["-m", "bench.certificates", "--out", str(out), "--count", count],
                    env={**env, "DATABASE_URL": url},
                    what=f"{plan['certificates']} certificates by one worker",
                )
            finally:
                if not args.keep:
                    db.drop(url)
            result["certificates"] = json.loads(out.read_text())

    result["seconds"] = round(time.perf_counter() - started, 1)
    result["targets"] = evaluate(result)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    print(render(result))
    print(f"\nJSON: {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
