"""Small builders for test data: sensible defaults, override what matters."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from events.models import Category, Event, Organizer, Series

_counter = itertools.count(1)
EASTERN = ZoneInfo("America/New_York")


def eastern(year, month, day, hour=14, minute=0) -> datetime:
    """An aware datetime on the wall clock in New York."""
    return datetime(year, month, day, hour, minute, tzinfo=EASTERN)


def make_category(name: str | None = None, **fields) -> Category:
    name = name or f"Category {next(_counter)}"
    fields.setdefault("slug", slugify(name))
    return Category.objects.create(name=name, **fields)


def make_organizer(name: str = "Learning Services", **fields) -> Organizer:
    fields.setdefault("slug", f"{slugify(name)}-{next(_counter)}")
    return Organizer.objects.create(name=name, **fields)


def make_series(title: str | None = None, **fields) -> Series:
    title = title or f"Series {next(_counter)}"
    fields.setdefault("slug", slugify(title))
    return Series.objects.create(title=title, **fields)


def make_event(title: str | None = None, *, categories=(), **fields) -> Event:
    """A published webinar, one hour long, a week from now unless told."""
    n = next(_counter)
    title = title or f"Webinar {n}"
    start = fields.pop("start", None) or (timezone.now() + timedelta(days=7)).replace(
        microsecond=0
    )
    fields.setdefault("end", start + timedelta(hours=1))
    fields.setdefault("slug", f"{slugify(title)}-{n}")
    fields.setdefault("description", "A webinar for library staff.")
    fields.setdefault("is_published", True)
    fields.setdefault("capacity", 100)
    fields.setdefault("time_zone", "America/New_York")
    event = Event.objects.create(title=title, start=start, **fields)
    if categories:
        event.categories.set(categories)
    return event


def make_presenter(name: str = "Elana Karshmer", *, event=None, order=0, **fields):
    """A presenter, placed in ``event``'s line-up at ``order`` when given."""
    from events.models import EventPresenter, Presenter

    presenter = Presenter.objects.create(name=name, **fields)
    if event is not None:
        EventPresenter.objects.create(event=event, presenter=presenter, order=order)
    return presenter


def registration_data(**fields) -> dict[str, str]:
    """The registration form as a member fills it in (the honeypot left
    empty); ``fields`` override or add to it, e.g. ``email="bad"``."""
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organization": "Springfield Public Library",
        "accommodation_request": "",
        "homepage": "",
        **fields,
    }


def registration_url(event: Event) -> str:
    return reverse("registrations:register", kwargs={"slug": event.slug})


def post_registration(client, event: Event, *, follow: bool = False, **fields):
    """POST the registration form for ``event`` (``registration_data(**fields)``)
    with the test ``client``; the response, redirects followed if asked."""
    return client.post(
        registration_url(event), registration_data(**fields), follow=follow
    )


def write_registration(event: Event, **fields):
    """A registration written directly, for data the services would not make
    (an event long past, any status): counted in its event's tally as the
    services count theirs, so the reports and the tally check read it."""
    from registrations.models import Registration
    from registrations.services import tally

    registration = Registration.objects.create(event=event, **fields)
    tally.count_changes(event.pk, [(None, tally.tallied(registration))])
    return registration


def update_registrations(registrations, **fields) -> None:
    """Change registrations directly (a status or attendance the services
    would not set at that point of a test), then count their events' tallies
    afresh, as ``manage.py recount_tallies`` does after a change by hand."""
    from registrations.models import EventTally

    event_ids = set(registrations.values_list("event_id", flat=True))
    registrations.update(**fields)
    EventTally.objects.recount(Event.objects.filter(pk__in=event_ids))
