"""My registrations: signing in with a link sent by email.

Someone gives an address at ``/my/``; that address is emailed a link that
signs this browser in to a list of every registration made with it. The
rules are those of every other link we send:

- the token is 256 bits from ``secrets``, and only its SHA-256 is stored;
- opening the link changes nothing (mail scanners open links): it shows a
  "Sign in" button, and only the POST from it uses the link up;
- a link works once, and for a day.

The page that asks for a link answers the same whatever the address, and an
address gets at most one link every few minutes (under a lock per address,
so two requests at the same moment send one email, not two).
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..emails import absolute_url, enqueue_email
from ..models import (
    OutboundEmail,
    SignInLink,
    hash_token,
    normalize_email,
)
from ..validators import public_email_domain
from .errors import NOT_FOUND, RegistrationError

# A sign-in link works for this long after it was sent, and once.
SIGN_IN_LINK_LIFETIME = timedelta(days=1)
# One address is sent at most one link this often.
DEFAULT_SIGN_IN_LINK_INTERVAL = timedelta(minutes=5)

LINK_USED = "link_used"
LINK_EXPIRED = "link_expired"

SUBJECT = _("Your sign-in link for My registrations")


def sign_in_link_interval() -> timedelta:
    seconds = getattr(settings, "SIGN_IN_LINK_INTERVAL", None)
    return (
        DEFAULT_SIGN_IN_LINK_INTERVAL if seconds is None else timedelta(seconds=seconds)
    )


def lock_address(email_normalized: str) -> None:
    """Serialize the requests for one address until the transaction ends.

    There is no row to lock before the first link exists, so on PostgreSQL a
    transaction-level advisory lock on a number drawn from the address;
    SQLite already runs one writing transaction at a time (the settings'
    ``transaction_mode: IMMEDIATE``).
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"almanac.sign_in:{email_normalized}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def last_link_sent_at(email_normalized: str) -> datetime | None:
    """When the address was last sent a link (read under its lock)."""
    return (
        SignInLink.objects.filter(email_normalized=email_normalized)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def request_sign_in_link(*, email: str) -> bool:
    """Email ``email`` a link that signs in to its registrations, unless it
    was sent one in the last few minutes. Returns whether one was sent.

    Sent whether or not the address has registrations: the page that asked
    says the same either way, and the email takes as long to write.
    """
    email = email.strip()
    try:
        validate_email(email)
        public_email_domain(email)
    except ValidationError as error:
        raise RegistrationError(" ".join(error.messages), code="invalid") from None
    email_normalized = normalize_email(email)
    with transaction.atomic(durable=True):
        lock_address(email_normalized)
        now = timezone.now()
        last = last_link_sent_at(email_normalized)
        if last is not None and now - last < sign_in_link_interval():
            return False
        token = secrets.token_urlsafe(32)
        SignInLink.objects.create(
            token_hash=hash_token(token),
            email_normalized=email_normalized,
            created_at=now,
            expires_at=now + SIGN_IN_LINK_LIFETIME,
        )
        queue_sign_in_email(email=email, token=token)
    forget_sign_in_links(now=now)
    return True


def queue_sign_in_email(*, email: str, token: str) -> OutboundEmail:
    """Write the sign-in email to the outbox; it is sent after the commit,
    and its bodies (which hold the link) are cleared once sent."""
    context = {
        "site_name": settings.ALMANAC_SITE_NAME,
        "sign_in_url": absolute_url(
            reverse("registrations:my_sign_in", kwargs={"token": token})
        ),
        "my_url": absolute_url(reverse("registrations:my_registrations")),
        "hours": int(SIGN_IN_LINK_LIFETIME.total_seconds() // 3600),
    }
    outbound = OutboundEmail.objects.create(
        registration=None,
        kind=OutboundEmail.Kind.SIGN_IN,
        recipient=email,
        subject=str(SUBJECT),
        body_text=render_to_string("emails/sign_in.txt", context),
        body_html=render_to_string("emails/sign_in.html", context),
    )
    transaction.on_commit(partial(enqueue_email, outbound.pk), robust=True)
    return outbound


def find_sign_in_link(token: str) -> SignInLink | None:
    """The link a token belongs to, used or not, or None. Changes nothing."""
    if not token or len(token) > 200:  # any string may arrive in a URL
        return None
    return SignInLink.objects.filter(token_hash=hash_token(token)).first()


def sign_in_with_link(*, token: str) -> str:
    """Use the link up and return the (normalized) address it signs in as.

    Raises ``RegistrationError``: NOT_FOUND for a token we never sent,
    LINK_USED once it has signed someone in, LINK_EXPIRED after a day.
    """
    with transaction.atomic(durable=True):
        link = find_sign_in_link(token)
        if link is not None:
            # Locked, so two clicks at once sign in once.
            link = SignInLink.objects.select_for_update().get(pk=link.pk)
        if link is None:
            raise RegistrationError(
                _("We don't recognize this sign-in link."), code=NOT_FOUND
            )
        now = timezone.now()
        if link.used_at is not None:
            raise RegistrationError(
                _("This sign-in link has been used already: each one works once."),
                code=LINK_USED,
            )
        if now >= link.expires_at:
            raise RegistrationError(
                _("This sign-in link has expired: each one works for a day."),
                code=LINK_EXPIRED,
            )
        link.used_at = now
        link.save(update_fields=["used_at"])
        return link.email_normalized


def forget_sign_in_links(*, now: datetime | None = None) -> int:
    """Delete the sign-in links that can no longer be used, and the emails
    that carried them once they are a day old: each names an address, which
    is kept no longer than it is needed. Returns how many rows went."""
    now = now or timezone.now()
    links, _details = SignInLink.objects.filter(expires_at__lte=now).delete()
    emails, _details = (
        OutboundEmail.objects.filter(
            kind=OutboundEmail.Kind.SIGN_IN,
            created_at__lte=now - SIGN_IN_LINK_LIFETIME,
        )
        .exclude(status=OutboundEmail.Status.SENDING)
        .delete()
    )
    return links + emails
