"""Who holds a seat, or a place in line, for an event.

Only ``registrations.services`` changes a registration's status.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Event


def normalize_email(email: str) -> str:
    """Addresses compare trimmed and case-insensitively."""
    return email.strip().lower()


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        related_name="registrations",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    email_normalized = models.EmailField(
        _("email (normalized)"), max_length=254, editable=False
    )
    organization = models.CharField(
        _("library or organization"), max_length=200, blank=True
    )
    accommodation_request = models.TextField(
        _("accessibility or accommodation request"), blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True, db_index=True)
    promoted_at = models.DateTimeField(
        _("promoted from the waiting list"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The self-service link's token is a secret: only its SHA-256 is kept.
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, editable=False
    )
    last_emailed_at = models.DateTimeField(_("last emailed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_normalized"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="one_active_registration_per_email",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waitlisted", "cancelled"]),
                name="registration_status_known",
            ),
        ]
        indexes = [
            models.Index(
                fields=["event", "status", "created_at"],
                name="registration_event_status",
            )
        ]

    def __str__(self):
        return f"{self.name} <{self.email}> for {self.event}"

    def save(self, *args, **kwargs):
        self.email_normalized = normalize_email(self.email)
        super().save(*args, **kwargs)
