"""The outbox: every email we owe someone, one row each."""

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .message import Message
from .registration import Registration

# How far back a failed email still asks for staff's attention: older ones
# were seen, or are past helping.
RECENT_FAILURES = timedelta(days=14)


class OutboundEmailQuerySet(models.QuerySet):
    def failing(self, now: datetime):
        """Failed emails staff can still do something about: recent ones,
        to a registrant whose details are still there (not the purge's "not
        sent"), and not a sign-in link given up on (the person asks for a
        new one). What the overview counts and its link lists."""
        return self.filter(
            status=OutboundEmail.Status.FAILED,
            created_at__gte=now - RECENT_FAILURES,
            registration__purged_at__isnull=True,
        ).exclude(kind=OutboundEmail.Kind.SIGN_IN)


class OutboundEmail(models.Model):
    """One email, queued in the transaction of the change it reports.

    A task sends it after the commit. The row holds what the email is about
    (its kind, registration, the position it reports); its words are written
    when it is sent, from the templates, so a self-service link is never
    stored. Only the emails whose words cannot be written again later (a
    one-time sign-in link) keep their bodies, until they are sent.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Registration confirmed")
        WAITLISTED = "waitlisted", _("Added to the waiting list")
        PROMOTION = "promotion", _("Promoted from the waiting list")
        CANCELLATION = "cancellation", _("Cancellation receipt")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
        REMINDER = "reminder", _("Reminder")
        EVENT_CHANGED = "event_changed", _("Event changed")
        RECORDING = "recording", _("Recording available")
        SIGN_IN = "sign_in", _("Sign-in link for My registrations")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        DECLINED = "declined", _("Registration declined")
        FULL_AT_APPROVAL = "full_at_approval", _("Approved, but the event was full")
        EVALUATION = "evaluation", _("Evaluation request")
        CERTIFICATE = "certificate", _("CE certificate")
        MESSAGE = "message", _("Message from staff")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        related_name="emails",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The words of a MESSAGE email: staff's, written once for all its
    # recipients, and read from here when each one is sent.
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        related_name="emails",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    recipient = models.EmailField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(
        _("plain-text body"),
        blank=True,
        help_text=_("Only for emails written when queued; cleared once sent."),
    )
    body_html = models.TextField(
        _("HTML body"),
        blank=True,
        help_text=_("Only for emails written when queued; cleared once sent."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    position = models.PositiveIntegerField(
        _("waiting-list position"),
        null=True,
        blank=True,
        help_text=_("The place in line the email reports, as it was when queued."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    claimed_at = models.DateTimeField(
        _("sending since"),
        null=True,
        blank=True,
        help_text=_("When a worker took it; a stale claim is retried."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, db_index=True
    )

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed"]),
                name="outbound_email_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}"
