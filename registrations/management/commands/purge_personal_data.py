"""Erase registrants' personal data some days after their event; counts stay.
Certificate records (name, address, event, hours, code) are kept longer,
CERTIFICATE_RETENTION_DAYS, then deleted.
Registration attempts and staff sign-in failures that no limit counts any
more are forgotten too.

Safe to run as often as you like (e.g. daily from cron): a second run finds
nothing new.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from limits.services import prune_attempts
from limits.sign_in import forget_old_failures
from registrations.services import (
    certificates_due_for_purge,
    forget_sign_in_links,
    purge_certificates,
    purge_personal_data,
    registrations_due_for_purge,
)


class Command(BaseCommand):
    help = (
        "Erase the names, emails, organizations and requests of registrants "
        "of events that ended more than N days ago, keeping the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=(
                "Purge events that ended more than this many days ago "
                "(default: PERSONAL_DATA_RETENTION_DAYS, now "
                f"{settings.PERSONAL_DATA_RETENTION_DAYS})."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be purged; change nothing.",
        )

    def handle(self, *args, days, dry_run, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        now = timezone.now()
        due = registrations_due_for_purge(now=now, days=days)
        events = due.order_by().values("event_id").distinct().count()
        if dry_run:
            count = due.count()
            self.stdout.write(
                f"Would purge {count} registration(s) on {events} event(s), "
                f"and {certificates_due_for_purge(now=now).count()} certificate(s)."
            )
            return
        count = purge_personal_data(now=now, days=days)
        certificates = purge_certificates(now=now)
        # Clients' address fingerprints and staff sign-in failures (with
        # their addresses) that no limit counts any more.
        prune_attempts(now=now)
        forget_old_failures(now=now)
        # My registrations' sign-in links that can no longer be used.
        forget_sign_in_links(now=now)
        self.stdout.write(
            f"Purged {count} registration(s) on {events} event(s), "
            f"and {certificates} certificate(s) past their retention."
        )
