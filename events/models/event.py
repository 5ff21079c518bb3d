"""The event: what staff publish and members browse, with its time, place,
line-up and the per-event registration settings (who may register, seats,
the registration window), so an event is described in one place.
Registration behaviour (seats, waitlists) lives in ``registrations``."""

import uuid
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ..contacts import public_email
from ..text import plain_text
from ..timezones import time_zone_label, validate_time_zone
from .attendance import (
    MAX_ATTENDANCE_CODE_HOURS,
    CeCredit,
    new_attendance_code,
)
from .catalog import Category, CertificatePolicy, Organizer, Series

# The seeds' arrangement: members register through the consortium's
# calendar for free; anyone else with the sponsor, and pays.
DEFAULT_NON_MEMBER_NOTE = _(
    "Non-members can register directly with the sponsor; a fee applies."
)


def default_time_zone() -> str:
    return settings.TIME_ZONE


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now: datetime | None = None):
        """Events that have not ended yet, soonest first."""
        return self.filter(end__gt=now or timezone.now()).order_by("start", "pk")

    def past(self, now: datetime | None = None):
        """Events that have ended, most recent first."""
        return self.filter(end__lte=now or timezone.now()).order_by("-start", "-pk")


class Event(models.Model):
    class WhoMayRegister(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        MEMBERS = "members", _("Members only")
        MEMBERS_FIRST = "members_first", _("Members first, then everyone")

    class Format(models.TextChoices):
        ONLINE = "online", _("Webinar")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        POSTPONED = "postponed", _("Postponed")

    # Changes to these fields move the event in a subscriber's calendar, so
    # they raise ``sequence`` (RFC 5545); a typo fix in the text does not.
    SCHEDULE_FIELDS = ("start", "end", "time_zone", "location", "format", "status")

    # What it is
    uid = models.UUIDField(
        _("calendar UID"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Identifies the event in calendar apps; never changes."),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The event's address: /events/<slug>/."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Markdown: paragraphs, lists and links. Any HTML is sanitized."),
    )
    outcomes_intro = models.CharField(
        _("learning outcomes introduction"),
        max_length=300,
        blank=True,
        help_text=_("For example “By the end of this webinar, attendees will learn:”."),
    )
    # Rendered once when saved: a calendar feed of thousands of events should
    # not run Markdown thousands of times.
    description_text = models.TextField(
        _("description as plain text"),
        blank=True,
        editable=False,
        help_text=_("Kept up to date from the description when the event is saved."),
    )
    # The names the list search looks for beside the title and description,
    # copied here so that one index of the event row answers a search
    # (events.search): an index can't reach into other tables. On PostgreSQL
    # the three make a stored column of words the model doesn't list
    # (search_words, migration 0004), which blocks changing their types.
    search_names = models.TextField(
        _("names for search"),
        blank=True,
        editable=False,
        help_text=_(
            "The presenters', categories' and organizer's names, kept up to "
            "date whenever any of them changes."
        ),
    )
    who_should_attend = models.TextField(_("who should attend"), blank=True)
    registration_note = models.TextField(
        _("registration note"),
        blank=True,
        help_text=_(
            "The sponsor's terms, shown above the description. "
            "Leave blank for the site-wide note."
        ),
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="events", blank=True
    )
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        related_name="events",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    organizer = models.ForeignKey(
        Organizer,
        verbose_name=_("organizer"),
        related_name="events",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    # When and where
    start = models.DateTimeField(_("starts"), db_index=True)
    end = models.DateTimeField(_("ends"), db_index=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("The zone the event is scheduled in, such as America/New_York."),
    )
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.ONLINE
    )
    location = models.TextField(
        _("location"),
        blank=True,
        help_text=_("Address, for in-person and hybrid events."),
    )
    join_url = models.URLField(
        _("join URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "Private: sent only to confirmed registrants, never shown on a public page."
        ),
    )
    recording_url = models.URLField(
        _("recording URL"),
        max_length=500,
        blank=True,
        help_text=_("Sent to registrants after the event."),
    )
    accessibility_email = models.EmailField(
        _("accessibility contact email"),
        blank=True,
        help_text=_("Leave blank for the site-wide contact."),
    )
    accessibility_phone = models.CharField(
        _("accessibility contact phone"),
        max_length=40,
        blank=True,
        help_text=_("Leave blank for the site-wide contact."),
    )

    # Publication
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Drafts are visible to staff only.")
    )

    # Registration settings
    registration_required = models.BooleanField(
        _("registration required"), default=True
    )
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Leave blank for no limit.")
    )
    waitlist_enabled = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When full, let people join a waiting list."),
    )
    waitlist_limit = models.PositiveIntegerField(
        _("waiting list limit"),
        null=True,
        blank=True,
        help_text=_("Leave blank for no limit."),
    )
    registration_opens = models.DateTimeField(
        _("registration opens"),
        null=True,
        blank=True,
        help_text=_("Leave blank to open on publication."),
    )
    registration_closes = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave blank to close when the event starts."),
    )
    who_may_register = models.CharField(
        _("who may register"),
        max_length=20,
        choices=WhoMayRegister.choices,
        default=WhoMayRegister.EVERYONE,
        help_text=_(
            "Members are staff of an active member library: by their email "
            "domain, or approved by staff when they name their library."
        ),
    )
    open_to_everyone_at = models.DateTimeField(
        _("open to everyone from"),
        null=True,
        blank=True,
        help_text=_(
            'For "members first": when non-members may register too, in the '
            "event's time zone."
        ),
    )
    non_member_note = models.TextField(
        _("how non-members can attend"),
        blank=True,
        default=DEFAULT_NON_MEMBER_NOTE,
        help_text=_("Shown to someone refused because the event is for members."),
    )
    attendance_code = models.CharField(
        _("attendance code"),
        max_length=12,
        default=new_attendance_code,
        help_text=_(
            "Read it out during the webinar: registrants enter it on their own "
            "page to record their attendance."
        ),
    )
    attendance_code_hours = models.PositiveSmallIntegerField(
        _("attendance code window (hours)"),
        default=48,
        validators=[MaxValueValidator(MAX_ATTENDANCE_CODE_HOURS)],
        help_text=_("How long after the end registrants may still enter the code."),
    )
    attendance_minimum_share = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "The share of the event's minutes someone must be present in the "
            "platform's attendee report to count as attending."
        ),
    )
    # CE credit (PRODUCT.md §11); empty means "as its category says".
    ce_hours = models.DecimalField(
        _("CE hours"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Contact hours a certificate grants, such as 1.0. Leave empty to "
            "use its category's."
        ),
    )
    certificate_policy = models.CharField(
        _("certificates"),
        max_length=12,
        choices=CertificatePolicy.choices,
        blank=True,
        help_text=_("Who gets a certificate. Leave empty to use its category's."),
    )
    attendance_final_at = models.DateTimeField(
        _("attendance final"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When staff marked the attendance final, or the attendance code's "
            "window closed: evaluations and certificates go out then."
        ),
    )
    external_registration_url = models.URLField(
        _("external registration URL"),
        max_length=500,
        blank=True,
        help_text=_("If set, members register there instead of here."),
    )

    # Bookkeeping
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Raised when the time, place or status changes."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="event_capacity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(waitlist_limit__isnull=True) | Q(waitlist_limit__gte=0),
                name="event_waitlist_limit_not_negative",
            ),
        ]
        indexes = [
            # The lists filter on ``end`` but sort on ``start``: with ``end``
            # in the index, the events that already ended are skipped inside
            # the index rather than fetched row by row, and the upcoming
            # count is an index-only scan. Partial, as drafts are never listed.
            models.Index(
                fields=["start", "end"],
                condition=Q(is_published=True),
                name="event_published_start_end",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "description" in update_fields:
            self.description_text = plain_text(self.description)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "description_text"}
        loaded = getattr(self, "_loaded_schedule", None)
        if loaded and any(self.__dict__.get(k) != v for k, v in loaded.items()):
            self.sequence += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sequence"}
        super().save(*args, **kwargs)
        self._loaded_schedule = self._schedule()

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_schedule = instance._schedule()
        return instance

    def _schedule(self) -> dict:
        # Read __dict__ so a deferred field is never fetched just to compare.
        return {
            name: self.__dict__[name]
            for name in self.SCHEDULE_FIELDS
            if name in self.__dict__
        }

    # Time, in the event's own zone
    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.tz)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.tz)

    @property
    def time_zone_label(self) -> str:
        return time_zone_label(self.time_zone)

    @property
    def plain_description(self) -> str:
        """The description without markup, for calendar files and links.

        Rows written without ``save()`` (bulk loads, ``update()``) may not
        have the stored copy yet; render it then.
        """
        if self.description_text or not self.description:
            return self.description_text
        return plain_text(self.description)

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_online(self) -> bool:
        return self.format in {self.Format.ONLINE, self.Format.HYBRID}

    # Site-wide defaults an event may override
    @property
    def accessibility_contact_email(self) -> str:
        """The address to show, or "" where none is configured: a
        placeholder is never shown (events.contacts)."""
        return public_email(self.accessibility_email) or public_email(
            settings.ALMANAC_ACCESSIBILITY_EMAIL
        )

    @property
    def accessibility_contact_phone(self) -> str:
        return self.accessibility_phone or settings.ALMANAC_ACCESSIBILITY_PHONE

    @property
    def registration_terms(self) -> str:
        return self.registration_note or settings.ALMANAC_REGISTRATION_NOTE

    # Registration window
    @property
    def registration_closes_at(self) -> datetime:
        return self.registration_closes or self.start

    @property
    def attendance_code_closes_at(self) -> datetime:
        """Registrants may enter the attendance code from the start until
        this long after the end."""
        return self.end + timedelta(hours=self.attendance_code_hours)

    def takes_attendance_code(self, now: datetime) -> bool:
        """Whether registrants may enter the attendance code at ``now``."""
        return self.start <= now <= self.attendance_code_closes_at

    def ce_credit(self) -> CeCredit:
        """Its own CE hours and certificate policy, each falling back to the
        first of its categories (by name) that sets one; no certificates if
        neither does."""
        hours, policy = self.ce_hours, self.certificate_policy
        if hours is None or not policy:
            for category in self.categories.all():
                if hours is None:
                    hours = category.ce_hours
                policy = policy or category.certificate_policy
        return CeCredit(hours=hours, policy=policy or CertificatePolicy.NONE)

    def is_for_members_only(self, now: datetime) -> bool:
        """Whether only members may register at ``now``: always on a
        members-only event; on a members-first one until it opens to
        everyone (never, if no date was set)."""
        if self.who_may_register == self.WhoMayRegister.MEMBERS:
            return True
        if self.who_may_register == self.WhoMayRegister.MEMBERS_FIRST:
            return self.open_to_everyone_at is None or now < self.open_to_everyone_at
        return False

    @property
    def moments(self) -> tuple[datetime | None, ...]:
        """When what a page says of this event changes by itself: registration
        opens and closes, it opens to everyone, the event starts and ends."""
        return (
            self.registration_opens,
            self.registration_closes_at,
            self.open_to_everyone_at,
            self.start,
            self.end,
        )
