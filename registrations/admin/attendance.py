"""Marking attendance from the webinar platform's attendee report, from one
event's roster: upload Zoom's or Teams' CSV, see who it would mark, confirm.
The preview's decisions travel to the confirmation signed, so confirming
needs no second upload and marks exactly what staff saw."""

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
from ..models import Registration
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


class AttendanceReportPages:
    """The "upload attendee report" page of one event (its URL is in the
    roster's ``get_urls``)."""

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
