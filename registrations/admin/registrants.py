"""Staff's own pages for registrants, beyond the roster's list: adding
someone by hand (who phoned, say) and moving people to another event. Each
is a form on an admin page that calls one service; mixed into the roster's
admin, whose ``message_user`` reports the outcome."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.admin import format_local
from events.models import Event

from .. import services
from ..forms import HONEYPOT, RegistrationForm
from ..models import Registration

# The roster's filter to one event, as the event list's "Roster" link sets it.
EVENT_FILTER = "event__id__exact"


def roster_url(event: Event) -> str:
    """The roster of ``event`` alone."""
    changelist = reverse("admin:registrations_registration_changelist")
    return f"{changelist}?{EVENT_FILTER}={event.pk}"


def event_label(event: Event) -> str:
    """The event as a choice reads: title · Tue Oct 21, 2031, 2:00pm."""
    return f"{event.title} · {format_local(event.local_start)}"


def event_when(event: Event) -> str:
    """When, on its own clock: Tue Oct 21, 2031, 2:00pm · Eastern Time..."""
    return f"{format_local(event.local_start)} · {event.time_zone_label}"


def admin_form(form, fields) -> helpers.AdminForm:
    """``form`` laid out as the admin lays out its own forms."""
    return helpers.AdminForm(form, [(None, {"fields": fields})], {})


class AddRegistrantForm(RegistrationForm):
    """Someone who phoned: the public form's fields, rules and the event's
    own questions, without the trap for bots, and staff decide whether the
    person is emailed."""

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
        # Last, after the event's questions: it is about the email, not
        # about the person.
        self.fields["notify"] = self.fields.pop("notify")
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


class RegistrantPages:
    """The move action and the "add a registrant" view (its URL is in the
    roster's ``get_urls``)."""

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

    def add_registrant(self, request, event_id: int):
        """Staff register someone by hand (who phoned, say), through the
        same service and rules as the public form, the event's questions
        included."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        # A walk-in from an attendee report arrives with their name and
        # email filled in (?name=…&email=…).
        initial = {
            key: request.GET[key] for key in ("name", "email") if key in request.GET
        }
        form = AddRegistrantForm(
            request.POST or None,
            initial=initial,
            event=event,
            questions=event.questions.all(),
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.register_for_event(
                    event_id=event.pk,
                    name=data["name"],
                    email=data["email"],
                    organization=data["organization"],
                    accommodation_request=data["accommodation_request"],
                    answers=form.answers(),
                    notify=data["notify"],
                )
            except services.RegistrationError as error:
                form.add_error(None, error.message)
            else:
                self._report_added(request, result, event)
                return HttpResponseRedirect(roster_url(event))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Add a registrant"),
            "subtitle": f"{event.title} · {event_when(event)}",
            "event": event,
            "for_members": event.is_for_members_only(timezone.now()),
            "roster_url": roster_url(event),
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
        status = registration.status
        if status == Registration.Status.CONFIRMED:
            text = _("%(name)s has a seat at %(event)s.") % params
        elif status == Registration.Status.AWAITING_APPROVAL:
            text = (
                _(
                    "%(name)s is awaiting approval for %(event)s: their address is "
                    "not on a member library's domain, so no seat is held until "
                    "they are approved on this roster."
                )
                % params
            )
        else:
            text = _(
                "%(event)s is full: %(name)s is on its waiting list, number "
                "%(position)s."
            ) % {**params, "position": registration.waitlist_position}
        if not result.email_queued:
            emailed = _("Nobody was emailed.")
        elif status == Registration.Status.AWAITING_APPROVAL:
            emailed = _("They were emailed that their membership is being checked.")
        else:
            emailed = _("They were emailed their confirmation and link.")
        self.message_user(request, f"{text} {emailed}", messages.SUCCESS)
