"""Registration pages. Thin: forms check input, services decide.

A self-service link is opened by mail scanners too, so no GET here changes
anything; cancelling takes a POST from the confirmation page.
"""

import hashlib

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import views as event_views
from events.ical import event_ics
from events.models import Event

from . import selectors, services
from .forms import RegistrationForm
from .models import Registration
from .selectors import get_registration_by_token

RESULT_SALT = "registrations.result"
# The result page is for the browser that just registered, not a bookmark.
RESULT_MAX_AGE = 60 * 60
CONFIRMED, WAITLISTED, EXISTING = "confirmed", "waitlisted", "existing"


def client_address(request) -> str:
    """The member's address. Behind a reverse proxy every request comes from
    the proxy, so REGISTRATION_CLIENT_IP_HEADER (e.g. "HTTP_X_FORWARDED_FOR")
    names the header it fills in; the proxy appends, so the last entry is the
    one it saw and the only one a client cannot forge."""
    header = getattr(settings, "REGISTRATION_CLIENT_IP_HEADER", None)
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def rate_limit() -> tuple[int, int]:
    """(attempts, seconds) from REGISTRATION_RATE_LIMIT, e.g. "10/600"."""
    attempts, seconds = getattr(settings, "REGISTRATION_RATE_LIMIT", "10/600").split(
        "/"
    )
    return int(attempts), int(seconds)


def over_rate_limit(request) -> bool:
    """Count this POST against its address; True once past the limit.

    Kept in the shared cache so every app server counts together. Counting
    up first costs one trip to the cache on every POST but the first of a
    window (an ``add`` first would cost two).
    """
    attempts, seconds = rate_limit()
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"registrations:rate:{address}"
    try:
        return cache.incr(key) > attempts
    except ValueError:  # the first POST of a window
        pass
    if cache.add(key, 1, timeout=seconds):
        return False
    try:  # another request started the window just now
        return cache.incr(key) > attempts
    except ValueError:  # and it expired already
        cache.set(key, 1, timeout=seconds)
        return False


def event_page_with_form(request, slug: str, form, status: int = 200):
    """The event page again, with the form as typed and its errors (the page
    labels its button from the event's state as it is now)."""
    request.registration_form = form
    return event_views.render_event_page(request, slug, status=status)


@require_POST
def register(request, slug: str):
    form = RegistrationForm(request.POST)
    if over_rate_limit(request):
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many registration attempts from your network. Please wait "
                "a few minutes and try again."
            ),
        )
        return event_page_with_form(request, slug, form, status=429)
    if form.is_spam:
        # Look like success to the bot; store and send nothing.
        return redirect(result_url(slug, CONFIRMED))
    if not form.is_valid():
        return event_page_with_form(request, slug, form)
    data = form.cleaned_data
    try:
        # The service finds the event by its slug in the query that locks
        # it, and decides from counts read under that lock.
        result = services.register_for_event(
            event_slug=slug,
            name=data["name"],
            email=data["email"],
            organization=data["organization"],
            accommodation_request=data["accommodation_request"],
        )
    except services.RegistrationError as error:
        if error.code in {services.NOT_FOUND, selectors.UNPUBLISHED}:
            raise Http404(_("There is no published event at this address.")) from None
        form.add_error(None, error.message)
        return event_page_with_form(request, slug, form)
    registration = result.registration
    if not result.created:
        outcome = EXISTING
    elif registration.status == Registration.Status.WAITLISTED:
        outcome = WAITLISTED
    else:
        outcome = CONFIRMED
    return redirect(
        result_url(
            slug,
            outcome,
            registration=registration,
            email_queued=result.email_queued,
        )
    )


def result_url(
    slug: str,
    outcome: str,
    *,
    registration: Registration | None = None,
    email_queued: bool = True,
) -> str:
    """The page after a POST, carrying what happened in a signed parameter:
    no session, no cookie, and nothing anyone could forge. (Signed, not
    encrypted: so no personal data in it, as URLs end up in logs.)"""
    payload = {
        "o": outcome,
        "r": registration.pk if registration else None,
        "q": email_queued,
    }
    value = signing.dumps(payload, salt=RESULT_SALT, compress=True)
    path = reverse("registrations:registered", kwargs={"slug": slug})
    return f"{path}?r={value}"


@require_GET
def registered(request, slug: str):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    try:
        payload = signing.loads(
            request.GET.get("r", ""), salt=RESULT_SALT, max_age=RESULT_MAX_AGE
        )
    except signing.SignatureExpired:
        return render(request, "registrations/result_expired.html", {"event": event})
    except signing.BadSignature:
        return redirect(event)
    registration = None
    if payload.get("r"):
        registration = Registration.objects.filter(pk=payload["r"], event=event).first()
    return render(
        request,
        "registrations/result.html",
        {
            "event": event,
            "outcome": payload.get("o"),
            "email": registration.email if registration else "",
            "email_queued": payload.get("q", True),
            "registration": registration,
            "status": registration.status if registration else CONFIRMED,
            "position": registration.waitlist_position if registration else None,
        },
    )


def private(response):
    """A page reached by a secret link: not cached, not indexed, and the
    link never leaks to another site through the Referer header.

    "same-origin", not "no-referrer": with no referrer at all, browsers send
    "Origin: null" with the cancel form's POST and the CSRF check refuses it.
    """
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def unknown_link(request):
    return private(render(request, "registrations/unknown_link.html", status=404))


def can_cancel(registration: Registration) -> bool:
    event = registration.event
    return (
        registration.is_active
        and event.status != Event.Status.CANCELLED
        and timezone.now() < event.start
    )


@never_cache
@require_GET
def manage(request, token: str):
    registration = get_registration_by_token(token)
    if registration is None:
        return unknown_link(request)
    event = registration.event
    confirmed = registration.status == Registration.Status.CONFIRMED
    show_join = confirmed and not event.is_cancelled and bool(event.join_url)
    return private(
        render(
            request,
            "registrations/manage.html",
            {
                "registration": registration,
                "event": event,
                "token": token,
                "position": registration.waitlist_position,
                "join_url": event.join_url if show_join else "",
                "private_ics_url": (
                    reverse("registrations:ics", kwargs={"token": token})
                    if confirmed
                    else ""
                ),
                "can_cancel": can_cancel(registration),
                "just_cancelled": request.GET.get("cancelled") == "1",
            },
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token: str):
    """GET asks "are you sure?" and changes nothing; POST cancels."""
    error = ""
    if request.method == "POST":
        # The service finds the registration by its token under the event's
        # lock; the page is only read again if it has something to say.
        try:
            services.cancel_registration(token=token)
        except services.RegistrationError as exc:
            if exc.code == services.NOT_FOUND:
                return unknown_link(request)
            error = exc.message
        else:
            manage_url = reverse("registrations:manage", kwargs={"token": token})
            return private(redirect(f"{manage_url}?cancelled=1"))
    registration = get_registration_by_token(token)
    if registration is None:
        return unknown_link(request)
    return private(
        render(
            request,
            "registrations/cancel.html",
            {
                "registration": registration,
                "event": registration.event,
                "token": token,
                "can_cancel": can_cancel(registration),
                "error": error,
            },
        )
    )


@require_GET
def private_ics(request, token: str):
    """The registrant's own calendar file: with the join URL once confirmed."""
    registration = get_registration_by_token(token)
    if registration is None or not registration.is_active:
        raise Http404(_("This calendar link is not valid."))
    event = registration.event
    confirmed = registration.status == Registration.Status.CONFIRMED
    response = HttpResponse(
        event_ics(event, include_join_url=confirmed),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return private(response)
