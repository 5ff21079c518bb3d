"""A hot-event rush, over HTTP: ``python -m bench.rush --out FILE``.

Everyone wants the same event: 2,000 registration POSTs (all different
addresses, each a member library's, each answering the event's two
questions) for one members-only event with 100 seats and a waiting list
without a cap,
from 128 clients at once, so every request waits for the one event lock.
The same servers, settings and client as ``bench.load`` (``bench.servers``:
gunicorn with the production settings, PostgreSQL, Redis as the shared
cache, emails written to the outbox and never sent); once with one server,
once with two sharing the database, each run on an event of its own.

Afterwards the database is checked: exactly the seats confirmed, never more;
everyone else on the waiting list (one row per POST answered, so 2,000 - 100
when all are: nobody lost or counted twice); the positions the app gives them
1..N in order of arrival, without gaps or repeats; and the positions their
emails told them the same.
"""

import re
from datetime import timedelta

from django.db import connection
from django.utils import timezone

# Sets the production environment and Django up, before any model import.
from bench.servers import (
    gunicorn_servers,
    run_scenario,
    summarize,
    warm_up_and_post,
)
from events.models import Event
from members.models import LibraryDomain, MemberLibrary
from registrations.emails import write_email
from registrations.models import Answer, OutboundEmail, Question, Registration

MEMBER_DOMAIN = "springfieldlibrary.org"

# The position as the waiting-list email words it ("... at position 12.").
TOLD_POSITION = re.compile(r"at position (\d+)")


def make_event(label: str, seats: int) -> Event:
    """A members-only webinar with two questions of its own, as the ALA
    webinars and the mini-conference are: membership and answers are part
    of every registration the rush makes."""
    start = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        title=f"Hot event {label}",
        slug=f"rush-{label}",
        description="Everyone wants a seat at this one.",
        start=start,
        end=start + timedelta(hours=1),
        is_published=True,
        capacity=seats,
        waitlist_enabled=True,
        waitlist_limit=None,  # no cap: every POST gets a seat or a place
        join_url="https://meet.example.org/j/1",
        who_may_register=Event.WhoMayRegister.MEMBERS,
    )
    Question.objects.bulk_create(
        [
            Question(
                event=event,
                label="Your role",
                kind=Question.Kind.ONE_CHOICE,
                choices="Librarian\nParaprofessional\nAdministrator\nOther",
                required=True,
                order=1,
            ),
            Question(
                event=event,
                label="What do you hope to learn?",
                kind=Question.Kind.LONG_TEXT,
                order=2,
            ),
        ]
    )
    return event


def member_library() -> MemberLibrary:
    library, _created = MemberLibrary.objects.get_or_create(
        name="Springfield Public Library"
    )
    LibraryDomain.objects.get_or_create(library=library, domain=MEMBER_DOMAIN)
    return library


def answers_ok(event: Event, registered: int) -> bool:
    """Each registration kept both answers, the choice as picked."""
    answers = Answer.objects.filter(registration__event=event)
    return (
        answers.count() == 2 * registered
        and answers.filter(value="Librarian").count() == registered
    )


def told_positions(waiting: list[int]) -> list[int] | None:
    """The position each waitlisted registrant (``waiting``, in order of
    arrival) was told in their email; None when the email no longer says it
    in words this finds (then only the app's own positions are checked)."""
    told = {}
    emails = OutboundEmail.objects.filter(
        registration_id__in=waiting, kind=OutboundEmail.Kind.WAITLISTED
    ).select_related("registration__event")
    for email in emails:
        # Written as the worker would when it sends it.
        match = TOLD_POSITION.search(write_email(email).text)
        if match:
            told[email.registration_id] = int(match.group(1))
    if not told:
        return None
    return [told.get(pk, 0) for pk in waiting]


def check_rush(event: Event, *, seats: int, posts: int, registered: int) -> dict:
    """Read back from the database what must hold after the rush.

    ``registered``: the POSTs answered with the result page. All addresses
    differ, so each is one row: the first ``seats`` confirmed, the rest
    waitlisted (2,000 - 100 when every POST was sent and answered; a POST
    left unsent at the deadline shows in the rate, not here)."""
    statuses = dict.fromkeys(("confirmed", "waitlisted", "cancelled"), 0)
    for status in Registration.objects.filter(event=event).values_list(
        "status", flat=True
    ):
        statuses[status] = statuses.get(status, 0) + 1
    waiting = list(
        Registration.objects.filter(event=event, status="waitlisted").order_by("pk")
    )
    # The app's own figure, as the manage page and the admin show it.
    positions = [registration.waitlist_position for registration in waiting]
    expected_positions = list(range(1, len(waiting) + 1))
    told = told_positions([registration.pk for registration in waiting])
    expected_confirmed = min(seats, registered)
    expected_waitlisted = registered - expected_confirmed
    positions_ok = positions == expected_positions
    told_ok = None if told is None else told == expected_positions
    rows = sum(statuses.values())
    consistent = (
        rows == registered
        and statuses["confirmed"] == expected_confirmed
        and statuses["waitlisted"] == expected_waitlisted
        and positions_ok
        and told_ok is not False
    )
    return {
        "seats": seats,
        "posts": posts,
        "registered": registered,
        "rows": rows,
        "confirmed": statuses["confirmed"],
        "waitlisted": statuses["waitlisted"],
        "other_statuses": rows - statuses["confirmed"] - statuses["waitlisted"],
        "overbooked": max(statuses["confirmed"] - seats, 0),
        "expected_waitlisted": expected_waitlisted,
        "waitlist_positions_ok": positions_ok,
        "told_positions_ok": told_ok,
        "waitlist_consistent": consistent,
    }


def rush(label, *, servers, workers, posts, seats, concurrency, seconds, logs):
    event = make_event(label, seats)
    path = f"/events/{event.slug}/register/"
    member_library()
    role, hopes = event.questions.order_by("order")
    jobs = [
        (
            path,
            {
                "name": f"Fan {i}",
                # Members by their address: staff of a member library's
                # branches, on subdomains of its domain.
                "email": f"fan{i}.{label}@branch{i % 13}.{MEMBER_DOMAIN}",
                "organization": "Springfield Public Library",
                "accommodation_request": "",
                f"question_{role.pk}": "Librarian",
                f"question_{hopes.pk}": "How to run a calmer service desk.",
                "homepage": "",  # the honeypot stays empty
            },
        )
        for i in range(posts)
    ]
    warmup = Event.objects.create(
        title=f"Hot event {label} warm-up",
        slug=f"rush-{label}-warmup",
        start=event.start,
        end=event.end,
        is_published=True,
    )
    connection.close()  # no connection held open across the servers' run
    with gunicorn_servers(servers, workers, logs, name=f"rush-{label}") as ports:
        results, wall, unsent = warm_up_and_post(
            jobs,
            warmup=warmup,
            ports=ports,
            warm_concurrency=servers * workers,
            concurrency=concurrency,
            seconds=seconds,
            session_path=event.get_absolute_url(),
        )
    registered = summarize(
        results, wall, unsent, success=lambda r: "/registered/" in r["location"]
    )
    return {
        "servers": servers,
        "workers_per_server": workers,
        "concurrency": concurrency,
        "register": registered,
        "invariants": check_rush(
            event, seats=seats, posts=posts, registered=registered["succeeded"]
        )
        | {"answers_ok": answers_ok(event, registered["succeeded"])},
    }


def main() -> None:
    run_scenario(
        rush,
        description=__doc__,
        what="rush",
        options=[
            ("posts", 2000),
            ("seats", 100),
            ("concurrency", 128),
            ("seconds", 120.0),
        ],
        result=lambda args: {
            "posts": args.posts,
            "seats": args.seats,
            "concurrency": args.concurrency,
        },
    )


if __name__ == "__main__":
    main()
