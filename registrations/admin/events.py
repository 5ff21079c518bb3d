"""The catalog's event admin, with seats (registered in place of
``events.admin``'s)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from events.admin import EventAdmin, EventAdminForm
from events.models import Event

from .. import services
from ..models import Question, Registration
from ..selectors import Seats, with_seat_counts
from ..services.notices import reachable
from .evaluation import EvaluationQuestionInline
from .messages import MessagePages


class EventWithSeatsAdminForm(EventAdminForm):
    def clean_capacity(self):
        # Said here so the message sits on the field; the service checks
        # again under the event lock when the form is saved.
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and self.instance.pk:
            confirmed = Registration.objects.filter(
                event=self.instance, status=Registration.Status.CONFIRMED
            ).count()
            if capacity < confirmed:
                raise forms.ValidationError(
                    services.CAPACITY_BELOW_CONFIRMED,
                    params={"confirmed": confirmed},
                    code="capacity_below_confirmed",
                )
        return capacity


class QuestionInline(admin.TabularInline):
    """The event's own questions on its registration form, in their order.
    A choice question without choices is refused on its row
    (``Question.clean``)."""

    model = Question
    fields = ["label", "kind", "choices", "help_text", "required", "order"]
    # Shown with the registration settings they belong to, not with the
    # catalog's inlines (registrations/admin/event_change_form.html).
    after_fieldset = 3  # "Registration settings"
    ordering = ["order", "pk"]
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 30})}
    }


admin.site.unregister(Event)


@admin.register(Event)
class EventWithSeatsAdmin(MessagePages, EventAdmin):
    """The catalog's event admin, with seats: their columns, the roster, and
    a saved change applied by ``services.save_event_edit`` (cancellation,
    capacity, emails to registrants); and the "Email registrants" page."""

    form = EventWithSeatsAdminForm
    inlines = [*EventAdmin.inlines, QuestionInline, EvaluationQuestionInline]
    # The catalog's form, with the questions after "Registration settings".
    change_form_template = "registrations/admin/event_change_form.html"
    list_display = [*EventAdmin.list_display, "seats_taken", "waitlisted", "roster"]
    actions = [*EventAdmin.actions, "cancel_events", "email_recordings"]

    def get_queryset(self, request):
        return with_seat_counts(super().get_queryset(request))

    @admin.display(description=_("seats taken / capacity"), ordering="confirmed_count")
    def seats_taken(self, event):
        seats = Seats.of(event)
        capacity = "—" if seats.capacity is None else seats.capacity
        return f"{seats.confirmed} / {capacity}"

    @admin.display(description=_("waitlisted"), ordering="waitlisted_count")
    def waitlisted(self, event):
        return Seats.of(event).waitlisted

    @admin.display(description=_("registrations"))
    def roster(self, event):
        url = reverse("admin:registrations_registration_changelist")
        return format_html(
            '<a href="{}?event__id__exact={}">{}</a>', url, event.pk, _("Roster")
        )

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        edit = services.save_event_edit(event=obj)
        if edit.capacity_refused:
            self.message_user(request, edit.capacity_refused.message, messages.ERROR)
        elif edit.promoted:
            self._say(
                request,
                ngettext_lazy(
                    "%(count)d person was promoted from the waiting list.",
                    "%(count)d people were promoted from the waiting list.",
                    "count",
                ),
                len(edit.promoted),
            )
        if edit.cancelled:
            self._report_cancelled(request, obj, edit.cancellation_emails)
        if edit.move_emails:
            self._say(
                request,
                ngettext_lazy(
                    "%(count)d registrant was emailed the new details.",
                    "%(count)d registrants were emailed the new details.",
                    "count",
                ),
                edit.move_emails,
            )
        if edit.recording_refused:
            self._report_refused(request, obj, edit.recording_refused)
        elif edit.recording_emails is not None:
            self._report_recording(request, obj, edit.recording_emails)
        elif edit.recording_waits:
            self.message_user(
                request,
                _(
                    "The recording will be emailed to registrants when you "
                    "use “Email the recording” after the event."
                ),
                messages.INFO,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new event starts with the default evaluation unless staff wrote
        # their own with it; after the inlines, so theirs is seen.
        event = form.instance
        if not change and not event.evaluation_questions.exists():
            services.add_default_evaluation(event=event)
            self.message_user(
                request,
                _(
                    "The event was given the default evaluation; edit its "
                    "questions on the event's page."
                ),
                messages.INFO,
            )

    def _say(self, request, message, count, **params):
        """A success message with its count (and ``params``) filled in."""
        text = message % {"count": count, **params}
        self.message_user(request, text, messages.SUCCESS)

    def _report_refused(self, request, event, error):
        self.message_user(request, f"{event}: {error.message}", messages.WARNING)

    def _report_cancelled(self, request, event, emailed):
        message = ngettext_lazy(
            "%(event)s is cancelled; %(count)d registrant was emailed.",
            "%(event)s is cancelled; %(count)d registrants were emailed.",
            "count",
        )
        self._say(request, message, emailed, event=event)

    def _report_recording(self, request, event, emailed):
        message = ngettext_lazy(
            "%(event)s: the recording was emailed to %(count)d registrant.",
            "%(event)s: the recording was emailed to %(count)d registrants.",
            "count",
        )
        self._say(request, message, emailed, event=event)

    def duplicate(self, *, event_id: int) -> Event:
        """The catalog's duplicate, with the event's registration questions."""
        return services.duplicate_event_with_questions(event_id=event_id)

    @admin.action(
        description=_("Cancel selected events and email their registrants"),
        permissions=["change"],
    )
    def cancel_events(self, request, queryset):
        """First a page that says who will be emailed, as the admin's delete
        confirmation does; its "Yes" cancels and sends."""
        if request.POST.get("post") != "yes":
            return self._confirm_cancel_events(request, queryset)
        for event in queryset:
            try:
                emailed = services.cancel_event(event_id=event.pk)
            except services.RegistrationError as error:
                self._report_refused(request, event, error)
            else:
                self._report_cancelled(request, event, emailed)

    def _confirm_cancel_events(self, request, queryset):
        events = list(queryset.order_by("start", "pk"))
        # The same people services.cancel_event writes to.
        rows = [
            (event, 0 if event.is_cancelled else reachable(event).count())
            for event in events
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Cancel events and email their registrants?"),
            "rows": rows,
            "to_cancel": [e for e in events if not e.is_cancelled],
            "already_cancelled": [e for e in events if e.is_cancelled],
            "emailed": sum(count for _event, count in rows),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(
            request, "registrations/admin/cancel_events_confirmation.html", context
        )

    @admin.action(
        description=_("Email the recording to registrants (once each)"),
        permissions=["change"],
    )
    def email_recordings(self, request, queryset):
        for event in queryset:
            try:
                emailed = services.send_recording(event_id=event.pk)
            except services.RegistrationError as error:
                self._report_refused(request, event, error)
            else:
                self._report_recording(request, event, emailed)
