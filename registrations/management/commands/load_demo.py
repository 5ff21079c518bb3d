"""`manage.py load_demo`: the seed events and their registrants, the seed
blog post as a flat page, the staff groups and a demo login. A registrations
command, as it fills both the catalog and the seats.

Safe to run any number of times: it refreshes what it created before.
"""

import os
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from events.demo import load_demo_data, refresh_demo_staff
from events.groups import ensure_staff_groups
from events.models import Event
from pages.demo import load_demo_pages
from registrations.demo import (
    PAST_WEBINAR,
    add_demo_certificate,
    add_demo_questions,
    add_demo_registrations,
)

DEMO_STAFF_USERNAME = "staff"
# Printed on every run, so it is public by design: fine for `make run` on a
# laptop, refused on a real site unless someone chose a password.
DEFAULT_DEMO_STAFF_PASSWORD = "almanac-demo"  # noqa: S105


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today wants a date such as 2026-01-31: {value}") from exc


class Command(BaseCommand):
    help = (
        "Load the demo events from the seeds (idempotent), set up the staff "
        "groups and create or refresh the demo staff login."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-staff",
            action="store_true",
            help="Load events and groups only; do not touch the demo login.",
        )
        parser.add_argument(
            "--today",
            type=_parse_date,
            help="Move dates to after this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, no_staff=False, today=None, **options):
        password = os.environ.get("DEMO_STAFF_PASSWORD", "")
        if not no_staff and not password and not settings.DEBUG:
            raise CommandError(
                "DEBUG is off and DEMO_STAFF_PASSWORD is not set: refusing to "
                "create a staff login with the public demo password. Set "
                "DEMO_STAFF_PASSWORD or pass --no-staff."
            )
        events = load_demo_data(today=today)
        add_demo_registrations()
        add_demo_questions()
        add_demo_certificate(today=today)
        load_demo_pages()
        ensure_staff_groups()
        loaded = f"Loaded {len(events)} demo events"
        if Event.objects.filter(slug=PAST_WEBINAR).exists():
            loaded += ", and a past copy of one with an attendee's CE certificate"
        self.stdout.write(f"{loaded}.")
        if no_staff:
            return
        password = password or DEFAULT_DEMO_STAFF_PASSWORD
        refresh_demo_staff(username=DEMO_STAFF_USERNAME, password=password)
        self.stdout.write(f"Staff admin: {settings.SITE_URL}{reverse('admin:index')}")
        self.stdout.write(f"Login: {DEMO_STAFF_USERNAME} / {password}")
