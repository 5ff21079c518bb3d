"""The roster: registrations by event, and the actions staff take on them
(cancel, promote, attendance, resend, revoke links, add a registrant, move
one to another event). Every seat change calls the services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin import format_local
from events.models import Event

from .. import services
from ..forms import HONEYPOT, RegistrationForm
from ..models import Registration
from ..roster import roster_response
from ..selectors import with_waitlist_positions

# The roster's filter to one event, as the event list's "Roster" link sets it.
EVENT_FILTER = "event__id__exact"


def filtered_event_id(request) -> int | None:
    """The event the roster is filtered to, if exactly one."""
    value = request.GET.get(EVENT_FILTER, "")
    return int(value) if value.isdigit() else None


def event_label(event: Event) -> str:
    """The event as a choice reads: title · Tue Oct 21, 2031, 2:00pm."""
    return f"{event.title} · {format_local(event.local_start)}"


def event_when(event: Event) -> str:
    """When, on its own clock: Tue Oct 21, 2031, 2:00pm · Eastern Time..."""
    return f"{format_local(event.local_start)} · {event.time_zone_label}"


class AddRegistrantForm(RegistrationForm):
    """Someone who phoned: the public form's fields and rules, without the
    trap for bots, and staff decide whether the person is emailed."""

    notify = forms.BooleanField(
        label=_("Email them the confirmation with their link"),
        required=False,
        initial=True,
        help_text=_(
            "Untick for someone who asked not to be emailed; a resend from "
            "the roster sends their link later."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields[HONEYPOT]
        self.fields["name"].help_text = _("As they want it on the roster.")
        self.fields["email"].help_text = _(
            "Their confirmation and the link to join are sent here."
        )
        self.fields["accommodation_request"].help_text = _(
            "Optional: anything we should arrange so they can take part."
        )


class MoveForm(forms.Form):
    to_event = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=Event.objects.none(),
        help_text=_(
            "Upcoming events that are not cancelled. The event's own rules "
            "apply: a seat if one is free, else its waiting list."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_event"]
        field.queryset = (
            Event.objects.filter(end__gt=timezone.now())
            .exclude(status=Event.Status.CANCELLED)
            .order_by("start", "pk")
        )
        field.label_from_instance = event_label


def admin_form(form, fields) -> helpers.AdminForm:
    """``form`` laid out as the admin lays out its own forms."""
    return helpers.AdminForm(form, [(None, {"fields": fields})], {})


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    # Status first after the name: at 1280 px it shows without scrolling
    # however long the addresses and titles are.
    list_display = (
        "name",
        "status",
        "position",
        "attended",
        "email",
        "organization",
        "event",
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
        "revoke_links",
        "move_registrations",
        "export_roster",
    )

    def get_list_display(self, request):
        # One event's roster: its title is the page's heading, not a column
        # repeated on every row.
        if filtered_event_id(request) is not None:
            return tuple(name for name in self.list_display if name != "event")
        return self.list_display

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
        # One warning per reason, naming everyone it held back: forty
        # attendees ticked too early make one line, not forty.
        refused: dict[str, list[str]] = {}
        for registration in queryset.select_related("event"):
            try:
                call(registration)
            except services.RegistrationError as error:
                refused.setdefault(error.message, []).append(registration.name)
            else:
                done += 1
        for reason, names in refused.items():
            self.message_user(
                request, f"{', '.join(names)}: {reason}", messages.WARNING
            )
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
        description=_("Resend the registration email (with their link)"),
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
        description=_("Revoke their links (the next email carries a new one)"),
        permissions=["change"],
    )
    def revoke_links(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.revoke_links(registration_id=r.pk),
            lambda n: (
                ngettext(
                    "Revoked the link of %d registration.",
                    "Revoked the links of %d registrations.",
                    n,
                )
                % n
            ),
        )

    @admin.action(
        description=_("Move selected to another event (one email each)"),
        permissions=["change"],
    )
    def move_registrations(self, request, queryset):
        """A page to choose the event, like the admin's delete confirmation;
        its "Move them" runs the moves and comes back to the roster."""
        chosen = list(
            queryset.filter(status__in=Registration.ACTIVE)
            .select_related("event")
            .order_by("pk")
        )
        if not chosen:
            self.message_user(
                request,
                _("Only registrations holding a seat or a place in line can move."),
                messages.WARNING,
            )
            return None
        form = MoveForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_valid():
            target = form.cleaned_data["to_event"]
            for registration in chosen:
                self._move(request, registration, target)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Move registrations to another event"),
            "registrations": chosen,
            "adminform": admin_form(form, ["to_event"]),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(
            request, "registrations/admin/move_registrations.html", context
        )

    def _move(self, request, registration, target):
        try:
            result = services.move_registration(
                registration_id=registration.pk, to_event_id=target.pk
            )
        except services.RegistrationError as error:
            self.message_user(
                request, f"{registration.name}: {error.message}", messages.WARNING
            )
            return
        moved = result.moved
        if moved.status == Registration.Status.CONFIRMED:
            text = _("%(name)s moved to %(event)s, with a seat; emailed.")
        else:
            text = _("%(name)s moved to the waiting list of %(event)s; emailed.")
        self.message_user(
            request, text % {"name": moved.name, "event": target}, messages.SUCCESS
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
            path(
                "roster/<int:event_id>/add/",
                self.admin_site.admin_view(self.add_registrant),
                name="registrations_registration_add_registrant",
            ),
            *super().get_urls(),
        ]

    def add_registrant(self, request, event_id: int):
        """Staff register someone by hand (who phoned, say), through the
        same service and rules as the public form."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        roster_url = (
            f"{reverse('admin:registrations_registration_changelist')}"
            f"?{EVENT_FILTER}={event.pk}"
        )
        form = AddRegistrantForm(request.POST or None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.register_for_event(
                    event_id=event.pk,
                    name=data["name"],
                    email=data["email"],
                    organization=data["organization"],
                    accommodation_request=data["accommodation_request"],
                    notify=data["notify"],
                )
            except services.RegistrationError as error:
                form.add_error(None, error.message)
            else:
                self._report_added(request, result, event)
                return HttpResponseRedirect(roster_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Add a registrant"),
            "subtitle": f"{event.title} · {event_when(event)}",
            "event": event,
            "roster_url": roster_url,
            "adminform": admin_form(form, list(form.fields)),
            "form": form,
        }
        return TemplateResponse(
            request, "registrations/admin/add_registrant.html", context
        )

    def _report_added(self, request, result, event):
        registration = result.registration
        params = {"name": registration.name, "event": event}
        if not result.created:
            params["status"] = registration.get_status_display()
            if result.email_queued:
                text = _(
                    "%(name)s was already registered for %(event)s "
                    "(%(status)s); their email was sent again."
                )
            else:
                text = _(
                    "%(name)s was already registered for %(event)s "
                    "(%(status)s); nothing changed."
                )
            self.message_user(request, text % params, messages.WARNING)
            return
        if registration.status == Registration.Status.CONFIRMED:
            text = _("%(name)s has a seat at %(event)s.") % params
        else:
            text = _(
                "%(event)s is full: %(name)s is on its waiting list, number "
                "%(position)s."
            ) % {**params, "position": registration.waitlist_position}
        emailed = (
            _("They were emailed their confirmation and link.")
            if result.email_queued
            else _("Nobody was emailed.")
        )
        self.message_user(request, f"{text} {emailed}", messages.SUCCESS)

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
        # One event filtered: its roster, headed by the event, offered whole
        # as CSV, and a way to add someone to it.
        extra_context = extra_context or {}
        event_id = filtered_event_id(request)
        event = Event.objects.filter(pk=event_id).first() if event_id else None
        if event is not None:
            extra_context["title"] = _("Roster: %(event)s") % {"event": event.title}
            extra_context["subtitle"] = event_when(event)
            extra_context["roster_url"] = reverse(
                "admin:registrations_registration_roster", args=[event.pk]
            )
            if self.has_change_permission(request):
                extra_context["add_registrant_url"] = reverse(
                    "admin:registrations_registration_add_registrant",
                    args=[event.pk],
                )
        return super().changelist_view(request, extra_context)
