"""An event with someone in each group a message can go to, and some who
must never get one."""

from datetime import timedelta

import pytest

from registrations import services
from registrations.models import Registration
from tests.builders import make_event
from tests.registrations.conftest import register


@pytest.fixture
def workshop(clock):
    """A webinar with three seats, registered for the day before: Ada, Ben
    and Cleo hold the seats, Dora and Eve wait, Gus waited and cancelled.
    The clock then stands half an hour after its start: Ada and Cleo
    attended, and Cleo's personal data was erased since (so she is in no
    group). Returns the event and the registrations by first name."""
    event = make_event(
        "Grant Writing Basics",
        start=clock.now + timedelta(days=1),
        capacity=3,
        waitlist_enabled=True,
    )
    people = {
        name: register(
            event, f"{name.lower()}@example.org", name=f"{name} Reader"
        ).registration
        for name in ["Ada", "Ben", "Cleo", "Dora", "Eve", "Gus"]
    }
    services.cancel_registration(registration_id=people["Gus"].pk, by_staff=True)
    clock.advance(days=1, minutes=30)
    for name in ["Ada", "Cleo"]:
        services.mark_attended(registration_id=people[name].pk)
    Registration.objects.filter(pk=people["Cleo"].pk).update(
        name="", email=f"purged-{people['Cleo'].pk}@invalid", purged_at=clock.now
    )
    return event, {
        name: Registration.objects.get(pk=r.pk) for name, r in people.items()
    }
