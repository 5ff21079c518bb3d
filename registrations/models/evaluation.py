"""The short evaluation attendees are asked to fill in after an event.

Answers are stored apart from who gave them (PRODUCT.md §11): a response
names its event and nothing else, not even when it was sent, and its keys
are random, so nothing Almanac shows or exports can match a response to
the registration whose ``evaluation_completed`` was set with it. (Someone
reading the database's files directly could still see in which order rows
were written; the admin and the reports never list responses one by one.)
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Event


class EvaluationQuestionQuerySet(models.QuerySet):
    def add_defaults(self, *, event: Event) -> None:
        """Give ``event`` the default evaluation (``DEFAULT_EVALUATION``),
        unless it has questions of its own already."""
        if self.filter(event=event).exists():
            return
        self.bulk_create(
            self.model(
                event=event, label=str(label), kind=kind, required=required, order=n
            )
            for n, (label, kind, required) in enumerate(DEFAULT_EVALUATION, start=1)
        )


class EvaluationQuestion(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating from 1 (poor) to 5 (excellent)")
        YES_NO = "yes_no", _("Yes or no")
        TEXT = "text", _("Free text")

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        related_name="evaluation_questions",
        on_delete=models.CASCADE,
    )
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first.")
    )

    objects = EvaluationQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["rating", "yes_no", "text"]),
                name="evaluation_question_kind_known",
            ),
        ]

    def __str__(self):
        return self.label


# The evaluation every event starts with; staff edit it per event.
_Kind = EvaluationQuestion.Kind
DEFAULT_EVALUATION = (
    (_("Overall, how would you rate this event?"), _Kind.RATING, True),
    (_("How useful was the content?"), _Kind.RATING, True),
    (_("How would you rate the presenter?"), _Kind.RATING, True),
    (_("Would you recommend this event to a colleague?"), _Kind.YES_NO, True),
    (_("Anything else you would like to tell us?"), _Kind.TEXT, False),
)


class EvaluationResponse(models.Model):
    """One evaluation sent in. Deliberately without a registration, a
    person or a time: only the event it is about."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        related_name="evaluation_responses",
        on_delete=models.CASCADE,
    )

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")

    def __str__(self):
        return str(_("Evaluation of %(event)s") % {"event": self.event})


class EvaluationAnswer(models.Model):
    # Random too: numbered answers would give the order the responses came
    # in, which certificates issued on the evaluation would match to people.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        EvaluationResponse,
        verbose_name=_("response"),
        related_name="answers",
        on_delete=models.CASCADE,
    )
    # As registration answers: an answered question is not deleted, and
    # the event's evaluation averages keep what attendees said.
    question = models.ForeignKey(
        EvaluationQuestion,
        verbose_name=_("question"),
        related_name="answers",
        on_delete=models.RESTRICT,
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    text = models.TextField(_("answer"), blank=True, help_text=_("Yes, No, or words."))

    class Meta:
        ordering = ["question__order", "question__pk"]
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_evaluation_answer"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__range=(1, 5)),
                name="evaluation_rating_1_to_5",
            ),
        ]

    def __str__(self):
        # Never the words: an answer is only ever read with the others (the
        # averages, the event's comments), not one by one as the admin lists
        # objects (refusing to delete an answered question, say).
        return str(_("An answer to “%(question)s”") % {"question": self.question})
