"""Whole public pages kept in the ``pages`` cache, for visitors not signed in.

Most visits are repeat views of the same few pages (the list, this week's
webinars) between changes that are rare by comparison. A page is stored
beside the *markers* it was built under, and served again only while they
are unchanged:

- the content marker moves on any change to what pages show (the models in
  ``events.signals.SHOWN_ON_PAGES``);
- the seats markers move when a registration claims, frees or waits for a
  seat (``registrations.services`` locks the event first, and that moves
  them; ``registrations.signals`` when staff delete one): one for the whole
  site, which lists show, and one per event, which only that event's page
  shows, so a rush on one webinar leaves the other pages cached.

Pages and markers live in the ``pages`` cache alias, apart from the
``default`` one that holds the security counters (rate limit, sign-in
lockout): pages may be evicted, counters must not be.

The content marker moves both inside the transaction and after its commit,
like the feeds' marker: a page rebuilt in between read the old rows, and the
second move makes it stale. Pages also show time ("upcoming", "registration
closed"), so an entry is served at most ``PAGE_CACHE_SECONDS`` (60 s by
default) and never past a moment the view names (``valid_until``).

The cache is never allowed to break what it speeds up: a marker that cannot
be moved is logged and skipped (pages it should have made stale are served
until their time is up, at most ``PAGE_CACHE_SECONDS``), so a committed
registration still gets its confirmation page and its email; a cache that
cannot be read or written means the page is built for each visitor.

Only anonymous GETs and HEADs answered 200 are stored, and only pages meant
for anyone: not one that sets a cookie, says ``Cache-Control: private``,
``no-store`` or ``no-cache``, or ``Vary: *``. A visitor with a session or a
pending message gets the page built for them. The one form on a cached page
carries a CSRF token, which is per visitor: the page is built with a
placeholder, swapped for the visitor's own token on every response; a page
built with a real token (a view or template called ``get_token``) is never
stored.
"""

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial, wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import has_vary_header
from django.utils.http import split_header_value

logger = logging.getLogger(__name__)

# The alias in settings.CACHES: pages and their markers, never a counter.
PAGES_CACHE = "pages"
CONTENT_KEY = "almanac:pages:content"
SEATS_KEY = "almanac:pages:seats"
PAGE_KEY = "almanac:page:{}"
# Never a token Django would issue (those are letters and digits only).
CSRF_PLACEHOLDER = "--almanac-csrf-token--"
# A response with any of these is for one visitor, or for none to keep.
PRIVATE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})


def pages_cache():
    """The cache that holds pages and markers (looked up on each use, so a
    test's settings reach it). A missing alias raises: a configuration
    error, unlike a cache that is down, must not pass unnoticed."""
    return caches[PAGES_CACHE]


def event_seats_key(slug: str) -> str:
    # Hashed: a slug typed into the address bar may be any length.
    return f"almanac:pages:seats:{hashlib.sha256(slug.encode()).hexdigest()[:32]}"


def _new_marker() -> str:
    return secrets.token_hex(8)


# Moving the markers


def _move_markers(keys: list[str]) -> None:
    """Give the markers new values; on a cache error, log it and go on (the
    change is saved; only cached pages lag, for at most their lifetime)."""
    cache = pages_cache()
    try:
        cache.set_many(dict.fromkeys(keys, _new_marker()), timeout=None)
    except Exception:
        logger.exception("Could not move the page cache markers %s.", keys)


def _move_markers_after_commit(keys: list[str]) -> None:
    # robust: should anything in the move still raise, the callbacks after it
    # (a registration's email) run all the same.
    transaction.on_commit(partial(_move_markers, keys), robust=True)


def mark_content_changed() -> None:
    """Something every page may show changed: all cached pages go stale, now
    and again once the transaction commits (at once outside one)."""
    _move_markers([CONTENT_KEY])
    _move_markers_after_commit([CONTENT_KEY])


def mark_seats_changed(event_slug: str) -> None:
    """A seat of this event was claimed or freed (or a place on its waiting
    list): its page and every list go stale, other event pages do not.

    Only once the transaction commits (at once outside one): a page rebuilt
    before then read the old rows under the old marker. Not inside it too,
    as content changes are: with the database cache, that write would hold
    the marker's row until the commit, making every registration on the
    site wait for the one before it."""
    _move_markers_after_commit([SEATS_KEY, event_seats_key(event_slug)])


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


def _storable(request, response) -> bool:
    """Whether a page just built may be served to every other visitor."""
    if response.status_code != 200 or response.cookies:
        return False
    # get_token() ran (a template's own {% csrf_token %}, say): the page holds
    # this visitor's real token, which no one else may be given.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    directives = {
        directive.split("=", 1)[0].strip().lower()
        for directive in split_header_value(response.get("Cache-Control", ""))
    }
    if directives & PRIVATE_DIRECTIVES:
        return False
    return not has_vary_header(response, "*")


def _page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY.format(hashlib.sha256(address.encode()).hexdigest())


def _start_markers(cache, keys: list[str]) -> list[str] | None:
    """Values for markers that were missing (new, evicted, or the cache
    restarted). Only fresh values are safe: a page stored under an older
    value may predate a change. Another process may start them at the same
    moment, so read back whichever values won; None if the cache keeps
    nothing."""
    for key in keys:
        cache.add(key, _new_marker(), timeout=None)
    found = cache.get_many(keys)
    return [found[key] for key in keys] if len(found) == len(keys) else None


def _look_up(cache, page_key: str, marker_keys: list[str]) -> tuple:
    """The entry stored for the page (or None) and the markers' values now,
    those that were missing started afresh."""
    found = cache.get_many([page_key, *marker_keys])
    current = [found.get(key) for key in marker_keys]
    if None in current:
        return None, _start_markers(cache, marker_keys)
    return found.get(page_key), current


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


def _store(cache, request, page_key: str, markers: list, response, now: float):
    expires = now + settings.PAGE_CACHE_SECONDS
    until = getattr(request, "_page_valid_until", None)
    if until is not None:
        expires = min(expires, until.timestamp())
    stored = (response.status_code, list(response.headers.items()), response.content)
    cache.set(page_key, (markers, expires, stored), timeout=settings.PAGE_CACHE_SECONDS)


def cached_page(markers: Callable[..., list[str]]):
    """Serve the view's page from the cache while the markers it depends on
    (``markers(**view_kwargs)``, besides the content marker) are unchanged
    and its time is not up; else build it, and store it if it may be
    served to anyone."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            marker_keys = [CONTENT_KEY, *markers(**kwargs)]
            page_key = _page_key(request)
            now = timezone.now().timestamp()
            cache = pages_cache()
            try:
                entry, current = _look_up(cache, page_key, marker_keys)
            except Exception:
                logger.exception("Could not read the page cache.")
                return view(request, *args, **kwargs)
            if entry is not None and entry[0] == current and now < entry[1]:
                return _from_cache(request, *entry[2])

            request._page_cache_building = True
            try:
                response = view(request, *args, **kwargs)
            finally:
                request._page_cache_building = False
            if response.streaming:
                return response
            if current is not None and _storable(request, response):
                try:
                    _store(cache, request, page_key, current, response, now)
                except Exception:
                    logger.exception("Could not store a page in the page cache.")
            response.content = _with_token(request, response.content)
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
