"""The one domain error of the registration services, and the reasons a
registration is refused, written for the person who was refused."""

from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.templatetags.event_tags import clock, long_date

from .. import selectors

NOT_FOUND = "not_found"

# Said on the admin form's field, and again by the service under the lock.
CAPACITY_BELOW_CONFIRMED = _(
    "%(confirmed)s people already hold a confirmed seat, so the capacity "
    "cannot go below %(confirmed)s. Cancel registrations first if you need "
    "fewer seats."
)

# For callers other than the event page (staff adding someone, moving one,
# approving one when registration has closed); the page words a refusal with
# the seat line itself.
REFUSALS = {
    selectors.NOT_REQUIRED: _("This event does not need registration: just join us."),
    selectors.EXTERNAL: _("Registration for this event is on the sponsor's site."),
    selectors.CANCELLED: _("This event has been cancelled."),
    selectors.POSTPONED: _(
        "This event has been postponed; registration will reopen with its new date."
    ),
    selectors.UNPUBLISHED: _("This event is not open for registration."),
    selectors.CLOSED: _("Registration for this event has closed."),
    selectors.NOT_OPEN: _("Registration for this event opens on {date}."),
    selectors.FULL: _("Sorry, this event is full."),
    selectors.WAITLIST_FULL: _("Sorry, this event and its waiting list are full."),
}


class RegistrationError(Exception):
    """A registration rule said no. ``message`` is meant for the person."""

    def __init__(self, message, *, code: str):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


def refusal(code: str, event: Event) -> RegistrationError:
    """The error for a registration state that takes no registration."""
    message = REFUSALS[code]
    if code == selectors.NOT_OPEN:
        opens = event.registration_opens.astimezone(event.tz)
        # The date and time written with the page's own filters.
        date = f"{long_date(opens)}, {clock(opens)} {event.time_zone_label}"
        message = str(message).format(date=date)
    return RegistrationError(message, code=code)
