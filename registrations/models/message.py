"""Staff's own emails to an event's registrants (PRODUCT.md §12): one
message, written once, sent through the outbox to a group of them."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from events.models import Event

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 5000


class Message(models.Model):
    """One email staff wrote to an event's confirmed, waiting or attending
    registrants. Each recipient's email is an outbox row pointing here; its
    words are written from this row when it is sent.

    The subject and body are staff's words about the event, not anyone's
    personal data, so the purge leaves them (the outbox rows are purged as
    every other email is)."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed registrants")
        WAITLISTED = "waitlisted", _("People on the waiting list")
        ATTENDED = "attended", _("People who attended")

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        related_name="messages",
        on_delete=models.CASCADE,
    )
    audience = models.CharField(_("sent to"), max_length=20, choices=Audience.choices)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(
        _("message"),
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
        help_text=_("Plain text; a blank line starts a new paragraph."),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    preview_id = models.CharField(
        _("preview"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The preview it was sent from: each is sent at most once."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to registrants")
        verbose_name_plural = _("messages to registrants")
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=["confirmed", "waitlisted", "attended"]),
                name="message_audience_known",
            ),
            # The form and the service check too; save() and update() skip
            # validators, the database does not.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX_LENGTH),
                name="message_body_not_too_long",
            ),
        ]

    def __str__(self):
        return self.subject
