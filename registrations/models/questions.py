"""Each event's own questions on its registration form, and the answers."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .registration import Registration


class Question(models.Model):
    """One of an event's own questions on its registration form (PRODUCT.md
    §10): role, library type, the session wanted."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        ONE_CHOICE = "one_choice", _("One choice")
        SEVERAL_CHOICES = "several_choices", _("Several choices")
        YES_NO = "yes_no", _("Yes or no")

    CHOICE_KINDS = (Kind.ONE_CHOICE, Kind.SEVERAL_CHOICES)

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        related_name="questions",
        on_delete=models.CASCADE,
    )
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind.choices)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("For one or several choices: one choice per line."),
    )
    help_text = models.CharField(
        _("help text"),
        max_length=300,
        blank=True,
        help_text=_("Shown under the question."),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first.")
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "short_text",
                        "long_text",
                        "one_choice",
                        "several_choices",
                        "yes_no",
                    ]
                ),
                name="question_kind_known",
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        # A choice question without choices would show a question nobody
        # can answer (and, if required, a form nobody can send).
        if self.kind in self.CHOICE_KINDS and not self.choice_list:
            raise ValidationError(
                {
                    "choices": ValidationError(
                        _("List the choices, one per line."), code="no_choices"
                    )
                }
            )

    @property
    def choice_list(self) -> list[str]:
        """The choices staff wrote, one per line, without blank lines."""
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Answer(models.Model):
    """A registrant's answer to one question: the words as the form took
    them (several choices one per line, yes/no as "Yes" or "No"). Personal
    data: erased with the registration's name and address."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        related_name="answers",
        on_delete=models.CASCADE,
    )
    # Registrants' answers are not lost with a question staff delete: the
    # admin refuses to delete one that was answered (it names the answers).
    # They go with their registration (the purge, the event's deletion).
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        related_name="answers",
        on_delete=models.RESTRICT,
    )
    value = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["question__order", "question__pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.value}"
