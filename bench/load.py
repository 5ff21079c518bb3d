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

import asyncio
import random
import re
from datetime import timedelta

from django.db import connection
from django.utils import timezone

# Sets the production environment and Django up, before any model import.
from bench.servers import (
    gunicorn_servers,
    run_requests,
    run_scenario,
    summarize,
    warm_up_and_post,
)
from events.models import Event
from registrations.emails import write_email
from registrations.models import OutboundEmail, Registration

EVENTS = 20
TOKEN_IN_LINK = re.compile(r"/registrations/([A-Za-z0-9_\-]+)/")


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
    emails = (
        OutboundEmail.objects.filter(registration_id__in=[pk for pk, _ in chosen])
        .select_related("registration__event")
        .order_by("pk")
    )
    for email in emails:
        # Written as the worker would when it sends it.
        match = TOKEN_IN_LINK.search(write_email(email).text)
        if match:
            tokens[email.registration_id] = match.group(1)  # the latest email wins
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
    run_scenario(
        scenario,
        description=__doc__,
        what="load",
        options=[
            ("posts", 2000),
            ("cancels", 500),
            ("concurrency", 64),
            ("seconds", 120.0),
        ],
        result=lambda args: {},
    )


if __name__ == "__main__":
    main()
