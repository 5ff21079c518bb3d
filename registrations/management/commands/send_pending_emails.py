"""Send outbox emails that are due: first tries the task queue missed and
retries whose time has come. Run it from cron; it is harmless alongside the
task worker (a row is only ever sent by whoever claims it)."""

from django.core.management.base import BaseCommand

from registrations.emails import send_due_emails


class Command(BaseCommand):
    help = "Send pending outbox emails that are due, retrying failed attempts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help="Send at most this many."
        )

    def handle(self, *args, limit, **options):
        counts = send_due_emails(limit=limit)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        self.stdout.write(f"Processed: {summary or 'nothing due'}.")
