"""CE certificates of attendance (PRODUCT.md §11).

A certificate keeps its own copy of what it certifies (name, address,
hours), because it outlives the registration's personal data: it is kept
``CERTIFICATE_RETENTION_DAYS`` after the event, so an employer can verify
it and the attendee can download it again.
"""

import re
import secrets
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .registration import Registration

# What a code may look like (``new_certificate_code`` makes 27 URL-safe
# characters): anything else arriving in a URL, longer or with other
# characters (a NUL byte, which PostgreSQL refuses), is no code of ours.
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_certificate_code(value: str) -> bool:
    return CODE_PATTERN.fullmatch(value) is not None


def new_certificate_code() -> str:
    """160 random bits, URL-safe: the code printed on the certificate and
    in its QR code. Guessing one is hopeless, so the public page that
    confirms it needs no other protection."""
    return secrets.token_urlsafe(20)


def format_hours(hours: Decimal) -> str:
    """CE hours as certificates write them: one decimal at least, two when
    they say more ("1.0", "1.5", "0.75"). Always a decimal, so "1.0 CE
    hours" reads right and every certificate looks the same."""
    text = f"{hours:.2f}"
    return text[:-1] if text.endswith("0") else text


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    code = models.CharField(
        _("verification code"),
        max_length=40,
        unique=True,
        default=new_certificate_code,
        editable=False,
    )
    registration = models.OneToOneField(
        Registration,
        verbose_name=_("registration"),
        related_name="certificate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        related_name="certificates",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("attendee's name"), max_length=200)
    email_normalized = models.EmailField(
        _("attendee's email"),
        max_length=254,
        db_index=True,
        help_text=_("Trimmed and lower-cased: whose “My registrations” lists it."),
    )
    hours = models.DecimalField(_("CE hours"), max_digits=4, decimal_places=2)
    issued_at = models.DateTimeField(_("issued"))
    revised_at = models.DateTimeField(
        _("re-issued"),
        null=True,
        blank=True,
        help_text=_("When it was last made again, with the same code."),
    )
    revoked_at = models.DateTimeField(
        _("withdrawn"),
        null=True,
        blank=True,
        help_text=_("A withdrawn certificate is no longer confirmed by its page."),
    )
    withdrawn_by_staff = models.BooleanField(
        _("withdrawn by staff"),
        default=False,
        help_text=_(
            "Withdrawn by hand: no change of attendance brings it back. "
            "Otherwise it was withdrawn because attendance was unticked."
        ),
    )
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    pdf_made_at = models.DateTimeField(
        _("PDF made"),
        null=True,
        blank=True,
        help_text=_("Empty while the task worker is making it."),
    )
    email_on_completion = models.BooleanField(
        _("email when made"),
        default=True,
        help_text=_("Email the PDF to the attendee once it is made."),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0), name="certificate_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.event.title}"

    def get_absolute_url(self):
        return reverse("registrations:certificate", kwargs={"code": self.code})

    @property
    def hours_text(self) -> str:
        """ "1.0", "1.5", "0.75": as every page and PDF writes them."""
        return format_hours(self.hours)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_ready(self) -> bool:
        return self.pdf_made_at is not None and not self.is_revoked
