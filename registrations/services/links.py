"""Self-service links: one per registration, the same in every email, so a
link a registrant was ever sent keeps working for the life of the
registration. Staff can revoke it; the next email then carries a new one.

The token is not stored: it is an HMAC of the registration's random
``link_secret`` under the SECRET_KEY, and only its SHA-256 is kept to find
the registration. A database dump alone (secret and hash, no key) yields no
working link. Changing the SECRET_KEY changes every token: the next email of
each registration then carries a new link and the earlier ones stop working.
"""

import secrets
from datetime import datetime

from django.db import transaction

from .. import models
from ..emails import queue_email
from ..models import OutboundEmail, Registration, hash_token
from . import locking

Kind = OutboundEmail.Kind


def link_token(registration: Registration) -> str:
    """The token of the registration's link (256 bits, URL-safe)."""
    return models.link_token(registration.link_secret)


def new_link(registration: Registration) -> str:
    """Give the registration a link of its own (replacing any earlier one);
    returns its token. The caller saves the row."""
    registration.link_secret = secrets.token_urlsafe(32)
    token = link_token(registration)
    registration.token_hash = hash_token(token)
    return token


def current_link(registration: Registration) -> bool:
    """Make sure the registration's link is the one every email carries;
    returns whether ``token_hash`` had to change: only when the SECRET_KEY
    changed since it was issued (or the registration never had a secret)."""
    if not registration.link_secret:
        new_link(registration)
        return True
    token_hash = hash_token(link_token(registration))
    changed = token_hash != registration.token_hash
    registration.token_hash = token_hash
    return changed


def status_email_kind(registration: Registration) -> str:
    """The email that tells a registrant where they stand."""
    if registration.status == Registration.Status.CONFIRMED:
        return Kind.CONFIRMATION
    if registration.status == Registration.Status.AWAITING_APPROVAL:
        return Kind.AWAITING_APPROVAL
    return Kind.WAITLISTED


def email_with_link(
    registration: Registration,
    kind: str,
    now: datetime,
    *,
    also_save: tuple[str, ...] = (),
) -> None:
    """Queue ``kind`` with the registration's link. ``also_save``: fields the
    caller changed, written in the same UPDATE."""
    changed = current_link(registration)
    registration.last_emailed_at = now
    fields = ["last_emailed_at", *also_save]
    if changed:
        fields += ["link_secret", "token_hash"]
    registration.save(update_fields=fields)
    queue_email(
        registration=registration, kind=kind, position=registration.waitlist_position
    )


def revoke_links(*, registration_id: int) -> Registration:
    """Staff's "revoke links": every link sent so far stops working at once.
    Nothing is emailed; the next email (a resend, a reminder, the person
    submitting the form again) carries a new link."""
    with transaction.atomic():
        registration, _event = locking.lock_registration(
            registration_id=registration_id
        )
        new_link(registration)
        registration.save(update_fields=["link_secret", "token_hash"])
    return registration
