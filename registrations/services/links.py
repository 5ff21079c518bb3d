"""Self-service links: each email that carries one issues a new token, and
the old link stops working."""

import secrets
from datetime import datetime

from ..emails import queue_email
from ..models import OutboundEmail, Registration, hash_token

Kind = OutboundEmail.Kind


def new_token() -> tuple[str, str]:
    """A self-service token (256 bits from ``secrets``) and the hash we keep."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def status_email_kind(registration: Registration) -> str:
    """The email that tells a registrant where they stand."""
    if registration.status == Registration.Status.CONFIRMED:
        return Kind.CONFIRMATION
    return Kind.WAITLISTED


def email_with_link(
    registration: Registration,
    kind: str,
    now: datetime,
    *,
    also_save: tuple[str, ...] = (),
) -> None:
    """Issue a new token and queue ``kind`` with its link. ``also_save``:
    fields the caller changed, written in the same UPDATE."""
    token, registration.token_hash = new_token()
    registration.last_emailed_at = now
    registration.save(update_fields=["token_hash", "last_emailed_at", *also_save])
    queue_email(
        registration=registration,
        kind=kind,
        token=token,
        position=registration.waitlist_position,
    )
