"""The parts of an outgoing email that are not its words: the event's .ics,
which seat emails carry, and the email's own ``Message-ID`` header."""

import hashlib
import threading
from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.encoding import punycode

from events.models import Event

from .models import OutboundEmail

# The seat holder's .ics names no one, so every seat email about the same
# version of an event carries the same bytes: built once per process, keyed
# on everything it is made from. Any change to the event's row or its
# categories is a new key, so a cached file is never stale, only unused.
ICS_CACHE_SIZE = 256
_ics_cache: dict[tuple, str] = {}
_ics_cache_lock = threading.Lock()


def calendar_attachment(event: Event) -> str:
    from events.ical import event_ics

    key = (
        settings.SITE_URL,
        tuple(getattr(event, field.attname) for field in Event._meta.concrete_fields),
        tuple(event.categories.values_list("name", flat=True)),
    )
    ics = _ics_cache.get(key)
    if ics is None:
        ics = event_ics(event, include_join_url=True).decode("utf-8")
        with _ics_cache_lock:
            while len(_ics_cache) >= ICS_CACHE_SIZE:
                del _ics_cache[next(iter(_ics_cache))]
            _ics_cache[key] = ics
    return ics


def message_id(email: OutboundEmail) -> str:
    """The row's own ``Message-ID``, the same on every attempt: a second
    delivery (a worker killed after the server took the message) is then
    recognisably the same message, and mail clients show it once. The hash
    of the row's creation time tells apart rows of the same number in
    another database (a restored backup, a staging copy)."""
    created = email.created_at.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    digest = hashlib.sha256(f"{email.pk}.{created}".encode()).hexdigest()[:12]
    host = punycode(urlsplit(settings.SITE_URL).hostname or "almanac.invalid")
    return f"<almanac.outbound.{email.pk}.{digest}@{host}>"
