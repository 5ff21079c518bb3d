"""Rosters for staff, the outgoing email queue, and the event admin with its
seats. Every action that changes a seat calls the services; the admin itself
never writes a registration's status. Importing this package registers them
all with the admin site."""

from .certificates import CertificateAdmin
from .events import EventWithSeatsAdmin
from .outbox import OutboundEmailAdmin
from .roster import RegistrationAdmin

__all__ = [
    "CertificateAdmin",
    "EventWithSeatsAdmin",
    "OutboundEmailAdmin",
    "RegistrationAdmin",
]
