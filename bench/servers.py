"""The servers and the client the HTTP benchmarks share (``bench.load``,
``bench.rush``): the production environment, gunicorn servers on 127.0.0.1
stopped however a run ends, an asyncio client (plain streams, no HTTP
library) that POSTs with a CSRF token from a GET of the event page as a
browser does, and the run that writes a scenario's figures for one and for
two servers.

Importing this module sets the production environment and Django up, so it
comes before any model is imported.
"""

import argparse
import asyncio
import json
import os
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


def run_scenario(scenario, *, description: str, what: str, options, result) -> None:
    """The command line of an HTTP benchmark: parse ``options`` (name,
    default) and --out, check for PostgreSQL, migrate, run ``scenario`` with
    one server and with two, and write the JSON: ``result(args)`` and both
    runs."""
    parser = argparse.ArgumentParser(description=description)
    for name, default in options:
        parser.add_argument(f"--{name}", type=type(default), default=default)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit(f"The {what} benchmark needs PostgreSQL (DATABASE_URL).")
    cores = os.cpu_count() or 1
    logs = Path(os.environ.get("BENCH_LOG_DIR") or tempfile.gettempdir())
    call_command("migrate", verbosity=0, interactive=False)
    common = {name: getattr(args, name) for name, _default in options}
    common["logs"] = logs
    figures = {
        "tasks_backend": PRODUCTION_ENV["TASKS_BACKEND"],
        "cache": REDIS_URL,
        "conn_max_age": PRODUCTION_ENV["CONN_MAX_AGE"],
        **result(args),
        "one_server": scenario("one", servers=1, workers=2 * cores + 1, **common),
        "two_servers": scenario("two", servers=2, workers=cores + 1, **common),
    }
    with open(args.out, "w") as file:
        json.dump(figures, file, indent=2)
