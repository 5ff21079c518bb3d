"""The "Email registrants" page of an event: staff write one message to its
confirmed, waiting or attending registrants, see it as the first of them
will get it, then send it through the outbox. Only registration managers.

"Send" is offered only under a preview, and accepted only with the
preview's signature of exactly what is sent (audience, subject, body): a
message changed after its preview is previewed again, never sent unseen.
"""

import hashlib
import uuid

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.models import Event

from .. import selectors, services
from ..emails import write_email
from ..models import Message, OutboundEmail
from ..models.message import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from ..services.messages import NOBODY, clean_body
from .registrants import admin_form, event_when

# Only this page's previews: a value signed elsewhere in the project for
# another purpose can't be replayed here.
PREVIEW_SALT = "registrations.admin.messages.preview"
# A preview left open over lunch still sends; one from last week does not.
PREVIEW_MAX_AGE = 12 * 60 * 60
# Who may write to registrants: registration managers.
SEND_PERMISSION = "registrations.change_registration"
# How many earlier messages the page lists.
EARLIER_SHOWN = 20


def previewed_fields(event: Event, audience: str, subject: str, body: str) -> dict:
    """What a preview showed; the body by its hash, to keep the value short."""
    digest = hashlib.sha256(body.encode()).hexdigest()
    return {"event": event.pk, "audience": audience, "subject": subject, "body": digest}


def preview_signature(event: Event, audience: str, subject: str, body: str) -> str:
    """What a preview showed and an id of its own, signed: "Send" sends
    exactly this, and only once (``services.send_message``)."""
    fields = previewed_fields(event, audience, subject, body)
    return signing.dumps({**fields, "preview": uuid.uuid4().hex}, salt=PREVIEW_SALT)


class MessageForm(forms.Form):
    audience = forms.ChoiceField(label=_("Send to"), widget=forms.RadioSelect)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )
    body = forms.CharField(
        label=_("Message"),
        # The length is checked once the browser's CRLF line ends are
        # plain ones (``clean_body``), as it is sent.
        widget=forms.Textarea(
            attrs={"rows": 12, "cols": 70, "class": "vLargeTextField"}
        ),
        strip=False,
        help_text=_(
            "Plain text, up to 5,000 characters; a blank line starts a new "
            "paragraph, and web addresses become links. The email adds the "
            "greeting, the event's details and the accessibility contact."
        ),
    )
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, event: Event, counts: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.counts = counts
        self.fields["audience"].choices = [
            (audience, f"{label} ({counts[audience]})")
            for audience, label in Message.Audience.choices
        ]

    def clean_audience(self) -> str:
        audience = self.cleaned_data["audience"]
        if not self.counts[audience]:
            raise forms.ValidationError(NOBODY[audience])
        return audience

    def clean_subject(self) -> str:
        # One line: a line break has no place in an email's subject.
        return " ".join(self.cleaned_data["subject"].split())

    def clean_body(self) -> str:
        body = clean_body(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        if len(body) > BODY_MAX_LENGTH:
            raise forms.ValidationError(
                _(
                    "The message is %(length)d characters long; it can be "
                    "at most %(max)d."
                )
                % {"length": len(body), "max": BODY_MAX_LENGTH}
            )
        return body

    def _previewed_fields(self) -> dict:
        data = self.cleaned_data
        return previewed_fields(
            self.event, data["audience"], data["subject"], data["body"]
        )

    def signature(self) -> str:
        data = self.cleaned_data
        return preview_signature(
            self.event, data["audience"], data["subject"], data["body"]
        )

    def previewed_id(self) -> str:
        """The id of the signed preview if the fields are exactly what it
        showed, else "" (changed, expired, or never previewed)."""
        try:
            previewed = signing.loads(
                self.cleaned_data["previewed"],
                salt=PREVIEW_SALT,
                max_age=PREVIEW_MAX_AGE,
            )
        except signing.BadSignature:
            return ""
        preview_id = previewed.pop("preview", "")
        return preview_id if previewed == self._previewed_fields() else ""


def render_preview(event: Event, data: dict):
    """The email as its first recipient would get it, written by the same
    code that writes it when it is sent; nothing is saved."""
    first = selectors.message_recipients(event, data["audience"]).first()
    if first is None:
        return None
    first.event = event
    message = Message(
        event=event,
        audience=data["audience"],
        subject=data["subject"],
        body=data["body"],
    )
    email = OutboundEmail(
        registration=first,
        kind=OutboundEmail.Kind.MESSAGE,
        recipient=first.email,
        subject=message.subject,
        message=message,
    )
    return {"recipient": first, "message": message, "written": write_email(email)}


def history_message(message: Message) -> str:
    """The sending, as the event's history ("History" on its page) says it."""
    return ngettext(
        "Emailed “%(subject)s” to %(count)d person (%(audience)s).",
        "Emailed “%(subject)s” to %(count)d people (%(audience)s).",
        message.recipient_count,
    ) % {
        "subject": message.subject,
        "count": message.recipient_count,
        "audience": message.get_audience_display(),
    }


class MessagePages:
    """Mixed into the event admin: the "Email registrants" page, at
    ``<event id>/email-registrants/`` beside the event's change page."""

    def get_urls(self):
        return [
            path(
                "<int:object_id>/email-registrants/",
                self.admin_site.admin_view(self.email_registrants),
                name="events_event_email_registrants",
            ),
            *super().get_urls(),
        ]

    def email_registrants(self, request, object_id: int):
        """The form; "Preview" shows the email below it with a "Send to N
        people" button; sending goes back to the event's page."""
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=object_id)
        counts = selectors.count_audiences(event)
        data = request.POST if request.method == "POST" else None
        form = MessageForm(data, event=event, counts=counts)
        preview = None
        if form.is_valid():
            sending = "send" in request.POST
            preview_id = form.previewed_id() if sending else ""
            if preview_id:
                if self._send(request, event, form, preview_id):
                    return HttpResponseRedirect(
                        reverse("admin:events_event_change", args=[event.pk])
                    )
            elif sending:
                self.message_user(
                    request,
                    _(
                        "The message changed since its preview, or the "
                        "preview is too old: check it below, then send."
                    ),
                    messages.WARNING,
                )
            if not form.non_field_errors():
                preview = render_preview(event, form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Email registrants"),
            "subtitle": f"{event.title} · {event_when(event)}",
            "event": event,
            "event_url": reverse("admin:events_event_change", args=[event.pk]),
            "form": form,
            "adminform": admin_form(form, ["audience", "subject", "body"]),
            "preview": preview,
            "earlier": event.messages.select_related("sent_by")[:EARLIER_SHOWN],
        }
        if preview is not None:
            # What "Send" sends: exactly the preview shown, to this many.
            context["signature"] = form.signature()
            context["send_count"] = counts[form.cleaned_data["audience"]]
        return TemplateResponse(
            request, "registrations/admin/email_registrants.html", context
        )

    def _send(self, request, event: Event, form: MessageForm, preview_id: str) -> bool:
        data = form.cleaned_data
        try:
            message = services.send_message(
                event_id=event.pk,
                audience=data["audience"],
                subject=data["subject"],
                body=data["body"],
                by=request.user,
                preview_id=preview_id,
            )
        except services.RegistrationError as error:
            form.add_error(None, error.message)
            return False
        self.log_change(request, event, history_message(message))
        self.message_user(
            request,
            ngettext(
                "Your message “%(subject)s” is on its way to %(count)d person.",
                "Your message “%(subject)s” is on its way to %(count)d people.",
                message.recipient_count,
            )
            % {"subject": message.subject, "count": message.recipient_count},
            messages.SUCCESS,
        )
        return True
