"""The evaluation form an attendee fills in after the event (PRODUCT.md §11),
built from the event's ``EvaluationQuestion`` rows.

Each kind of question is a stock Django field, as the registration questions
are (``questions.py``): validated with the message on the field, and rendered
by crispy-forms with the site's error summary; ratings and yes/no are radios
in a fieldset whose legend is the question, so a screen reader reads the
question with each choice.
"""

from collections.abc import Iterable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .models import EvaluationQuestion
from .questions import LONG_TEXT_MAX_LENGTH, NO_ANSWER, YES_NO_CHOICES
from .validators import refuse_bidi_controls

Kind = EvaluationQuestion.Kind

# Every step says what it means: a radio read on its own ("3") tells a
# screen-reader user nothing about the scale.
RATING_CHOICES = [
    (1, _("1 (poor)")),
    (2, _("2 (fair)")),
    (3, _("3 (good)")),
    (4, _("4 (very good)")),
    (5, _("5 (excellent)")),
]
TEXT_MAX_LENGTH = LONG_TEXT_MAX_LENGTH


def field_name(question: EvaluationQuestion) -> str:
    return f"question_{question.pk}"


def _radio_choices(question: EvaluationQuestion, choices: list) -> list:
    # An optional question starts on "No answer": a radio once chosen cannot
    # be unchosen, and leaving the question out must stay possible.
    return choices if question.required else [NO_ANSWER, *choices]


def field_for(question: EvaluationQuestion) -> forms.Field:
    """The form field that asks ``question``."""
    common = {"label": question.label, "required": question.required}
    match question.kind:
        case Kind.RATING:
            # Typed: "6" or "x" is not among the choices and is refused on
            # the field; a valid rating comes back as the int the service
            # stores.
            return forms.TypedChoiceField(
                choices=_radio_choices(question, RATING_CHOICES),
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                **common,
            )
        case Kind.YES_NO:
            return forms.ChoiceField(
                choices=_radio_choices(question, YES_NO_CHOICES),
                widget=forms.RadioSelect,
                **common,
            )
        case Kind.TEXT:
            return forms.CharField(
                max_length=TEXT_MAX_LENGTH,
                validators=[refuse_bidi_controls],
                widget=forms.Textarea(attrs={"rows": 4}),
                **common,
            )
    raise ValueError(f"Unknown kind of evaluation question: {question.kind!r}")


class EvaluationForm(forms.Form):
    """One field per question, in the questions' order."""

    def __init__(self, data=None, *, questions: Iterable[EvaluationQuestion]):
        super().__init__(data)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[field_name(question)] = field_for(question)

    @cached_property
    def helper(self) -> FormHelper:
        # No action: the form posts back to its own page (the token's URL).
        helper = FormHelper()
        helper.form_method = "post"
        helper.form_class = "evaluation-form"
        helper.form_error_title = _("Please check your answers")
        helper.layout = Layout(*self.fields, Submit("send", _("Send my evaluation")))
        return helper

    def cleaned_answers(self) -> dict[int, int | str]:
        """``{question id: rating | "Yes" | "No" | text}`` for
        ``services.submit_evaluation``; a question left unanswered is not in
        it. Only once the form is valid."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if value not in (None, ""):
                answers[question.pk] = value
        return answers
