"""Who and what events are filed under: organizers, categories, series and
presenters, each with a page or a filter of its own."""

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CertificatePolicy(models.TextChoices):
    """Who receives a CE certificate of attendance."""

    NONE = "none", _("No certificates")
    ATTENDEES = "attendees", _("Attendees")
    EVALUATED = "evaluated", _("Attendees who completed the evaluation")


class Organizer(models.Model):
    name = models.CharField(
        _("name"), max_length=200, help_text=_("A team, such as “Learning Services”.")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    photo = models.ImageField(_("photo"), upload_to="organizers/", blank=True)
    certificate_signature = models.CharField(
        _("certificate signature line"),
        max_length=200,
        blank=True,
        help_text=_(
            "Printed under the signature line of its events' CE certificates, "
            "such as “Jordan Lee, Continuing Education Coordinator”."
        ),
    )

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
    # So forty webinars a month need no clicks: an event left at "from its
    # category" takes these (Event.ce_credit).
    ce_hours = models.DecimalField(
        _("CE hours"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Contact hours its events grant, unless an event says otherwise."),
    )
    certificate_policy = models.CharField(
        _("certificates"),
        max_length=12,
        choices=CertificatePolicy.choices,
        blank=True,
        help_text=_("Who gets a certificate, unless an event says otherwise."),
    )

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
