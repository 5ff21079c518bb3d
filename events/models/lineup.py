"""An event's line-up and what attendees will learn, in order."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalog import Presenter
from .event import Event


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
