"""How often one client may try something, counted in the database.

A count kept in a cache is lost when the cache evicts it or goes down, and
a client that notices starts over. Here each attempt is a row: counting is
one indexed query, recording one insert, and no two clients ever wait on a
shared row. Clients are told apart by a keyed fingerprint of their network
address (an HMAC with ``SECRET_KEY``), never the address itself.

Counting and recording are two statements, not one transaction: clients
racing each other may pass a limit by as many requests as run at the same
moment, which a limit meant to stop hundreds can afford.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Attempt

# No window is longer, so rows older than this count for nothing and the
# daily prune (prune_attempts) may delete them.
LONGEST_WINDOW = timedelta(days=1)
KEY_SALT = "limits.client_key"


@dataclass(frozen=True)
class Rate:
    """So many attempts per window, as a setting writes it: ``"40/600"`` is
    40 every ten minutes."""

    attempts: int
    seconds: int

    @classmethod
    def parse(cls, value: str, *, setting: str = "the limit") -> "Rate":
        """The rate ``value`` says, or ImproperlyConfigured naming ``setting``
        and what it should look like."""
        try:
            attempts, seconds = (int(part) for part in str(value).split("/"))
        except ValueError:
            attempts = seconds = -1
        if attempts < 0 or not 0 < seconds <= LONGEST_WINDOW.total_seconds():
            raise ImproperlyConfigured(
                f"{setting} must be attempts/seconds, such as 40/600, with a "
                f"window of at most {int(LONGEST_WINDOW.total_seconds())} "
                f"seconds; it is {value!r}."
            )
        return cls(attempts=attempts, seconds=seconds)

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.seconds)


def client_address(request) -> str:
    """The client's address. Behind a reverse proxy every request comes from
    the proxy, so REGISTRATION_CLIENT_IP_HEADER (e.g. "HTTP_X_FORWARDED_FOR")
    names the header it fills in; the proxy appends, so the last entry is the
    one it saw and the only one a client cannot forge."""
    header = getattr(settings, "REGISTRATION_CLIENT_IP_HEADER", None)
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_network(address: str) -> str:
    """The part of an address one client controls as a whole: an IPv4
    address, or an IPv6 /64 (one household's or one library's network,
    where every device picks addresses at will, so a script could take a
    new one for each request). Anything else is returned as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        # The /64's first address: still an address, as sign-in records need.
        return str(ipaddress.IPv6Address(int(ip) >> 64 << 64))
    return str(ip)


def client_key(request) -> str:
    """The fingerprint attempts from this request's client are counted
    under: the same for every request from its network, and no way back to
    the address without the site's secret key."""
    network = client_network(client_address(request))
    return salted_hmac(KEY_SALT, network, algorithm="sha256").hexdigest()[:32]


def is_over_limit(*, scope: str, key: str, successes: Rate, attempts: Rate) -> bool:
    """True when the client ``key`` has already had ``successes.attempts``
    successful attempts in ``scope`` within that rate's window, or made
    ``attempts.attempts`` attempts of any outcome within that one's.

    One count on the (scope, key, at) index; a second, of the successes,
    only for a client that made as many attempts as it may have successes.
    """
    now = timezone.now()
    mine = Attempt.objects.filter(scope=scope, key=key)
    made = mine.filter(at__gt=now - attempts.window).count()
    if made >= attempts.attempts:
        return True
    if made < successes.attempts and attempts.seconds >= successes.seconds:
        # Its successes are among those attempts: too few to reach the limit.
        return False
    succeeded = mine.filter(succeeded=True, at__gt=now - successes.window).count()
    return succeeded >= successes.attempts


def record_attempt(*, scope: str, key: str, succeeded: bool) -> None:
    """Count one attempt by the client ``key`` in ``scope``. One insert."""
    Attempt.objects.create(scope=scope, key=key, succeeded=succeeded, at=timezone.now())


def prune_attempts(*, now: datetime | None = None) -> int:
    """Delete the attempts no window can count any more (older than
    LONGEST_WINDOW); how many were deleted. Run daily by
    ``manage.py purge_personal_data``."""
    now = now or timezone.now()
    deleted, _ = Attempt.objects.filter(at__lt=now - LONGEST_WINDOW).delete()
    return deleted
