"""A report against an event's registrations: who was there long enough to
be marked, who came too briefly, who came without registering. Pure: the
caller passes the registrations, and nothing here reads or writes the
database."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from ..models import Registration
from .reading import AttendeeReport, AttendeeRow, Problem

CONFIRMED = Registration.Status.CONFIRMED


class Attended(NamedTuple):
    registration: Any
    minutes: int


class TooShort(NamedTuple):
    registration: Any
    minutes: int
    needed: int


class Unmatched(NamedTuple):
    """Someone in the report who matches no registration: a walk-in."""

    name: str
    email: str
    minutes: int


class NotConfirmed(NamedTuple):
    """In the report, but their registration is cancelled, waiting or
    undecided: staff decide, the report doesn't."""

    registration: Any
    minutes: int


@dataclass(frozen=True)
class ReportMatch:
    attended: tuple[Attended, ...]
    too_short: tuple[TooShort, ...]
    unmatched: tuple[Unmatched, ...]
    not_confirmed: tuple[NotConfirmed, ...]
    absent: tuple[Any, ...]  # confirmed registrations the report doesn't name
    problems: tuple[Problem, ...]
    needed: int  # minutes present needed to count as attended
    # Rows there are, but none falls within the event: most likely the
    # report of another session, or dates read in the wrong order.
    outside_event: bool


def normalize_email(address: str) -> str:
    return address.strip().lower()


def seconds_present(rows: Iterable[AttendeeRow], start: datetime, end: datetime):
    """Seconds one person was there, from ``start`` to ``end``: stretches
    clipped to the event and overlapping ones counted once (Zoom lists a
    rejoin that began before the last leave was recorded)."""
    spans = sorted((max(row.join, start), min(row.leave, end)) for row in rows)
    total = 0.0
    current = None
    for span_start, span_end in spans:
        if span_end <= span_start:
            continue
        if current is None or span_start > current[1]:
            if current is not None:
                total += (current[1] - current[0]).total_seconds()
            current = [span_start, span_end]
        else:
            current[1] = max(current[1], span_end)
    if current is not None:
        total += (current[1] - current[0]).total_seconds()
    return total


def minutes_present(
    rows: Iterable[AttendeeRow], start: datetime, end: datetime
) -> float:
    """Minutes one person was there; see ``seconds_present``."""
    return seconds_present(rows, start, end) / 60


def match_report(
    report: AttendeeReport,
    *,
    registrations: Iterable[Any],
    start: datetime,
    end: datetime,
    minimum_share: float = 0.5,
) -> ReportMatch:
    """Match the report's rows to ``registrations`` (objects with ``pk``,
    ``email``, ``status`` and ``name``) by email, ignoring case and spaces,
    and sort them out. Present for at least ``minimum_share`` of the event's
    minutes counts; exactly that share counts."""
    if end <= start:
        raise ValueError("The event must end after it starts.")
    if not 0 <= minimum_share <= 1:
        raise ValueError("minimum_share is a fraction between 0 and 1.")
    needed_seconds = minimum_share * (end - start).total_seconds()

    by_email = {}
    for registration in registrations:
        key = normalize_email(registration.email)
        held = by_email.get(key)
        # An address may have a cancelled registration beside its live one.
        if key and (held is None or _precedence(registration) > _precedence(held)):
            by_email[key] = registration

    people: dict[str, list[AttendeeRow]] = {}
    for row in report.rows:
        people.setdefault(normalize_email(row.email), []).append(row)

    attended, too_short, unmatched, not_confirmed = [], [], [], []
    for key, rows in people.items():
        seconds = seconds_present(rows, start, end)
        minutes = math.floor(seconds / 60)
        registration = by_email.get(key)
        if registration is None:
            unmatched.append(Unmatched(rows[0].name, rows[0].email.strip(), minutes))
        elif registration.status != CONFIRMED:
            not_confirmed.append(NotConfirmed(registration, minutes))
        elif seconds >= needed_seconds:
            attended.append(Attended(registration, minutes))
        else:
            needed = math.ceil(needed_seconds / 60)
            too_short.append(TooShort(registration, minutes, needed))

    absent = [
        registration
        for key, registration in by_email.items()
        if registration.status == CONFIRMED and key not in people
    ]
    return ReportMatch(
        attended=_by_name(attended, lambda a: a.registration.name),
        too_short=_by_name(too_short, lambda t: t.registration.name),
        unmatched=_by_name(unmatched, lambda u: u.name or u.email),
        not_confirmed=_by_name(not_confirmed, lambda n: n.registration.name),
        absent=_by_name(absent, lambda r: r.name),
        problems=report.problems,
        needed=math.ceil(needed_seconds / 60),
        outside_event=bool(report.rows)
        and not any(row.join < end and row.leave > start for row in report.rows),
    )


def _precedence(registration) -> tuple[bool, int]:
    return (registration.status == CONFIRMED, registration.pk or 0)


def _by_name(items, name) -> tuple:
    return tuple(sorted(items, key=lambda item: name(item).casefold()))
