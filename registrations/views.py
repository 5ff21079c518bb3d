"""Registration pages. Thin: forms check input, services decide.

A self-service link is opened by mail scanners too, so no GET here changes
anything; cancelling takes a POST from the confirmation page.
"""

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from events import views as event_views
from events.ical import event_ics
from events.models import Event
from events.templatetags.event_tags import event_when
from limits import services as limits

from . import selectors, services
from .forms import AttendanceCodeForm, RegistrationDetailsForm, RegistrationForm
from .models import Certificate, Question, Registration
from .selectors import get_registration_by_token

RESULT_SALT = "registrations.result"
# The result page is for the browser that just registered, not a bookmark.
RESULT_MAX_AGE = 60 * 60


# Registration POSTs are counted per client network under this name.
LIMIT_SCOPE = "registration"


def registration_rates() -> tuple[limits.Rate, limits.Rate]:
    """How many registrations one client network may make per window
    (REGISTRATION_RATE_LIMIT: a library's staff share one address), and how
    many POSTs of any outcome, mistyped ones too (REGISTRATION_POST_LIMIT)."""
    return (
        limits.Rate.parse(
            settings.REGISTRATION_RATE_LIMIT, setting="REGISTRATION_RATE_LIMIT"
        ),
        limits.Rate.parse(
            settings.REGISTRATION_POST_LIMIT, setting="REGISTRATION_POST_LIMIT"
        ),
    )


def over_rate_limit(client: str) -> bool:
    """Whether the client (``limits.client_key``) has used up either rate.

    Counted in the database, so every app server counts together and no
    cache eviction or outage starts anyone over; one indexed count (two for
    a client with many attempts), before the event is locked.
    """
    registered, posted = registration_rates()
    return limits.is_over_limit(
        scope=LIMIT_SCOPE, key=client, successes=registered, attempts=posted
    )


def event_page_with_form(request, slug: str, form, status: int = 200):
    """The event page again, with the form as typed and its errors (the page
    labels its button from the event's state as it is now)."""
    request.registration_form = form
    return event_views.render_event_page(request, slug, status=status)


def questions_of(slug: str) -> list[Question]:
    """The questions of the published event at ``slug`` (none if there is
    no such event: the service says so), in one query that reads no event:
    the service finds the event in the query that locks it."""
    return list(Question.objects.filter(event__slug=slug, event__is_published=True))


@require_POST
def register(request, slug: str):
    form = RegistrationForm(request.POST, questions=questions_of(slug))
    client = limits.client_key(request)
    if over_rate_limit(client):
        # Refused POSTs are not counted: a script that keeps knocking adds
        # no rows, and is let in again as its earlier attempts age out.
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many registration attempts from your network. Please wait "
                "a few minutes and try again."
            ),
        )
        response = event_page_with_form(request, slug, form, status=429)
        # At the latest: the sliding window may free a place sooner.
        response["Retry-After"] = str(max(r.seconds for r in registration_rates()))
        return response
    # Every other POST counts towards REGISTRATION_POST_LIMIT; only one that
    # registers (or finds its registration) towards REGISTRATION_RATE_LIMIT,
    # so a mistyped form costs colleagues behind the same address nothing.
    registered = False
    try:
        if form.is_spam:
            # Look like success to the bot; store and send nothing.
            return redirect(result_url(slug))
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
                answers=form.answers(),
            )
        except services.RegistrationError as error:
            if error.code in {services.NOT_FOUND, selectors.UNPUBLISHED}:
                raise Http404(
                    _("There is no published event at this address.")
                ) from None
            form.add_error(None, error.message)
            return event_page_with_form(request, slug, form)
        registered = True
    finally:
        # After the service's commit: the insert never holds the event lock.
        limits.record_attempt(scope=LIMIT_SCOPE, key=client, succeeded=registered)
    return redirect(result_url(slug, registration=result.registration))


def result_url(slug: str, *, registration: Registration | None = None) -> str:
    """The page after a POST, carrying which registration in a signed
    parameter: no session, no cookie, and nothing anyone could forge.
    (Signed, not encrypted: so no personal data in it, as URLs end up in
    logs.)"""
    value = signing.dumps(
        {"r": registration.pk if registration else None},
        salt=RESULT_SALT,
        compress=True,
    )
    path = reverse("registrations:registered", kwargs={"slug": slug})
    return f"{path}?r={value}"


@require_safe
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
    # The page is the same whether the address was new or registered
    # already, and shows no status: whoever typed an address into the form
    # learns nothing about its registration. Its status lives behind the
    # link we email (PRODUCT.md section 4).
    email = ""
    if payload.get("r"):
        email = (
            Registration.objects.filter(pk=payload["r"], event=event)
            .values_list("email", flat=True)
            .first()
        ) or ""
    return render(
        request, "registrations/result.html", {"event": event, "email": email}
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
        registration.is_open
        and event.status != Event.Status.CANCELLED
        and timezone.now() < event.start
    )


@never_cache
@require_safe
def manage(request, token: str):
    registration = get_registration_by_token(token)
    if registration is None:
        return unknown_link(request)
    return manage_page(request, registration, token)


def manage_page(
    request,
    registration: Registration,
    token: str,
    *,
    details_form: RegistrationDetailsForm | None = None,
    code_form: AttendanceCodeForm | None = None,
    status: int = 200,
):
    """The registrant's own page; after a refused correction, with the
    details form as typed and its errors."""
    event = registration.event
    confirmed = registration.status == Registration.Status.CONFIRMED
    show_join = confirmed and not event.is_cancelled and bool(event.join_url)
    # Details can be corrected while the registration could be cancelled.
    can_change = can_cancel(registration)
    if details_form is None and can_change:
        details_form = RegistrationDetailsForm(
            token=token,
            initial={
                "name": registration.name,
                "organization": registration.organization,
                "accommodation_request": registration.accommodation_request,
            },
        )
    # The attendance code, from the start until the window after the end.
    code_open = (
        confirmed
        and not registration.attended
        and event.takes_attendance_code(timezone.now())
    )
    if code_form is None and code_open:
        code_form = AttendanceCodeForm(token=token)
    return private(
        render(
            request,
            "registrations/manage.html",
            {
                "registration": registration,
                "code_form": code_form if code_open else None,
                # Refused because the code can no longer be taken (its
                # window closed while the page was open): the reason stays.
                "code_refusal": (
                    " ".join(code_form.errors.get("code", []))
                    if code_form is not None and code_form.is_bound and not code_open
                    else ""
                ),
                "event": event,
                "when": event_when(event),
                "token": token,
                "position": registration.waitlist_position,
                "join_url": event.join_url if show_join else "",
                "private_ics_url": (
                    reverse("registrations:ics", kwargs={"token": token})
                    if confirmed
                    else ""
                ),
                "can_cancel": can_change,
                "details_form": details_form if can_change else None,
                # Refused because the registration can no longer change (it
                # was cancelled, or the event started, while the form was
                # open): the form is gone, the reason stays.
                "details_refusal": (
                    " ".join(details_form.non_field_errors())
                    if details_form is not None and not can_change
                    else ""
                ),
                "just_cancelled": request.GET.get("cancelled") == "1",
                "just_saved": request.GET.get("saved") == "1",
                "just_attended": request.GET.get("attended") == "1",
                "just_evaluated": request.GET.get("evaluated") == "1",
                # What the attendance earned: the evaluation to fill in and
                # the certificate to download, once they exist.
                "may_evaluate": (
                    services.evaluation_is_open(registration)
                    and event.evaluation_questions.exists()
                ),
                "certificate": (
                    Certificate.objects.valid()
                    .filter(registration=registration)
                    .defer("pdf")
                    .first()
                ),
            },
            status=status,
        )
    )


@never_cache
@require_POST
def update_details(request, token: str):
    """The registrant corrects their name, library or request (POST from
    their page); back to the page with a "saved" notice, or with the form's
    errors."""
    form = RegistrationDetailsForm(request.POST, token=token)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_registration_details(
                token=token,
                name=data["name"],
                organization=data["organization"],
                accommodation_request=data["accommodation_request"],
            )
        except services.RegistrationError as error:
            if error.code == services.NOT_FOUND:
                return unknown_link(request)
            form.add_error(None, error.message)
        else:
            manage_url = reverse("registrations:manage", kwargs={"token": token})
            return private(redirect(f"{manage_url}?saved=1"))
    registration = get_registration_by_token(token)
    if registration is None:
        return unknown_link(request)
    return manage_page(request, registration, token, details_form=form)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
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


@require_safe
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


@never_cache
@require_POST
def enter_attendance_code(request, token: str):
    """The registrant enters the code read out during the webinar (POST from
    their page); back to the page saying their attendance is recorded, or
    with the form's error (429 after too many wrong codes)."""
    form = AttendanceCodeForm(request.POST, token=token)
    status = 200
    if form.is_valid():
        try:
            services.enter_attendance_code(token=token, code=form.cleaned_data["code"])
        except services.RegistrationError as error:
            if error.code == services.NOT_FOUND:
                return unknown_link(request)
            form.add_error("code", error.message)
            status = 429 if error.code == "too_many_codes" else 200
        else:
            manage_url = reverse("registrations:manage", kwargs={"token": token})
            return private(redirect(f"{manage_url}?attended=1"))
    registration = get_registration_by_token(token)
    if registration is None:
        return unknown_link(request)
    return manage_page(request, registration, token, code_form=form, status=status)
