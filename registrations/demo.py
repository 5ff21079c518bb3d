"""Registrations for the demo events, so that their seat lines read as the
seeds do ("There are 98 seats available.").

Made through the service like any other registration, without email. Safe to
run again: people already registered are found, not added twice.
"""

from events.models import Event

from .services import RegistrationError, register_for_event

# slug -> (name, library) of the people already registered in the seeds.
DEMO_REGISTRANTS = {
    "sos-for-library-professionals": [
        ("Maria Delgado", "Riverside Public Library"),
        ("James Okafor", "Lakeview Community College Library"),
    ],
    "patron-response-framework": [
        ("Hannah Whitfield", "Millbrook Public Library"),
        ("Daniel Reyes", "Cedar County Library System"),
        ("Priya Raman", "Northgate High School Library"),
        ("Thomas Becker", "Harbor City Public Library"),
        ("Aisha Mohammed", "Westfield Memorial Library"),
        ("Kevin O'Brien", "Pine Valley Public Library"),
    ],
    "minimizing-social-media-to-maximize-library-values": [],
}


def demo_email(name: str) -> str:
    return name.lower().replace("'", "").replace(" ", ".") + "@example.org"


def add_demo_registrations() -> int:
    """Register the demo people; return how many were new."""
    added = 0
    for slug, people in DEMO_REGISTRANTS.items():
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            continue
        for name, library in people:
            try:
                result = register_for_event(
                    event_id=event.pk,
                    name=name,
                    email=demo_email(name),
                    organization=library,
                    notify=False,
                )
            except RegistrationError:
                # A demo event that is not open (say, dated in the past) keeps
                # its seats as they are.
                break
            added += result.created
    return added
