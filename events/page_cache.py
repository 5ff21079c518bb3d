"""Whole public pages kept in the shared cache, for visitors not signed in.

Most visits are repeat views of the same few pages (the list, this week's
webinars) between changes that are rare by comparison. A page is stored
beside the *markers* it was built under, and served again only while they
are unchanged:

- the content marker moves on any change to what pages show (events, their
  presenters, categories, series, organizers: see ``events.signals``);
- the seats markers move when a registration claims, frees or waits for a
  seat (``registrations.services`` locks the event first, and that moves
  them): one for the whole site, which lists show, and one per event, which
  only that event's page shows, so a rush on one webinar leaves the other
  pages cached.

Markers move both inside the transaction and after its commit, like the
feeds' marker: a page rebuilt in between read the old rows, and the second
move makes it stale. Pages also show time ("upcoming", "registration
closed"), so an entry is served at most ``PAGE_CACHE_SECONDS`` (60 s by
default) and never past a moment the view names (``valid_until``).

Only anonymous GETs and HEADs answered 200 are stored; a visitor with a
session or a pending message gets the page built for them. The one form on a
cached page carries a CSRF token, which is per visitor: the page is built
with a placeholder, swapped for the visitor's own token on every response.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

CONTENT_KEY = "almanac:pages:content"
SEATS_KEY = "almanac:pages:seats"
PAGE_KEY = "almanac:page:{}"
# Never a token Django would issue (those are letters and digits only).
CSRF_PLACEHOLDER = "--almanac-csrf-token--"


def event_seats_key(slug: str) -> str:
    # Hashed: a slug typed into the address bar may be any length.
    return f"almanac:pages:seats:{hashlib.sha256(slug.encode()).hexdigest()[:32]}"


def _new_marker() -> str:
    return secrets.token_hex(8)


# Moving the markers


def _move(keys: Iterable[str]) -> None:
    cache.set_many(dict.fromkeys(keys, _new_marker()), timeout=None)


def _move_now_and_after_commit(keys: list[str]) -> None:
    _move(keys)
    transaction.on_commit(lambda: _move(keys))


def mark_content_changed() -> None:
    """Something every page may show changed: all cached pages go stale."""
    _move_now_and_after_commit([CONTENT_KEY])


def mark_seats_changed(event_slug: str) -> None:
    """A seat of this event was claimed or freed (or a place on its waiting
    list): its page and every list go stale, other event pages do not.

    Only once the transaction commits (at once outside one): a page rebuilt
    before then read the old rows under the old marker. Not inside it too,
    as content changes are: with the database cache, that write would hold
    the marker's row until the commit, making every registration on the
    site wait for the one before it."""
    keys = [SEATS_KEY, event_seats_key(event_slug)]
    transaction.on_commit(lambda: _move(keys))


# Serving


def valid_until(request, moments: Iterable[datetime | None]) -> None:
    """Ask that the page built for ``request`` be served no later than the
    first of ``moments`` still to come (when registration closes, say)."""
    now = timezone.now()
    upcoming = [moment for moment in moments if moment is not None and moment > now]
    current = getattr(request, "_page_valid_until", None)
    if current is not None:
        upcoming.append(current)
    if upcoming:
        request._page_valid_until = min(upcoming)


def csrf_token(request) -> str:
    """The CSRF token for a template: the placeholder while the page is being
    built for the cache, else the visitor's own."""
    if getattr(request, "_page_cache_building", False):
        return CSRF_PLACEHOLDER
    return get_token(request)


# The query parameters public pages read. An address with any other (a
# tracking tag, say) gets its page built but not stored: each would
# otherwise be an entry of its own.
PAGE_PARAMETERS = frozenset({"q", "category", "format", "tz", "page"})


def _cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and PAGE_PARAMETERS.issuperset(request.GET)
    )


def _page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY.format(hashlib.sha256(address.encode()).hexdigest())


def _start_markers(keys: list[str]) -> list[str] | None:
    """Values for markers that were missing (new, evicted, or the cache
    restarted). Only fresh values are safe: a page stored under an older
    value may predate a change. Another process may start them at the same
    moment, so read back whichever values won; None if the cache keeps
    nothing."""
    for key in keys:
        cache.add(key, _new_marker(), timeout=None)
    found = cache.get_many(keys)
    return [found[key] for key in keys] if len(found) == len(keys) else None


def _with_token(request, body: bytes) -> bytes:
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder not in body:
        return body
    return body.replace(placeholder, get_token(request).encode())


def _from_cache(request, status: int, headers: list, body: bytes) -> HttpResponse:
    response = HttpResponse(_with_token(request, body), status=status)
    for name, value in headers:
        response.headers[name] = value
    return response


def cached_page(markers: Callable[..., list[str]]):
    """Serve the view's page from the cache while the markers it depends on
    (``markers(**view_kwargs)``, besides the content marker) are unchanged
    and its time is not up."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            marker_keys = [CONTENT_KEY, *markers(**kwargs)]
            page_key = _page_key(request)
            found = cache.get_many([page_key, *marker_keys])
            current = [found.get(key) for key in marker_keys]
            entry = found.get(page_key)
            now = timezone.now().timestamp()
            if entry is not None and entry[0] == current and now < entry[1]:
                return _from_cache(request, *entry[2])
            if None in current:
                current = _start_markers(marker_keys)

            request._page_cache_building = True
            try:
                response = view(request, *args, **kwargs)
            finally:
                request._page_cache_building = False
            if response.streaming:
                return response
            body = response.content
            if (
                current is not None
                and response.status_code == 200
                and not response.cookies
            ):
                expires = now + settings.PAGE_CACHE_SECONDS
                until = getattr(request, "_page_valid_until", None)
                if until is not None:
                    expires = min(expires, until.timestamp())
                stored = (response.status_code, list(response.headers.items()), body)
                cache.set(
                    page_key,
                    (current, expires, stored),
                    timeout=settings.PAGE_CACHE_SECONDS,
                )
            response.content = _with_token(request, body)
            return response

        return wrapper

    return decorator


def site_wide(**kwargs) -> list[str]:
    """Markers of a page that shows any event's seats (lists, series)."""
    return [SEATS_KEY]


def no_seats(**kwargs) -> list[str]:
    """Markers of a page that shows no seat figures (the month grid)."""
    return []


def one_event(*, slug: str, **kwargs) -> list[str]:
    """Markers of an event's page: its own seats only."""
    return [event_seats_key(slug)]
