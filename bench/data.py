"""A consortium's calendar in bulk: ten events, or a decade of them.

Everything is written in bulk (``bulk_create``, many-to-many rows through
their ``through`` model; COPY for the big tables on PostgreSQL), so no
``save()`` or signal runs: the generator sets
what those would (normalized emails, token hashes) itself. Registrations obey
the same rules the services enforce: confirmed never above capacity, a
waiting list only behind a full event, one active registration per address
and event, a unique random ``token_hash`` each.
"""

import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from psycopg import sql

from events.models import (
    Category,
    Event,
    EventPresenter,
    LearningOutcome,
    Organizer,
    Presenter,
    Series,
)
from events.search import refresh_search_names
from events.text import plain_text
from members.models import MemberLibrary
from registrations.models import (
    DEFAULT_EVALUATION,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    EventTally,
    Registration,
    attendee_key,
)


@dataclass(frozen=True)
class Size:
    name: str
    events: int
    categories: int
    presenters: int
    registrations: int
    years_back: float = 5
    years_forward: float = 5


SIZES = {
    "small": Size("small", 10, 5, 8, 200, years_back=0.1, years_forward=0.4),
    # --quick: enough rows that a per-row query would show, in seconds.
    "medium": Size("medium", 300, 40, 100, 6_000),
    "large": Size("large", 10_000, 120, 400, 200_000),
}

BATCH = 2_000

ZONES = [
    ("America/New_York", 6),
    ("America/Chicago", 2),
    ("America/Denver", 1),
    ("America/Los_Angeles", 2),
    ("UTC", 1),
]
TOPICS = [
    "Cataloging",
    "Copyright",
    "Open Access",
    "Genealogy",
    "Grant Writing",
    "Reference Interviews",
    "Digital Preservation",
    "Makerspaces",
    "Storytime",
    "Accessibility",
    "Data Literacy",
    "Collection Development",
    "Library Advocacy",
    "Teen Services",
    "Information Literacy",
    "Metadata",
    "Archives",
    "Community Engagement",
    "Early Literacy",
    "Privacy",
]
KINDS = ["Webinar", "Workshop", "Roundtable", "Boot Camp", "Masterclass", "Forum"]
WORDS = [
    "library",
    "patrons",
    "catalog",
    "records",
    "services",
    "community",
    "staff",
    "training",
    "program",
    "collection",
    "digital",
    "public",
    "academic",
    "school",
    "resources",
    "access",
    "learning",
    "data",
    "users",
    "members",
    "reference",
    "research",
    "outreach",
    "partnership",
    "budget",
    "strategy",
    "policy",
    "assessment",
    "instruction",
    "technology",
    "metadata",
    "preservation",
]
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Jia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
]
LAST = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Diallo",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jones",
    "Kim",
]
# The member libraries of the decade's consortium.
TOWNS = [f"{name}{suffix}" for suffix in ("", " North") for name in (
    "Springfield", "Riverside", "Lakeshore", "Hillcrest", "Maple County",
    "Cedar Falls", "Pine Valley", "Harbor City", "Westfield", "Millbrook",
    "Northgate", "Oak Ridge", "Fairview", "Brookside", "Elmwood",
    "Greenville", "Ashland", "Clearwater", "Stonebridge", "Willow Creek",
)]  # fmt: skip

LIBRARIES = [
    "Springfield Public Library",
    "Riverside Community College",
    "Lakeshore Regional System",
    "Hillcrest University Libraries",
    "Maple County Library",
]


def _paragraph(rng: random.Random, sentences: int) -> str:
    text = []
    for _ in range(sentences):
        words = rng.choices(WORDS, k=rng.randint(8, 18))
        text.append(" ".join(words).capitalize() + ".")
    return " ".join(text)


def _description(rng: random.Random, topic: str) -> str:
    """About 1 KB of Markdown, like the seeds: paragraphs, a list, a link."""
    items = "\n".join(f"- {_paragraph(rng, 1)}" for _ in range(3))
    return (
        f"{_paragraph(rng, 3)} This session is about **{topic.lower()}**.\n\n"
        f"{items}\n\n{_paragraph(rng, 2)} "
        "[More about the series](https://example.org/series)."
    )


def _weighted_zones(rng: random.Random, k: int) -> list[str]:
    names, weights = zip(*ZONES, strict=True)
    return rng.choices(names, weights=weights, k=k)


def insert(model, objects: list) -> None:
    """``bulk_create``, or on PostgreSQL the same rows through COPY.

    bulk_create spends ~0.3 ms of Python per row preparing values, which is
    most of a minute for 200,000 registrations; COPY takes seconds. The rows
    are the unsaved instances either way, so defaults and values are the same.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    # Keys the database numbers are left to it; a random one (a UUID) is
    # the instance's own.
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and f.get_internal_type().endswith("AutoField"))
    ]
    columns = sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), columns
    )
    now = timezone.now()
    auto = {
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    attnames = [f.attname for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objects:
            values = obj.__dict__
            copy.write_row([now if name in auto else values[name] for name in attnames])


def generate(size: Size, *, seed: int = 2026, now: datetime | None = None) -> dict:
    """Write ``size``'s calendar into an empty database; return row counts and
    seconds taken. Deterministic for a given seed and ``now``."""
    rng = random.Random(seed)
    now = now or timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        organizers = Organizer.objects.bulk_create(
            Organizer(name=f"{lib} Learning Team", slug=slugify(lib), email="t@x.org")
            for lib in LIBRARIES
        )
        categories = Category.objects.bulk_create(
            (
                Category(
                    name=f"{TOPICS[i % len(TOPICS)]} {KINDS[i // len(TOPICS) % 6]}"
                    + (f" {i}" if i >= len(TOPICS) * len(KINDS) else ""),
                    slug=f"category-{i}",
                    description=_paragraph(rng, 2),
                )
                for i in range(size.categories)
            ),
            batch_size=BATCH,
        )
        presenters = Presenter.objects.bulk_create(
            (
                Presenter(
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                    role="Librarian",
                    affiliation=rng.choice(LIBRARIES),
                    bio=_paragraph(rng, 3),
                )
                for i in range(size.presenters)
            ),
            batch_size=BATCH,
        )
        series = Series.objects.bulk_create(
            Series(title=f"Series {i}", slug=f"series-{i}", description="A series.")
            for i in range(max(1, size.events // 200))
        )
        events = Event.objects.bulk_create(
            _events(rng, size, now, organizers, series), batch_size=BATCH
        )
        through = Event.categories.through
        links = []
        slots = []
        outcomes = []
        for event in events:
            for category in rng.sample(categories, k=rng.randint(1, 3)):
                links.append(through(event_id=event.pk, category_id=category.pk))
            for order, presenter in enumerate(
                rng.sample(presenters, k=rng.randint(1, min(3, len(presenters))))
            ):
                slots.append(
                    EventPresenter(event=event, presenter=presenter, order=order)
                )
            for order in range(rng.randint(0, 4)):
                outcomes.append(
                    LearningOutcome(event=event, text=_paragraph(rng, 1), order=order)
                )
        insert(through, links)
        insert(EventPresenter, slots)
        insert(LearningOutcome, outcomes)
        # Written in bulk, without signals: the names searched, in one UPDATE.
        refresh_search_names(Event.objects.values("pk"))
        libraries = MemberLibrary.objects.bulk_create(
            MemberLibrary(name=f"{town} Public Library", town=town) for town in TOWNS
        )
        registrations = _registrations(rng, size, events, now, libraries)
        insert(Registration, registrations)
        # What the registration services keep as they write, counted once.
        EventTally.objects.recount()
        responses = _evaluations(rng, events, registrations, now)
    return {
        "events": len(events),
        "categories": len(categories),
        "presenters": len(presenters),
        "registrations": len(registrations),
        "member_libraries": len(libraries),
        "evaluation_responses": responses,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _evaluations(rng, events, registrations, now) -> int:
    """The default evaluation on every event that has ended, answered by
    about a third of its attendees. Returns how many responses."""
    attended: dict[int, int] = {}
    for registration in registrations:
        if registration.attended:
            attended[registration.event_id] = attended.get(registration.event_id, 0) + 1
    ended = [event for event in events if event.end < now and event.pk in attended]
    questions = EvaluationQuestion.objects.bulk_create(
        (
            EvaluationQuestion(
                event_id=event.pk, label=str(label), kind=kind, required=required,
                order=n,
            )
            for event in ended
            for n, (label, kind, required) in enumerate(DEFAULT_EVALUATION, 1)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    by_event: dict[int, list[EvaluationQuestion]] = {}
    for question in questions:
        by_event.setdefault(question.event_id, []).append(question)
    responses, answers = [], []
    for event in ended:
        for _ in range(attended[event.pk] // 3):
            response = EvaluationResponse(event_id=event.pk)
            responses.append(response)
            for question in by_event[event.pk]:
                if question.kind == EvaluationQuestion.Kind.RATING:
                    answers.append(
                        EvaluationAnswer(
                            response=response,
                            question=question,
                            rating=rng.choices([5, 4, 3, 2, 1], [5, 4, 2, 1, 1])[0],
                        )
                    )
    insert(EvaluationResponse, responses)
    insert(EvaluationAnswer, answers)
    return len(responses)


def _events(rng, size: Size, now, organizers, series):
    span_start = now - timedelta(days=365.25 * size.years_back)
    span_days = 365.25 * (size.years_back + size.years_forward)
    zones = _weighted_zones(rng, size.events)
    for i in range(size.events):
        zone = ZoneInfo(zones[i])
        day = (span_start + timedelta(days=rng.uniform(0, span_days))).astimezone(zone)
        start = datetime(
            day.year, day.month, day.day, rng.choice([9, 10, 11, 13, 14, 15]), 0, 0,
            tzinfo=zone,
        )  # fmt: skip
        topic = rng.choice(TOPICS)
        title = f"{topic} {rng.choice(KINDS)}: {' '.join(rng.sample(WORDS, 3))}"
        fmt = rng.choices(
            [Event.Format.ONLINE, Event.Format.IN_PERSON, Event.Format.HYBRID],
            weights=[6, 3, 1],
        )[0]
        capacity = rng.choice([None, 10, 15, 20, 20, 25, 30, 50, 100])
        description = _description(rng, topic)
        end = start + timedelta(minutes=rng.choice([60, 60, 90, 120]))
        yield Event(
            title=title.title(),
            slug=f"{slugify(title)[:150]}-{i}",
            description=description,
            # What Event.save() stores; bulk_create skips save().
            description_text=plain_text(description),
            outcomes_intro="By the end of this session, attendees will learn:",
            series=rng.choice(series) if rng.random() < 0.2 else None,
            organizer=rng.choice(organizers),
            start=start,
            end=end,
            # Staff took attendance at nearly every event that has ended.
            attendance_final_at=end if end < now and rng.random() < 0.95 else None,
            time_zone=zones[i],
            format=fmt,
            location="" if fmt == Event.Format.ONLINE else "12 Main St, Springfield",
            join_url="https://meet.example.org/j/123" if fmt != "in_person" else "",
            status=rng.choices(list(Event.Status), weights=[96, 3, 1])[0],
            is_published=rng.random() < 0.95,
            capacity=capacity,
            waitlist_enabled=rng.random() < 0.8,
        )


def _registrations(rng, size: Size, events, now, libraries) -> list[Registration]:
    """``size.registrations`` rows spread over the events, waiting lists behind
    the full ones, about one in ten cancelled; four in five from a member
    library (each address always the same one)."""
    weights = [rng.uniform(0.2, 1.8) for _ in events]
    total = sum(weights)
    counts = [int(size.registrations * weight / total) for weight in weights]
    for i in range(size.registrations - sum(counts)):
        counts[i % len(counts)] += 1
    rows = []
    keys: dict[str, str] = {}  # what save() would set, once per address
    for event, wanted in zip(events, counts, strict=True):
        confirmed = 0
        for j in range(wanted):
            email = f"Member{j}@Lib{j % 97}.Example.org"
            if rng.random() < 0.1:
                status = Registration.Status.CANCELLED
            elif event.capacity is None or confirmed < event.capacity:
                status = Registration.Status.CONFIRMED
                confirmed += 1
            elif event.waitlist_enabled:
                status = Registration.Status.WAITLISTED
            else:
                status = Registration.Status.CANCELLED
            rows.append(
                Registration(
                    event_id=event.pk,
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    email=email,
                    email_normalized=email.lower(),
                    attendee_key=keys.setdefault(email, attendee_key(email.lower())),
                    library_id=(libraries[j % len(libraries)].pk if j % 5 else None),
                    organization=rng.choice(LIBRARIES),
                    status=status,
                    attended=event.end < now and status == "confirmed",
                    cancelled_at=now if status == "cancelled" else None,
                    token_hash=secrets.token_hex(32),
                )
            )
    return rows
