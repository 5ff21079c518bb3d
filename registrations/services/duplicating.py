"""Duplicating an event with its registration and evaluation questions: the
catalog copies the event (``events.services.duplicate_event``), which knows
nothing of registrations; the questions come along here, in the same
transaction."""

from django.db import transaction

from events.models import Event
from events.services import duplicate_event

from ..models import EvaluationQuestion, Question

# What a copied question keeps: all of it but its event.
COPIED_FIELDS = ("label", "kind", "choices", "help_text", "required", "order")
EVALUATION_FIELDS = ("label", "kind", "required", "order")


def duplicate_event_with_questions(*, event_id: int) -> Event:
    """An unpublished copy of the event (``duplicate_event``) with copies of
    its registration and evaluation questions; no registration, answer or
    evaluation response comes along. Both or neither: a copy without its
    questions would take registrations that miss them once published."""
    with transaction.atomic():
        copy = duplicate_event(event_id=event_id)
        Question.objects.bulk_create(
            Question(
                event=copy, **{name: getattr(question, name) for name in COPIED_FIELDS}
            )
            for question in Question.objects.filter(event_id=event_id)
        )
        EvaluationQuestion.objects.bulk_create(
            EvaluationQuestion(
                event=copy,
                **{name: getattr(question, name) for name in EVALUATION_FIELDS},
            )
            for question in EvaluationQuestion.objects.filter(event_id=event_id)
        )
    return copy
