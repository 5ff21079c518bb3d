"""Queue reminder emails for events starting soon. Safe to run as often as
you like (e.g. hourly from cron): nobody is reminded twice."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from registrations.services import send_reminders


class Command(BaseCommand):
    help = "Remind confirmed registrants of events starting within N hours."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=24,
            help="Remind for events starting within this many hours (default 24).",
        )

    def handle(self, *args, hours, **options):
        if hours <= 0:
            raise CommandError("--hours must be more than 0.")
        count = send_reminders(within=timedelta(hours=hours))
        self.stdout.write(f"Queued {count} reminder(s).")
