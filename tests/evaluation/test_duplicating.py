"""Duplicating an event copies its evaluation questions
(``registrations.services.duplicating``), not the responses."""

import pytest

from registrations import services
from registrations.models import EvaluationQuestion, EvaluationResponse
from registrations.services.duplicating import duplicate_event_with_questions
from tests.builders import make_event
from tests.credit import token_of

from .conftest import default_answers

pytestmark = pytest.mark.django_db

FIELDS = ("label", "kind", "required", "order")


def test_the_copy_asks_the_same_evaluation(final_webinar):
    """The copy has its own evaluation questions with the same words, kinds,
    required and order, and no responses; editing the copy's leaves the
    original's alone."""
    event, (pat, _sam) = final_webinar
    first = event.evaluation_questions.first()
    first.label, first.order = "Changed for this event", 9
    first.save()
    services.submit_evaluation(token=token_of(pat), answers=default_answers(event))
    copy = duplicate_event_with_questions(event_id=event.pk)
    assert list(copy.evaluation_questions.values_list(*FIELDS)) == list(
        event.evaluation_questions.values_list(*FIELDS)
    )
    assert copy.evaluation_questions.count() == 5
    assert not set(copy.evaluation_questions.all()) & set(
        event.evaluation_questions.all()
    )
    assert not EvaluationResponse.objects.filter(event=copy).exists()
    copy.evaluation_questions.update(label="Copy's own")
    assert "Changed for this event" in event.evaluation_questions.values_list(
        "label", flat=True
    )


def test_an_event_without_an_evaluation_is_copied_without_one():
    """Copying an event that has no evaluation questions gives a copy with none,
    and no questions are created."""
    plain = make_event()
    copy = duplicate_event_with_questions(event_id=plain.pk)
    assert not copy.evaluation_questions.exists()
    assert not EvaluationQuestion.objects.exists()
