"""What an event's attendance and CE credit settings rest on: the code
staff read out during a webinar, and the credit its certificates grant.
(``new_attendance_code`` is named by migrations as
``events.models.event.new_attendance_code``, which still imports it.)"""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from .catalog import CertificatePolicy

# Letters and digits nobody mistakes for one another when a code is read
# out in a webinar: no 0/O, 1/I/L.
ATTENDANCE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


# A month: past that, attendance is settled by staff, not by the code.
MAX_ATTENDANCE_CODE_HOURS = 30 * 24


def new_attendance_code() -> str:
    """Six characters staff read out during the webinar (not a secret: it
    only shows someone was there to hear it)."""
    return "".join(secrets.choice(ATTENDANCE_CODE_ALPHABET) for _ in range(6))


@dataclass(frozen=True)
class CeCredit:
    """The CE hours an event's certificates grant and who receives one."""

    hours: Decimal | None
    policy: str

    @property
    def gives_certificates(self) -> bool:
        return self.policy != CertificatePolicy.NONE and self.hours is not None
