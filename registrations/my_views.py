"""My registrations: every registration of one address, behind a sign-in
link emailed to it (services.sign_in). The browser stays signed in for its
session only, and at most SIGNED_IN_FOR."""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from events.templatetags.event_tags import event_when
from limits import services as limits

from . import services
from .forms import SignInLinkForm
from .models import hash_token
from .views import private

# Where the signed-in address and the moment of signing in are kept.
MY_SESSION_KEY = "my_registrations"
SIGNED_IN_FOR = timedelta(hours=12)
# Links asked for per client network (a library's staff share one address),
# on top of one link per email address every few minutes.
SIGN_IN_LINK_SCOPE = "sign_in_link"
DEFAULT_SIGN_IN_LINK_RATE_LIMIT = "30/3600"


def sign_in_link_rate() -> limits.Rate:
    return limits.Rate.parse(
        getattr(settings, "SIGN_IN_LINK_RATE_LIMIT", DEFAULT_SIGN_IN_LINK_RATE_LIMIT),
        setting="SIGN_IN_LINK_RATE_LIMIT",
    )


def signed_in_address(request) -> str:
    """The address this browser signed in as, or "" (never, signed out, or
    longer ago than SIGNED_IN_FOR: a browser that restores its session after
    a restart keeps its cookie)."""
    signed_in = request.session.get(MY_SESSION_KEY)
    if not signed_in:
        return ""
    if timezone.now().timestamp() - signed_in["at"] > SIGNED_IN_FOR.total_seconds():
        del request.session[MY_SESSION_KEY]
        return ""
    return signed_in["email"]


def sign_in_link_form_page(request, form, *, status: int = 200):
    return private(
        render(
            request,
            "registrations/my_sign_in_request.html",
            {"form": form, "signed_out": request.GET.get("signed_out") == "1"},
            status=status,
        )
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def my_registrations(request):
    """GET: the signed-in address's registrations, or the form that asks for
    a sign-in link. POST: send one (the answer never says whether the
    address has registrations)."""
    if request.method == "POST":
        return ask_for_sign_in_link(request)
    email = signed_in_address(request)
    if not email:
        return sign_in_link_form_page(request, SignInLinkForm())
    now = timezone.now()
    upcoming, past = [], []
    for registration in services.registrations_of(email):
        event = registration.event
        token = services.link_token(registration)
        # The registration's current link (after staff revoke links, the new
        # one). A row from before link secrets, or made under another
        # SECRET_KEY, has none that matches: offer none rather than a dead one.
        works = hash_token(token) == registration.token_hash
        row = {
            "registration": registration,
            "event": event,
            "when": event_when(event),
            "manage_url": (
                reverse("registrations:manage", kwargs={"token": token})
                if works
                else ""
            ),
        }
        (past if event.end <= now else upcoming).append(row)
    return private(
        render(
            request,
            "registrations/my_registrations.html",
            {"email": email, "upcoming": upcoming, "past": past},
        )
    )


def ask_for_sign_in_link(request):
    form = SignInLinkForm(request.POST)
    client = limits.client_key(request)
    rate = sign_in_link_rate()
    if limits.is_over_limit(
        scope=SIGN_IN_LINK_SCOPE, key=client, successes=rate, attempts=rate
    ):
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many sign-in links were asked for from your network. "
                "Please wait a few minutes and try again."
            ),
        )
        response = sign_in_link_form_page(request, form, status=429)
        response["Retry-After"] = str(rate.seconds)
        return response
    limits.record_attempt(scope=SIGN_IN_LINK_SCOPE, key=client, succeeded=True)
    if not form.is_valid():
        return sign_in_link_form_page(request, form)
    try:
        # Sent or not (one per address every few minutes), the answer is
        # the same page.
        services.request_sign_in_link(email=form.cleaned_data["email"])
    except services.RegistrationError as error:
        form.add_error("email", error.message)
        return sign_in_link_form_page(request, form)
    return private(redirect("registrations:my_link_sent"))


@never_cache
@require_safe
def my_link_sent(request):
    return private(render(request, "registrations/my_link_sent.html"))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def my_sign_in(request, token: str):
    """GET shows a "Sign in" button and changes nothing (mail scanners open
    links); its POST uses the link up and signs this browser in."""
    error = ""
    status = 200
    if request.method == "POST":
        try:
            email = services.sign_in_with_link(token=token)
        except services.RegistrationError as exc:
            error = exc.message
            status = 404 if exc.code == services.NOT_FOUND else 410
        else:
            # A new session key: whoever planted a session id in this
            # browser before does not share the signed-in one.
            request.session.cycle_key()
            request.session[MY_SESSION_KEY] = {
                "email": email,
                "at": timezone.now().timestamp(),
            }
            # Until the browser closes.
            request.session.set_expiry(0)
            return private(redirect("registrations:my_registrations"))
    else:
        link = services.find_sign_in_link(token)
        if link is None:
            error, status = _("We don't recognize this sign-in link."), 404
        elif link.used_at is not None:
            error = _("This sign-in link has been used already: each one works once.")
            status = 410
        elif timezone.now() >= link.expires_at:
            error = _("This sign-in link has expired: each one works for a day.")
            status = 410
    return private(
        render(
            request,
            "registrations/my_sign_in.html",
            {"token": token, "error": error, "form": SignInLinkForm()},
            status=status,
        )
    )


@never_cache
@require_POST
def my_sign_out(request):
    request.session.pop(MY_SESSION_KEY, None)
    request.session.cycle_key()
    return private(
        redirect(reverse("registrations:my_registrations") + "?signed_out=1")
    )
