"""Rosters for staff, and the event admin with its seats. Every action that
changes a seat calls the services; the admin itself never writes a
registration's status."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from events.admin import EventAdmin, EventAdminForm
from events.models import Event

from . import services
from .emails import requeue_email
from .models import OutboundEmail, Registration
from .roster import roster_response
from .selectors import Seats, with_seat_counts, with_waitlist_positions


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "email",
        "organization",
        "event",
        "status",
        "position",
        "attended",
        "created_at",
    )
    list_filter = (
        "status",
        "attended",
        ("purged_at", admin.EmptyFieldListFilter),
        ("event", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "email", "organization")
    list_select_related = ("event",)
    change_list_template = "registrations/admin/change_list.html"
    date_hierarchy = "created_at"
    # Typo fixes only; everything about the seat goes through the actions.
    editable_fields = ("name", "organization", "accommodation_request")
    fields = (
        "event",
        "name",
        "email",
        "organization",
        "accommodation_request",
        "status",
        "position",
        "attended",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "last_emailed_at",
        "reminder_sent_at",
        "purged_at",
    )
    readonly_fields = (
        "event",
        "email",
        "status",
        "position",
        "attended",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "last_emailed_at",
        "reminder_sent_at",
        "purged_at",
    )
    actions = (
        "cancel_registrations",
        "promote_registrations",
        "mark_attended",
        "mark_not_attended",
        "resend_emails",
        "export_roster",
    )

    def get_queryset(self, request):
        return with_waitlist_positions(super().get_queryset(request))

    @admin.display(description=_("waitlist position"))
    def position(self, registration):
        return registration.position

    def has_add_permission(self, request):
        # Registrations come from the form, through the service.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would free a seat without promoting anyone: cancel instead.
        return False

    def save_model(self, request, obj, form, change):
        # Only the edited fields: a full save could write back a status that a
        # cancellation changed while this form was open.
        obj.save(update_fields=[f for f in self.editable_fields if f in form.fields])

    def _each(self, request, queryset, call, done_message):
        done = 0
        for registration in queryset.select_related("event"):
            try:
                call(registration)
            except services.RegistrationError as error:
                self.message_user(
                    request, f"{registration.name}: {error.message}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(
        description=_("Cancel selected registrations (and promote the waitlist)"),
        permissions=["change"],
    )
    def cancel_registrations(self, request, queryset):
        self._each(
            request,
            queryset.filter(status__in=Registration.ACTIVE),
            lambda r: services.cancel_registration(registration_id=r.pk, by_staff=True),
            lambda n: (
                ngettext("Cancelled %d registration.", "Cancelled %d registrations.", n)
                % n
            ),
        )

    @admin.action(
        description=_("Promote selected from the waiting list"),
        permissions=["change"],
    )
    def promote_registrations(self, request, queryset):
        self._each(
            request,
            queryset.order_by("pk"),
            lambda r: services.promote_waitlist(
                event_id=r.event_id, registration_id=r.pk
            ),
            lambda n: ngettext("Promoted %d person.", "Promoted %d people.", n) % n,
        )

    @admin.action(description=_("Mark selected as attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.mark_attended(registration_id=r.pk),
            lambda n: ngettext("Marked %d attended.", "Marked %d attended.", n) % n,
        )

    @admin.action(
        description=_("Mark selected as not attended"), permissions=["change"]
    )
    def mark_not_attended(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.mark_attended(registration_id=r.pk, attended=False),
            lambda n: (
                ngettext("Marked %d not attended.", "Marked %d not attended.", n) % n
            ),
        )

    @admin.action(
        description=_("Resend the registration email (with a new link)"),
        permissions=["change"],
    )
    def resend_emails(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.resend_registration_email(registration_id=r.pk),
            lambda n: ngettext("Queued %d email.", "Queued %d emails.", n) % n,
        )

    @admin.action(
        description=_("Export selected as a CSV roster"), permissions=["view"]
    )
    def export_roster(self, request, queryset):
        return roster_response(
            Registration.objects.filter(pk__in=queryset.values("pk")),
            "registrations.csv",
        )

    def get_urls(self):
        return [
            path(
                "roster/<int:event_id>.csv",
                self.admin_site.admin_view(self.event_roster),
                name="registrations_registration_roster",
            ),
            *super().get_urls(),
        ]

    def event_roster(self, request, event_id: int):
        """Every registration of one event (cancelled ones too), as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        return roster_response(
            Registration.objects.filter(event=event),
            f"roster-{slugify(event.slug)[:80]}.csv",
        )

    def changelist_view(self, request, extra_context=None):
        # One event filtered: offer its whole roster as CSV.
        extra_context = extra_context or {}
        event_id = request.GET.get("event__id__exact")
        if event_id and event_id.isdigit():
            extra_context["roster_url"] = reverse(
                "admin:registrations_registration_roster", args=[int(event_id)]
            )
        return super().changelist_view(request, extra_context)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "recipient",
        "kind",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "error",
    )
    list_filter = ("status", "kind")
    search_fields = ("recipient", "subject")
    # The bodies are left out: until sent they may hold a member's secret link.
    fields = (
        "registration",
        "kind",
        "recipient",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
        "next_attempt_at",
    )
    readonly_fields = fields
    actions = ("resend",)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("last error"))
    def error(self, email):
        return (
            (email.last_error[:80] + "…")
            if len(email.last_error) > 80
            else email.last_error
        )

    @admin.action(
        description=_("Resend selected failed emails"), permissions=["change"]
    )
    def resend(self, request, queryset):
        sendable = queryset.filter(
            status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.PENDING]
        )
        count = sum(
            requeue_email(email_id=pk) for pk in sendable.values_list("pk", flat=True)
        )
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext("Queued %d email again.", "Queued %d emails again.", count)
            % count,
            messages.SUCCESS if count else messages.WARNING,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d was already sent or being sent; left alone.",
                    "%d were already sent or being sent; left alone.",
                    skipped,
                )
                % skipped,
                messages.INFO,
            )


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


admin.site.unregister(Event)


@admin.register(Event)
class EventWithSeatsAdmin(EventAdmin):
    """The catalog's event admin, with seats: their columns, the roster, and
    a saved change applied by ``services.save_event_edit`` (cancellation,
    capacity, emails to registrants)."""

    form = EventWithSeatsAdminForm
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

    @admin.action(
        description=_("Cancel selected events and email their registrants"),
        permissions=["change"],
    )
    def cancel_events(self, request, queryset):
        for event in queryset:
            try:
                emailed = services.cancel_event(event_id=event.pk)
            except services.RegistrationError as error:
                self._report_refused(request, event, error)
            else:
                self._report_cancelled(request, event, emailed)

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
