"""Who holds a seat, or a place in line, for an event, and the sign-in links
of "My registrations".

Only ``registrations.services`` changes a registration's status.
"""

import base64
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from events.models import Event
from members.models import MemberLibrary

from ..validators import one_line_text


def normalize_email(email: str) -> str:
    """Addresses compare trimmed and case-insensitively."""
    return email.strip().lower()


def hash_token(token: str) -> str:
    """The SHA-256 of a self-service token: the only form in which it is kept."""
    return hashlib.sha256(token.encode()).hexdigest()


LINK_SALT = "almanac.registrations.link"
ATTENDEE_SALT = "almanac.registrations.attendee"


def attendee_key(email_normalized: str) -> str:
    """A one-way fingerprint of an address under the SECRET_KEY: the same
    person's registrations share it, and it outlives the address (purged
    some days after the event), so the annual report can count how many
    different people the consortium trained. It cannot be turned back
    into the address."""
    # Its own secret if the site sets one: the SECRET_KEY may be rotated,
    # and a fingerprint that changed with it would count one person twice.
    secret = settings.ATTENDEE_KEY_SECRET or None
    return salted_hmac(
        ATTENDEE_SALT, email_normalized, secret=secret, algorithm="sha256"
    ).hexdigest()


def link_token(link_secret: str) -> str:
    """The token of a registration's self-service link (256 bits, URL-safe):
    an HMAC of its ``link_secret`` under the SECRET_KEY, never stored."""
    digest = salted_hmac(LINK_SALT, link_secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Registration(models.Model):
    class AttendanceSource(models.TextChoices):
        STAFF = "staff", _("Ticked by staff")
        REPORT = "report", _("From the platform's attendee report")
        CODE = "code", _("Attendance code entered by the registrant")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        DECLINED = "declined", _("Declined")
        # Approved as a member when no seat and no place in line was left.
        TURNED_AWAY = "turned_away", _("Turned away: the event was full")
        CANCELLED = "cancelled", _("Cancelled")

    # Holding a seat or a place in line.
    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)
    # Still someone's registration: active, or waiting for staff to decide.
    # An address has at most one of these per event.
    OPEN = (*ACTIVE, Status.AWAITING_APPROVAL)
    # Decided by staff without a seat: never held one, nothing to resend.
    NOT_ADMITTED = (Status.DECLINED, Status.TURNED_AWAY)

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        related_name="registrations",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("name"), max_length=200, validators=[one_line_text])
    email = models.EmailField(_("email"), max_length=254)
    email_normalized = models.EmailField(
        _("email (normalized)"),
        max_length=254,
        editable=False,
        help_text=_("Trimmed and lower-cased, to find a repeat registration."),
    )
    organization = models.CharField(
        _("library or organization"),
        max_length=200,
        blank=True,
        validators=[one_line_text],
        help_text=_("As the registrant typed it."),
    )
    library = models.ForeignKey(
        MemberLibrary,
        verbose_name=_("member library"),
        related_name="registrations",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_(
            "The member library of the registrant's email domain, or the one "
            "they named."
        ),
    )
    accommodation_request = models.TextField(
        _("accessibility or accommodation request"), blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        help_text=_(
            "Confirmed registrations hold a seat; waitlisted ones and those "
            "awaiting approval do not."
        ),
    )
    # Where the person stands in the event's line: one more than any open
    # registration of the event, given under the event lock when they
    # registered, and again when staff approved them (they join the line
    # then, as if they had just arrived). The waiting list is in this order
    # (LINE_ORDER); rows written without a service keep 0 and fall back to
    # their ids, which are given in arrival order too.
    line_number = models.PositiveBigIntegerField(
        _("place in line"), default=0, editable=False
    )
    attended = models.BooleanField(_("attended"), default=False)
    attendance_source = models.CharField(
        _("attendance recorded from"),
        max_length=10,
        choices=AttendanceSource.choices,
        blank=True,
        help_text=_("How the attendance (or its absence) was last recorded."),
    )
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendance recorded by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The staff member who ticked it or uploaded the report."),
    )
    attendance_marked_at = models.DateTimeField(
        _("attendance recorded"), null=True, blank=True
    )
    minutes_attended = models.PositiveIntegerField(
        _("minutes attended"),
        null=True,
        blank=True,
        help_text=_("From the platform's attendee report, when one was uploaded."),
    )
    attendee_key = models.CharField(
        _("attendee key"),
        max_length=64,
        editable=False,
        db_index=True,
        default="",
        help_text=_(
            "A one-way fingerprint of the address, kept after it is purged, "
            "to count different people."
        ),
    )
    evaluation_completed = models.BooleanField(
        _("evaluation completed"),
        default=False,
        help_text=_(
            "Only whether they sent the evaluation: their answers are kept "
            "apart, with nothing that leads back to them."
        ),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True, db_index=True)
    promoted_at = models.DateTimeField(
        _("promoted from the waiting list"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    decided_at = models.DateTimeField(
        _("approved or declined"),
        null=True,
        blank=True,
        help_text=_("When staff decided on a registration awaiting approval."),
    )
    # The self-service link's token is a secret: only its SHA-256 is kept.
    # The token itself is derived from ``link_secret`` with the SECRET_KEY
    # (services/links.py), so every email can carry the same link, and a
    # database dump alone, without the key, yields no working link.
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, editable=False
    )
    link_secret = models.CharField(
        _("link secret"), max_length=64, editable=False, default=""
    )
    last_emailed_at = models.DateTimeField(
        _("last emailed"),
        null=True,
        blank=True,
        help_text=_("When the last email with a self-service link was queued."),
    )
    reminder_sent_at = models.DateTimeField(
        _("reminder queued"),
        null=True,
        blank=True,
        help_text=_("Set once, so nobody is reminded twice."),
    )
    purged_at = models.DateTimeField(
        _("personal data purged"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the name, email, organization, request and answers were "
            "erased, some days after the event; status, attendance and member "
            "library are kept."
        ),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_normalized"],
                condition=Q(
                    status__in=["confirmed", "waitlisted", "awaiting_approval"]
                ),
                name="one_open_registration_per_email",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "confirmed",
                        "waitlisted",
                        "awaiting_approval",
                        "declined",
                        "turned_away",
                        "cancelled",
                    ]
                ),
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
        if self.purged_at is None:
            # A purged registration keeps the fingerprint of its real address.
            self.attendee_key = attendee_key(self.email_normalized)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    # What recording attendance writes (``set_attendance``).
    ATTENDANCE_FIELDS = (
        "attended",
        "attendance_source",
        "attendance_marked_by",
        "attendance_marked_at",
    )

    def set_attendance(self, attended: bool, *, source: str, by, at) -> None:
        """Whether they attended, and who recorded it (a staff user, or None
        for the registrant's own code), how and when; the caller saves
        ``ATTENDANCE_FIELDS``."""
        self.attended = attended
        self.attendance_source = source
        self.attendance_marked_by = by
        self.attendance_marked_at = at

    @property
    def is_open(self) -> bool:
        """Holding a seat or a place in line, or awaiting approval: still
        the person's to cancel or correct."""
        return self.status in self.OPEN

    @property
    def waitlist_position(self) -> int | None:
        """1 for the next in line (LINE_ORDER)."""
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Registration.objects.filter(
            in_line_before(self.line_number, self.pk),
            event_id=self.event_id,
            status=self.Status.WAITLISTED,
        ).count()
        return ahead + 1


# The waiting list's order: first come (or first approved), first served.
LINE_ORDER = ("line_number", "pk")


def in_line_before(line_number, pk, *, or_at: bool = False) -> Q:
    """Registrations ahead of the place (``line_number``, ``pk``) in
    LINE_ORDER (values, or OuterRefs in a subquery), and the one at it if
    ``or_at``."""
    last = {"pk__lte": pk} if or_at else {"pk__lt": pk}
    return Q(line_number__lt=line_number) | Q(line_number=line_number, **last)


class SignInLink(models.Model):
    """A link emailed to someone who asked to see their registrations
    ("My registrations"). It works once and for a day; only the SHA-256 of
    its token is kept, so a database dump alone signs nobody in."""

    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, editable=False
    )
    email_normalized = models.EmailField(
        _("email (normalized)"),
        max_length=254,
        help_text=_("Whose registrations the link shows: trimmed, lower-cased."),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    used_at = models.DateTimeField(
        _("used"),
        null=True,
        blank=True,
        help_text=_("When someone signed in with it; it works only once."),
    )

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        indexes = [
            # How recently this address was sent a link (one per few minutes).
            models.Index(
                fields=["email_normalized", "created_at"],
                name="sign_in_link_address",
            )
        ]

    def __str__(self):
        return f"Sign-in link {self.pk}"
