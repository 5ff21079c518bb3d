"""My registrations: every registration of one address, behind a sign-in
link emailed to it (services.sign_in). The browser stays signed in for its
session only, and at most SIGNED_IN_FOR."""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from events.templatetags.event_tags import event_when, long_date
from limits import services as limits

from . import selectors, services
from .ce_record import CeRecord, RecordYear, ce_record_of, downloadable_certificate
from .forms import SignInLinkForm
from .models import Registration, hash_token
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
    # One query for the record, and each past registration finds its
    # certificate in it: the page's query count does not grow with them.
    record = ce_record_of(email)
    upcoming, past = [], []
    for registration in selectors.registrations_of(email):
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
        if event.end <= now:
            row |= attendance_of(registration, record)
            past.append(row)
        else:
            upcoming.append(row)
    return private(
        render(
            request,
            "registrations/my_registrations.html",
            {"email": email, "upcoming": upcoming, "past": past, "record": record},
        )
    )


def attendance_of(registration, record: CeRecord) -> dict:
    """What a past registration's row says of attendance: only a confirmed
    seat at an event that took place was there to be attended."""
    event = registration.event
    shown = (
        registration.status == Registration.Status.CONFIRMED and not event.is_cancelled
    )
    certificate = record.by_registration.get(registration.pk) if shown else None
    return {
        "shows_attendance": shown,
        # Not attended, or not ticked yet: staff may still be settling the
        # roster until attendance is final.
        "attendance_final": event.attendance_final_at is not None,
        "certificate": certificate,
        "hours": certificate.hours_text if certificate else "",
    }


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


@never_cache
@require_safe
def my_certificate_pdf(request, code: str):
    """The signed-in address's own certificate, as its stored PDF."""
    email = signed_in_address(request)
    if not email:
        return private(redirect("registrations:my_registrations"))
    certificate = downloadable_certificate(email, code)
    if certificate is None:
        raise Http404(_("There is no certificate of yours at this address."))
    return pdf_download(
        bytes(certificate.pdf), filename=f"certificate-{certificate.event.slug}.pdf"
    )


@never_cache
@require_safe
def my_record_pdf(request, year: int):
    """The signed-in address's CE record for one calendar year, as a PDF made
    on request (a page of a few rows, from the one query of the record)."""
    email = signed_in_address(request)
    if not email:
        return private(redirect("registrations:my_registrations"))
    record = ce_record_of(email)
    record_year = record.year(year)
    if record_year is None:
        raise Http404(_("You have no CE certificates for that year."))
    # Here, not at the top: see documents' docstring.
    from . import documents

    pdf = documents.render_pdf(
        template_name="registrations/documents/ce_record.html",
        context=record_pdf_context(record.name, record_year),
    )
    return pdf_download(pdf, filename=f"ce-record-{year}.pdf")


def record_pdf_context(name: str, record_year: RecordYear) -> dict:
    """What the yearly record prints: hours written as the certificates
    write them ("1.0", "0.75"), each event's date in its own zone."""
    return {
        "name": name,
        "year": record_year.year,
        "entries": [
            {
                "title": entry.event.title,
                # Short ("Feb. 10, 2025"): the event's title needs the width.
                "date": date_format(entry.day),
                "hours": entry.hours_text,
                "code": entry.certificate.code,
            }
            for entry in record_year.entries
        ],
        "total_hours": record_year.hours_text,
        "site_name": settings.ALMANAC_SITE_NAME,
        # The verification page's address up to the code, printed once.
        "verification_prefix": settings.SITE_URL
        + reverse("registrations:certificate", kwargs={"code": "0"}).removesuffix("0/"),
        "made_on": long_date(timezone.localdate()),
        "document_title": _("CE record %(year)s: %(name)s")
        % {"year": record_year.year, "name": name},
    }


def pdf_download(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private(response)
