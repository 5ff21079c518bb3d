"""Make attendance final for events whose attendance-code window closed:
attendees are asked for the evaluation, and certificates are issued as each
event's policy says. Also queues again a certificate whose PDF a worker
lost. Run it hourly (cron or a timer); a second run finds nothing new."""

from django.core.management.base import BaseCommand

from registrations.services import close_attendance


class Command(BaseCommand):
    help = (
        "Make attendance final for events whose attendance-code window "
        "closed, sending evaluations and certificates."
    )

    def handle(self, *args, **options):
        closed = close_attendance()
        self.stdout.write(f"Made attendance final for {closed} event(s).")
