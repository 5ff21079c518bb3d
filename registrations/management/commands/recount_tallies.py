"""Count every event's tally (what the reports add up) afresh from its
registrations. Run it once after upgrading, when the new version is
serving: registrations the old version made during the deploy were not
counted. Safe at any time; a second run finds nothing to correct."""

from django.core.management.base import BaseCommand

from registrations.services import recount_tallies


class Command(BaseCommand):
    help = "Count each event's registrations afresh for the reports."

    def handle(self, *args, **options):
        counted, drifted = recount_tallies()
        self.stdout.write(
            f"Counted the registrations of {counted} event(s); "
            f"{drifted} had counts that needed correcting."
        )
