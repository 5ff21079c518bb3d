"""The event catalog: what staff publish and members browse.

Registration behaviour (seats, waitlists) lives in the ``registrations`` app,
which builds on this one; the per-event registration *settings* live here so
an event is described in one place.
"""

import uuid
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .contacts import public_email
from .text import plain_text
from .timezones import time_zone_label, validate_time_zone


def default_time_zone() -> str:
    return settings.TIME_ZONE


class Organizer(models.Model):
    name = models.CharField(
        _("name"), max_length=200, help_text=_("A team, such as “Learning Services”.")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    photo = models.ImageField(_("photo"), upload_to="organizers/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organizer")
        verbose_name_plural = _("organizers")

    def __str__(self):
        return self.name


class Category(models.Model):
    name = models.CharField(
        _("name"), max_length=200, help_text=_("For example “Vendor Webinar - ALA”.")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('events:list')}?category={self.slug}"


class Series(models.Model):
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("For example a conference made of several mini-conferences."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Markdown: paragraphs, lists and links."),
    )
    website_url = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:series", kwargs={"slug": self.slug})


class Presenter(models.Model):
    name = models.CharField(_("name"), max_length=200)
    pronouns = models.CharField(
        _("pronouns"), max_length=40, blank=True, help_text=_("For example “she/her”.")
    )
    role = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_("Job title, such as “Head of Reference & Research Services”."),
    )
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_("Library or organization."),
    )
    bio = models.TextField(
        _("biography"),
        blank=True,
        help_text=_("Markdown: paragraphs, lists and links."),
    )
    photo = models.ImageField(_("photo"), upload_to="presenters/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("presenter")
        verbose_name_plural = _("presenters")

    def __str__(self):
        return self.name


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
    members_only = models.BooleanField(_("members only"), default=False)
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
    def moments(self) -> tuple[datetime | None, ...]:
        """When what a page says of this event changes by itself: registration
        opens and closes, the event starts and ends."""
        return (
            self.registration_opens,
            self.registration_closes_at,
            self.start,
            self.end,
        )


class EventPresenter(models.Model):
    """A presenter's place in one event's line-up."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        related_name="presenter_slots",
        on_delete=models.CASCADE,
    )
    presenter = models.ForeignKey(
        Presenter,
        verbose_name=_("presenter"),
        related_name="event_slots",
        on_delete=models.PROTECT,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("presenter")
        verbose_name_plural = _("presenters")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "presenter"], name="presenter_once_per_event"
            )
        ]

    def __str__(self):
        return f"{self.presenter} at {self.event}"


class LearningOutcome(models.Model):
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        related_name="outcomes",
        on_delete=models.CASCADE,
    )
    text = models.TextField(_("outcome"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("learning outcome")
        verbose_name_plural = _("learning outcomes")

    def __str__(self):
        return self.text
