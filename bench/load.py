"""Registration under load, over HTTP: ``python -m bench.load --out FILE``.

gunicorn serves Almanac with the production settings (``bench.settings_load``
adds only a rate limit high enough for one client address) on 127.0.0.1, on
PostgreSQL (DATABASE_URL, a database of its own) with Redis as the shared
cache. An asyncio client (plain streams, no HTTP library) sends the
registration POSTs with a CSRF token from a GET of the event page, as a
browser does, then cancels through the self-service link, whose token it
reads from the outbox: TASKS_BACKEND=dummy queues the emails and never sends
them, so their bodies, and the links in them, stay in the table.

Afterwards the database is checked: confirmed never above capacity, waiting
list positions 1..n, and every cancelled seat given to the next in line.
Runs once with one server and once with two sharing the database, the load
split between them. Servers are stopped however the run ends.
"""

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings_load",
    "DEBUG": "0",
    "HTTPS": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "CACHE_URL": REDIS_URL,
    # Emails are written to the outbox in the request (that cost is measured)
    # but never sent: the dummy backend only records the task.
    "TASKS_BACKEND": "dummy",
    "EMAIL_URL": "dummy:",
    # Persistent connections, as any production deployment sets them.
    "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
    "LOG_LEVEL": "WARNING",
    "SITE_URL": "http://127.0.0.1",
}
os.environ.update(PRODUCTION_ENV)
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from events.models import Event  # noqa: E402
from registrations.models import OutboundEmail, Registration  # noqa: E402

EVENTS = 20
TOKEN_IN_LINK = re.compile(r"/registrations/([A-Za-z0-9_\-]+)/")
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(rb"csrftoken=([^;]+)")
REQUEST_TIMEOUT = 30
SESSIONS_PER_SERVER = 8


# Servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn_servers(count: int, workers: int, log_dir: Path, name: str = ""):
    """``count`` gunicorn servers on loopback, each in its own process group,
    killed (group and all) on the way out, whatever happened. Their logs:
    ``gunicorn-<name or count>-<index>.log`` in ``log_dir``."""
    binary = Path(sys.executable).with_name("gunicorn")
    servers = []
    try:
        for index in range(count):
            port = free_port()
            log = open(log_dir / f"gunicorn-{name or count}-{index}.log", "w")  # noqa: SIM115
            process = subprocess.Popen(  # noqa: S603 (our own arguments)
                [
                    str(binary),
                    "calendar_site.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--backlog",
                    "2048",
                    "--timeout",
                    "60",
                    "--log-level",
                    "warning",
                ],
                env=os.environ.copy(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            servers.append((port, process, log))
        for port, process, _log in servers:
            wait_ready(port, process)
        yield [port for port, _process, _log in servers]
    finally:
        for _port, process, log in servers:
            stop(process)
            log.close()


def wait_ready(port: int, process, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} exited ({process.returncode})")
        try:
            status, _headers, _body = asyncio.run(http(port, "GET", "/events/"))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not answer in {seconds}s")


def stop(process) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


# The client


async def http(port: int, method: str, path: str, *, headers=None, body=b""):
    """One HTTP/1.1 request on a new connection: (status, headers, body).
    gunicorn's sync workers close every connection, so no keep-alive."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Connection: close",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.split(b"\r\n")
    return int(status_line.split()[1]), header_lines, content


async def csrf_session(port: int, event_path: str) -> dict:
    """What a browser holds after showing the form: cookie and form token."""
    status, headers, body = await http(port, "GET", event_path)
    cookie = next((m.group(1) for h in headers if (m := CSRF_COOKIE.search(h))), None)
    field = CSRF_FIELD.search(body)
    if status != 200 or cookie is None or field is None:
        raise SystemExit(f"No CSRF token on {event_path} (HTTP {status})")
    return {"cookie": cookie.decode(), "token": field.group(1).decode()}


async def run_requests(jobs, *, ports, concurrency, seconds, session_path):
    """Send ``jobs`` (port index, path, form fields) from ``concurrency``
    clients, each with its own CSRF session on its own server; stop sending
    after ``seconds``. Returns results and the wall time."""
    queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    results = []
    # Before the clock starts, each server shows the form a few times; the
    # clients share those CSRF cookies (Django does not tie one to a client).
    shown = [
        await csrf_session(ports[index % len(ports)], session_path)
        for index in range(min(concurrency, SESSIONS_PER_SERVER * len(ports)))
    ]
    sessions = [shown[index % len(shown)] for index in range(concurrency)]
    deadline = time.perf_counter() + seconds

    async def client(index: int):
        port = ports[index % len(ports)]
        session = sessions[index]
        while time.perf_counter() < deadline:
            try:
                path, fields = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            body = urlencode({**fields, "csrfmiddlewaretoken": session["token"]})
            started = time.perf_counter()
            try:
                status, headers, _ = await asyncio.wait_for(
                    http(
                        port,
                        "POST",
                        path,
                        headers={
                            "Content-Type": "application/x-www-form-urlencoded",
                            "Cookie": f"csrftoken={session['cookie']}",
                        },
                        body=body.encode(),
                    ),
                    REQUEST_TIMEOUT,
                )
            except (TimeoutError, OSError) as error:
                status, headers = type(error).__name__, []
            location = next(
                (
                    h[9:].strip().decode()
                    for h in headers
                    if h[:9].lower() == b"location:"
                ),
                "",
            )
            results.append(
                {
                    "status": status,
                    "seconds": time.perf_counter() - started,
                    "location": location,
                    "fields": fields,
                }
            )

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(concurrency)))
    return results, time.perf_counter() - started, queue.qsize()


def summarize(results, wall: float, unsent: int, *, success) -> dict:
    latencies = sorted(r["seconds"] for r in results)
    ok = sum(1 for r in results if success(r))
    statuses = {}
    for r in results:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    return {
        "sent": len(results),
        "unsent_at_deadline": unsent,
        "succeeded": ok,
        "seconds": round(wall, 2),
        "per_second": round(ok / wall, 1) if wall else 0,
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1)
        if latencies
        else None,
        "http_5xx": sum(
            1 for r in results if isinstance(r["status"], int) and r["status"] >= 500
        ),
        "statuses": statuses,
    }


# One scenario


def make_events(label: str, seats: int) -> list[Event]:
    start = timezone.now() + timedelta(days=30)
    return [
        Event.objects.create(
            title=f"Load test {label} {i}",
            slug=f"load-{label}-{i}",
            description="A webinar with **fifty** seats and a waiting list.",
            start=start + timedelta(hours=i),
            end=start + timedelta(hours=i + 1),
            is_published=True,
            capacity=seats,
            waitlist_enabled=True,
            join_url="https://meet.example.org/j/1",
        )
        for i in range(EVENTS)
    ]


def choose_cancellations(events, count: int, rng) -> list[tuple[int, str, bool]]:
    """(registration id, token, held a seat) for ``count`` cancellations.

    Mostly confirmed seats, which must each promote the next in line. The
    waitlisted ones are picked from beyond the places those promotions will
    take, so no link is re-issued (a promotion emails a new one) before use.
    """
    per_event = count // len(events)
    chosen = []
    for event in events:
        rows = list(
            Registration.objects.filter(event=event)
            .order_by("pk")
            .values_list("pk", "status")
        )
        confirmed = [pk for pk, status in rows if status == "confirmed"]
        waiting = [pk for pk, status in rows if status == "waitlisted"]
        from_waitlist = min(per_event // 4, len(waiting))
        seats = min(per_event - from_waitlist, len(confirmed))
        safe = waiting[seats:]  # places the promotions will not reach
        picks = [(pk, True) for pk in rng.sample(confirmed, seats)]
        picks += [(pk, False) for pk in rng.sample(safe, min(from_waitlist, len(safe)))]
        chosen.extend(picks)
    tokens = {}
    for registration_id, body in (
        OutboundEmail.objects.filter(registration_id__in=[pk for pk, _ in chosen])
        .order_by("pk")
        .values_list("registration_id", "body_text")
    ):
        match = TOKEN_IN_LINK.search(body)
        if match:
            tokens[registration_id] = match.group(1)  # the latest email wins
    return [(pk, tokens[pk], held) for pk, held in chosen if pk in tokens]


def waiting_lists(events) -> dict[int, list[int]]:
    """Each event's waiting list, first in line first."""
    lists = {event.pk: [] for event in events}
    for event_id, pk in (
        Registration.objects.filter(event__in=events, status="waitlisted")
        .order_by("pk")
        .values_list("event_id", "pk")
    ):
        lists[event_id].append(pk)
    return lists


def check_invariants(events, seats: int, waiting_before, cancelled) -> dict:
    """Read back from the database what must hold after the run.

    ``waiting_before``: the waiting lists before the cancellations;
    ``cancelled``: the (registration id, token, held a seat) sent.
    """
    overbooked = 0
    free_seat_while_waiting = 0
    bad_positions = 0
    wrong_promotions = 0
    held_cancelled = {pk for pk, _token, held in cancelled if held}
    for event in events:
        rows = list(
            Registration.objects.filter(event=event)
            .order_by("pk")
            .values_list("pk", "status", "promoted_at")
        )
        confirmed = sum(1 for _pk, status, _p in rows if status == "confirmed")
        waiting = [pk for pk, status, _p in rows if status == "waitlisted"]
        overbooked += confirmed > seats
        free_seat_while_waiting += bool(waiting) and confirmed < seats
        positions = [
            r.waitlist_position
            for r in Registration.objects.filter(pk__in=waiting).order_by("pk")
        ]
        bad_positions += positions != list(range(1, len(waiting) + 1))
        # First come, first served: the promoted are the earliest of those who
        # were waiting, one per cancelled seat.
        freed = sum(
            1
            for pk, status, _p in rows
            if status == "cancelled" and pk in held_cancelled
        )
        promoted = [pk for pk, _status, promoted_at in rows if promoted_at]
        left_line = {pk for pk, status, _p in rows if status == "cancelled"}
        in_line = [pk for pk in waiting_before[event.pk] if pk not in left_line]
        wrong_promotions += promoted != in_line[:freed]
    return {
        "events": len(events),
        "overbooked_events": overbooked,
        "events_with_free_seat_and_waitlist": free_seat_while_waiting,
        "events_with_bad_waitlist_positions": bad_positions,
        "events_with_wrong_promotions": wrong_promotions,
        "ok": not (
            overbooked or free_seat_while_waiting or bad_positions or wrong_promotions
        ),
    }


def warm_up_and_post(
    jobs, *, warmup, ports, warm_concurrency, concurrency, seconds, session_path
):
    """POST ``jobs`` to the servers, after an untimed round of registrations
    for ``warmup`` in which every worker imports, compiles templates and
    connects once. Returns ``run_requests``' (results, wall, unsent)."""
    asyncio.run(
        run_requests(
            [
                (
                    f"/events/{warmup.slug}/register/",
                    {"name": "Warm", "email": f"warm{i}@example.org"},
                )
                for i in range(warm_concurrency * 6)
            ],
            ports=ports,
            concurrency=warm_concurrency,
            seconds=seconds,
            session_path=session_path,
        )
    )
    return asyncio.run(
        run_requests(
            jobs,
            ports=ports,
            concurrency=concurrency,
            seconds=seconds,
            session_path=session_path,
        )
    )


def scenario(label, *, servers, workers, posts, cancels, concurrency, seconds, logs):
    rng = random.Random(label)
    seats = max(1, posts // EVENTS // 2)  # half confirmed, half waiting
    events = make_events(label, seats)
    jobs = [
        (
            f"/events/{events[i % EVENTS].slug}/register/",
            {
                "name": f"Member {i}",
                "email": f"member{i}.{label}@lib{i % 13}.example.org",
                "organization": "Springfield Public Library",
                "accommodation_request": "",
                "homepage": "",  # the honeypot stays empty
            },
        )
        for i in range(posts)
    ]
    rng.shuffle(jobs)
    warmup = Event.objects.create(
        title=f"Load test {label} warm-up",
        slug=f"load-{label}-warmup",
        start=events[0].start,
        end=events[0].end,
        is_published=True,
    )
    connection.close()  # no connection held open across the servers' run
    with gunicorn_servers(servers, workers, logs) as ports:
        session_path = events[0].get_absolute_url()
        results, wall, unsent = warm_up_and_post(
            jobs,
            warmup=warmup,
            ports=ports,
            warm_concurrency=servers * workers,
            concurrency=concurrency,
            seconds=seconds,
            session_path=session_path,
        )
        registered = summarize(
            results, wall, unsent, success=lambda r: "/registered/" in r["location"]
        )
        after_posts = {
            status: Registration.objects.filter(event__in=events, status=status).count()
            for status in ("confirmed", "waitlisted")
        }
        chosen = choose_cancellations(events, cancels, rng)
        waiting_before = waiting_lists(events)
        connection.close()
        cancel_jobs = [(f"/registrations/{t}/cancel/", {}) for _, t, _ in chosen]
        results, wall, unsent = asyncio.run(
            run_requests(
                cancel_jobs,
                ports=ports,
                concurrency=concurrency,
                seconds=seconds,
                session_path=session_path,
            )
        )
        cancelled = summarize(
            results, wall, unsent, success=lambda r: "cancelled=1" in r["location"]
        )
    return {
        "servers": servers,
        "workers_per_server": workers,
        "concurrency": concurrency,
        "events": EVENTS,
        "seats_per_event": seats,
        "register": registered,
        "after_register": after_posts,
        "cancel": cancelled,
        "invariants": check_invariants(events, seats, waiting_before, chosen),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--cancels", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=120, help="per phase")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The load benchmark needs PostgreSQL (DATABASE_URL).")
    cores = os.cpu_count() or 1
    logs = Path(os.environ.get("BENCH_LOG_DIR") or tempfile.gettempdir())
    call_command("migrate", verbosity=0, interactive=False)
    common = {
        "posts": args.posts,
        "cancels": args.cancels,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "logs": logs,
    }
    result = {
        "tasks_backend": PRODUCTION_ENV["TASKS_BACKEND"],
        "cache": REDIS_URL,
        "conn_max_age": PRODUCTION_ENV["CONN_MAX_AGE"],
        "one_server": scenario("one", servers=1, workers=2 * cores + 1, **common),
        "two_servers": scenario("two", servers=2, workers=cores + 1, **common),
    }
    with open(args.out, "w") as file:
        json.dump(result, file, indent=2)


if __name__ == "__main__":
    main()
