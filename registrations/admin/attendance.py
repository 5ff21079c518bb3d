"""Marking attendance from one event's roster: ticking the registrants on
the "Take attendance" page (and making attendance final there), or from
the webinar platform's attendee report: upload Zoom's or Teams' CSV, see
who it would mark, confirm. The preview's decisions travel to the
confirmation signed, so confirming needs no second upload and marks
exactly what staff saw."""

import re

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.models import Event

from .. import services
from ..attendance_reports import (
    MAX_REPORT_BYTES,
    ReportError,
    match_report,
    parse_attendee_report,
)
from ..models import Certificate, Registration
from .registrants import admin_form, event_when, roster_url

# Only this page's previews: a value signed elsewhere in the project for
# another purpose can't be replayed here.
DECISIONS_SALT = "registrations.admin.attendance_report"
# Long enough to read the preview over a lunch break, short enough that a
# tab left open for days doesn't confirm an old upload.
DECISIONS_MAX_AGE = 12 * 60 * 60


class AttendeeReportForm(forms.Form):
    report = forms.FileField(
        label=_("Zoom attendee report or Teams attendance list (CSV)"),
        help_text=_(
            "Zoom: Reports, Webinar, Attendee report, exported as CSV. "
            "Teams: the meeting's Attendance tab, Download. Up to 5 MB."
        ),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_report(self):
        """The report read on the event's clock: a file that isn't one is a
        message on the field, never an error page."""
        upload = self.cleaned_data["report"]
        if upload.size > MAX_REPORT_BYTES:
            raise forms.ValidationError(
                _(
                    "This file is larger than 5 MB, far larger than any "
                    "attendee report. Check that it is the right file."
                )
            )
        try:
            return parse_attendee_report(upload.read(), tz=self.event.tz)
        except ReportError as error:
            raise forms.ValidationError(error.message) from None


class ConfirmForm(forms.Form):
    decisions = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_decisions(self) -> dict:
        """The preview as signed for this event, or a message saying to
        upload the report again."""
        try:
            decisions = signing.loads(
                self.cleaned_data["decisions"],
                salt=DECISIONS_SALT,
                max_age=DECISIONS_MAX_AGE,
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This preview is too old to confirm. Upload the report again.")
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _(
                    "This preview can't be confirmed: it was changed after it "
                    "was made. Upload the report again."
                )
            ) from None
        if decisions.get("event") != self.event.pk:
            raise forms.ValidationError(
                _("This preview is of another event's report. Upload it again.")
            )
        return decisions


def sign_decisions(event: Event, matched, report) -> str:
    return signing.dumps(
        {
            "event": event.pk,
            "platform": report.platform_name,
            "attended": [[a.registration.pk, a.minutes] for a in matched.attended],
            "too_short": [[t.registration.pk, t.minutes] for t in matched.too_short],
        },
        salt=DECISIONS_SALT,
        compress=True,
    )


def add_registrant_url(event: Event, name: str, email: str) -> str:
    """The add-a-registrant page for a walk-in, with their name and email
    in the query for the page to prefill."""
    url = reverse("admin:registrations_registration_add_registrant", args=[event.pk])
    return f"{url}?{urlencode({'name': name, 'email': email})}"


class TakeAttendanceForm(forms.Form):
    """The roster's ticks, and who was ticked when the page was drawn."""

    attended = forms.TypedMultipleChoiceField(
        label=_("Attended"),
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Someone you ticked is no longer a confirmed registrant of "
                "this event (cancelled or moved meanwhile). The list below "
                "is as it is now: check it and save again."
            ),
        },
    )
    # Who was ticked when the page was drawn (ids, comma-separated): a row
    # staff left as it was shown is left as it is now (see
    # ``services.record_attendance``).
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(r.pk, r.name) for r in registrations]

    def clean_shown(self) -> set[int]:
        parts = [part for part in self.cleaned_data["shown"].split(",") if part]
        # ASCII digits, as an id is written (isdigit() takes "²" too), and
        # no longer than an id can be.
        if not all(SHOWN_ID.fullmatch(part) for part in parts):
            raise forms.ValidationError(
                _("This page was altered after it was drawn. Reload it and tick again.")
            )
        return {int(part) for part in parts}


SHOWN_ID = re.compile(r"[0-9]{1,18}")


def confirmed_registrations(event: Event) -> list[Registration]:
    """Who the "Take attendance" page lists, by name."""
    return list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("library", "attendance_marked_by")
        .order_by("name", "pk")
    )


def initial_ticks(registrations, tick: str | None) -> dict:
    """The page as drawn: ticked as recorded, or all ("Tick all") or none
    ("Untick all"); "shown" is always what is recorded, so Save records
    what staff changed from it."""
    recorded = {r.pk for r in registrations if r.attended}
    ticked = {"all": {r.pk for r in registrations}, "none": set()}.get(tick, recorded)
    return {
        "attended": sorted(ticked),
        "shown": ",".join(str(pk) for pk in sorted(recorded)),
    }


class AttendanceReportPages:
    """One event's "Take attendance" and "upload attendee report" pages
    (their URLs are in the roster's ``get_urls``)."""

    def take_attendance(self, request, event_id: int):
        """Every confirmed registrant as a checkbox, ticked as they are
        now; "Save" records the ticks, "Tick all" / "Untick all" draw the
        list all ticked or none (a link, so they work without scripts),
        "Mark attendance final" sends the evaluations and certificates."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        here = reverse(
            "admin:registrations_registration_take_attendance", args=[event.pk]
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Take attendance"),
            "subtitle": f"{event.title} · {event_when(event)}",
            "event": event,
            "roster_url": roster_url(event),
            "here": here,
            "started": timezone.now() >= event.start,
            "ended": timezone.now() >= event.end,
            "credit": event.ce_credit(),
            "certificates_issued": Certificate.objects.valid()
            .filter(event=event)
            .count(),
        }
        if not context["started"]:
            return self._render_take_attendance(request, context)
        if request.method == "POST" and "final" in request.POST:
            self._make_final(request, event)
            return HttpResponseRedirect(here)
        registrations = confirmed_registrations(event)
        if request.method == "POST":
            form = TakeAttendanceForm(request.POST, registrations=registrations)
            if form.is_valid() and self._record_ticks(request, event, form):
                return HttpResponseRedirect(here)
        else:
            form = TakeAttendanceForm(
                initial=initial_ticks(registrations, request.GET.get("tick")),
                registrations=registrations,
            )
        ticked = {str(pk) for pk in form["attended"].value() or []}
        context.update(
            form=form,
            rows=[(r, str(r.pk) in ticked) for r in registrations],
        )
        return self._render_take_attendance(request, context)

    def _render_take_attendance(self, request, context):
        return TemplateResponse(
            request, "registrations/admin/take_attendance.html", context
        )

    def _record_ticks(self, request, event: Event, form) -> bool:
        try:
            changed = services.record_attendance(
                event_id=event.pk,
                attended_ids=form.cleaned_data["attended"],
                shown_attended_ids=form.cleaned_data["shown"],
                by=request.user,
            )
        except services.RegistrationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return False
        self.message_user(
            request,
            ngettext(
                "Recorded attendance: %(count)d changed.",
                "Recorded attendance: %(count)d changed.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )
        return True

    def _make_final(self, request, event: Event) -> None:
        try:
            issued = services.mark_attendance_final(event_id=event.pk, by=request.user)
        except services.RegistrationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "Attendance is final: the evaluation was emailed to "
                "attendees, %(count)d certificate issued.",
                "Attendance is final: the evaluation was emailed to "
                "attendees, %(count)d certificates issued.",
                issued,
            )
            % {"count": issued},
            messages.SUCCESS,
        )

    def attendance_report(self, request, event_id: int):
        """Step one, the upload; step two, the preview of what it would
        mark; step three, "Mark N attended" back to the roster."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Upload attendee report"),
            "subtitle": f"{event.title} · {event_when(event)}",
            "event": event,
            "roster_url": roster_url(event),
            "started": timezone.now() >= event.start,
        }
        if not context["started"]:
            return self._render_report_page(request, context)
        if request.method == "POST" and "decisions" in request.POST:
            confirm = ConfirmForm(request.POST, event=event)
            if confirm.is_valid():
                done = self._record(request, event, confirm.cleaned_data["decisions"])
                if done:
                    return HttpResponseRedirect(roster_url(event))
            else:
                for error in confirm.errors.get("decisions", []):
                    self.message_user(request, error, messages.ERROR)
            form = AttendeeReportForm(event=event)
        elif request.method == "POST":
            form = AttendeeReportForm(request.POST, request.FILES, event=event)
        else:
            form = AttendeeReportForm(event=event)
        if form.is_valid():
            report = form.cleaned_data["report"]
            matched = match_report(
                report,
                registrations=Registration.objects.filter(event=event),
                start=event.start,
                end=event.end,
                minimum_share=event.attendance_minimum_share / 100,
            )
            context.update(
                report=report,
                matched=matched,
                walk_ins=[
                    (walk_in, add_registrant_url(event, walk_in.name, walk_in.email))
                    for walk_in in matched.unmatched
                ],
                decisions=sign_decisions(event, matched, report),
            )
        context.update(form=form, adminform=admin_form(form, ["report"]))
        return self._render_report_page(request, context)

    def _render_report_page(self, request, context):
        return TemplateResponse(
            request, "registrations/admin/attendance_report.html", context
        )

    def _record(self, request, event: Event, decisions: dict) -> bool:
        try:
            marked = services.record_report_attendance(
                event_id=event.pk,
                attended=dict(decisions["attended"]),
                too_short=dict(decisions["too_short"]),
                by=request.user,
            )
        except services.RegistrationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return False
        self.message_user(
            request,
            ngettext(
                "Marked %(count)d attended from the %(platform)s report.",
                "Marked %(count)d attended from the %(platform)s report.",
                marked,
            )
            % {"count": marked, "platform": decisions["platform"]},
            messages.SUCCESS,
        )
        return True
