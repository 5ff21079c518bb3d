"""Who may register: members by their address, others by staff's approval.

Decided by the registration services under the event lock, from the
directory (``members``) and the event's rule (``Event.who_may_register``).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import dateformat
from django.utils.translation import gettext_lazy as _

from events.models import Event
from members.models import library_id_for_address, library_named

from .errors import RegistrationError

MEMBERS_ONLY = "members_only"
MEMBERS_FIRST = "members_first"

REFUSED_MEMBERS_ONLY = _(
    "This event is for staff of member libraries. Register with your library "
    "email address, or choose your library from the list."
)
REFUSED_MEMBERS_FIRST = _(
    "Until {date}, this event is open to staff of member libraries only. "
    "Register with your library email address, choose your library from the "
    "list, or come back then: it opens to everyone."
)


@dataclass(frozen=True)
class Membership:
    """What the directory says of a registrant: their library's id, if any,
    and whether their address proves it (an address on the library's
    domain)."""

    library_id: int | None
    by_address: bool


def find_membership(*, email: str, organization: str) -> Membership:
    """The library of the address's domain; failing that, the member
    library the registrant named (which staff must confirm)."""
    library_id = library_id_for_address(email)
    if library_id is not None:
        return Membership(library_id, by_address=True)
    named = library_named(organization)
    return Membership(named.pk if named else None, by_address=False)


def needs_approval(event: Event, membership: Membership, *, now: datetime) -> bool:
    """Whether a registration must wait for staff to confirm membership.
    Raises ``RegistrationError`` for someone the event is not open to."""
    if not event.is_for_members_only(now) or membership.by_address:
        return False
    if membership.library_id is not None:
        return True
    members_first = event.who_may_register == Event.WhoMayRegister.MEMBERS_FIRST
    if members_first and event.open_to_everyone_at is not None:
        opens = event.open_to_everyone_at.astimezone(event.tz)
        date = f"{dateformat.format(opens, 'l, F j, Y, g:i A')} {event.time_zone_label}"
        raise RegistrationError(
            str(REFUSED_MEMBERS_FIRST).format(date=date), code=MEMBERS_FIRST
        )
    message = str(REFUSED_MEMBERS_ONLY)
    if event.non_member_note.strip():
        message = f"{message}\n{event.non_member_note.strip()}"
    raise RegistrationError(message, code=MEMBERS_ONLY)
