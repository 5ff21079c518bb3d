"""The registration box on an event page: the form, or why there is none."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from registrations.forms import REGISTRATION_BOX, RegistrationForm
from registrations.models import Question
from registrations.selectors import WAITLIST, current_registration_state

register = template.Library()

SUBMIT_LABELS = {WAITLIST: _("Join the waiting list")}


def submit_label(state):
    return SUBMIT_LABELS.get(state.code, _("Register"))


def registration_form(event, state, data=None) -> RegistrationForm:
    """The form for ``event``, with its questions (one query)."""
    return RegistrationForm(
        data,
        event=event,
        questions=Question.objects.filter(event=event),
        submit_label=submit_label(state),
    )


def who_may_register(event: Event, now) -> str:
    """Which sentence of ``_who_may_register.html`` the box says now: none
    for an event open to everyone (a members-first one, once it is)."""
    if not event.is_for_members_only(now):
        return ""
    members_first = event.who_may_register == Event.WhoMayRegister.MEMBERS_FIRST
    if members_first and event.open_to_everyone_at is not None:
        return "members_first"
    return "members"


@register.inclusion_tag("registrations/_registration_box.html", takes_context=True)
def registration_box(context, event):
    """The form while registration takes people; otherwise one line saying
    why not. After a failed POST the view leaves the bound form (with its
    errors and what was typed) on the request; its button is labelled here,
    from the state as it is now, so the POST itself never counts seats."""
    request = context.get("request")
    state = current_registration_state(event)
    form = getattr(request, "registration_form", None)
    if form is None and state.accepts_registrations:
        form = registration_form(event, state)
    elif form is not None and form.event is None:
        form.set_event(event)
        form.submit_label = submit_label(state)
    return {
        "event": event,
        "state": state.code,
        "form": form,
        "show_form": state.accepts_registrations and form is not None,
        "who_may_register": who_may_register(event, timezone.now()),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("registrations/_register_link.html")
def register_link(event):
    """A link to the registration box, shown beside the title below the lg
    breakpoint: on a phone the box comes after the whole description. Only
    while the event takes registrations, in the words of the form's button."""
    state = current_registration_state(event)
    return {
        "show": state.accepts_registrations,
        "label": submit_label(state),
        "box_id": REGISTRATION_BOX,
    }
