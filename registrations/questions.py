"""An event's own registration questions (PRODUCT.md §10) as form fields, and
the registrant's answers as the text ``Answer.value`` keeps.

Each kind of question is a stock Django field, so it is validated like the
form's other fields (required, in the list, not too long) with the message on
the field, and rendered by crispy-forms like them: radios and checkboxes in a
fieldset whose legend is the question.
"""

from collections.abc import Iterable, Mapping

from django import forms
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _

from .models import Question
from .validators import one_line_text, refuse_bidi_controls

Kind = Question.Kind

# Stored in English whatever the reader's language (the roster and its CSV
# read them); only the labels beside the radios are translated.
YES, NO = "Yes", "No"
YES_NO_CHOICES = [(YES, _("Yes")), (NO, _("No"))]
# An optional question's radios start on this one: a radio once chosen cannot
# be unchosen, and leaving the question unanswered must stay possible.
NO_ANSWER = ("", _("No answer"))

SHORT_TEXT_MAX_LENGTH = 200
LONG_TEXT_MAX_LENGTH = 2000
# Several choices are kept one per line.
CHOICE_SEPARATOR = "\n"


def field_name(question: Question) -> str:
    return f"question_{question.pk}"


def _radio_choices(question: Question, choices: list[tuple[str, str]]) -> list:
    return choices if question.required else [NO_ANSWER, *choices]


def field_for(question: Question) -> forms.Field:
    """The form field that asks ``question``."""
    common = {
        "label": question.label,
        # Crispy prints help text unescaped (ours may hold markup); staff's
        # is text, and is shown as typed.
        "help_text": conditional_escape(question.help_text),
        "required": question.required,
    }
    choices = [(choice, choice) for choice in question.choice_list]
    match question.kind:
        case Kind.SHORT_TEXT:
            return forms.CharField(
                max_length=SHORT_TEXT_MAX_LENGTH, validators=[one_line_text], **common
            )
        case Kind.LONG_TEXT:
            return forms.CharField(
                max_length=LONG_TEXT_MAX_LENGTH,
                validators=[refuse_bidi_controls],
                widget=forms.Textarea(attrs={"rows": 3}),
                **common,
            )
        case Kind.ONE_CHOICE:
            return forms.ChoiceField(
                choices=_radio_choices(question, choices),
                widget=forms.RadioSelect,
                **common,
            )
        case Kind.SEVERAL_CHOICES:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        case Kind.YES_NO:
            # Not a checkbox: an unticked box cannot tell "no" from "did not
            # answer", and a required yes/no must be answered either way.
            return forms.ChoiceField(
                choices=_radio_choices(question, YES_NO_CHOICES),
                widget=forms.RadioSelect,
                **common,
            )
    raise ValueError(f"Unknown kind of question: {question.kind!r}")


def fields_for(questions: Iterable[Question]) -> dict[str, forms.Field]:
    """The questions' fields by field name, in the questions' order."""
    return {field_name(question): field_for(question) for question in questions}


def answer_text(question: Question, value) -> str:
    """A cleaned value as ``Answer.value`` keeps it: several choices one per
    line, in the order staff listed them."""
    if question.kind == Kind.SEVERAL_CHOICES:
        chosen = set(value or ())
        return CHOICE_SEPARATOR.join(c for c in question.choice_list if c in chosen)
    return value or ""


def answers_from(
    questions: Iterable[Question], cleaned_data: Mapping
) -> dict[Question, str]:
    """``{question: answer text}`` for the questions answered; a question
    left unanswered is not in it."""
    answers = {}
    for question in questions:
        text = answer_text(question, cleaned_data.get(field_name(question)))
        if text:
            answers[question] = text
    return answers
