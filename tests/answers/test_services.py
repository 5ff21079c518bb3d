"""What ``services.register_for_event`` keeps of the answers it is given."""

import pytest

from registrations.models import Answer
from tests.builders import make_event

from .conftest import ask_questions, full_answers, register

pytestmark = pytest.mark.django_db


def test_every_answer_to_the_events_questions_is_kept(event, questions):
    """Each answer given is stored against its question, as given."""
    registration = register(event, 1, full_answers(questions))
    kept = dict(
        Answer.objects.filter(registration=registration).values_list(
            "question__label", "value"
        )
    )
    assert kept == {q.label: text for q, text in full_answers(questions).items()}


def test_an_answer_to_another_events_question_is_not_kept(event, questions):
    """A question of another event (a form of one event posted with the
    questions of another) is dropped; the registration and its own answers
    stand."""
    other = make_event(title="Another webinar")
    stranger = ask_questions(other)["short"]
    answers = {questions["long"]: "Mine", stranger: "Not this event's"}
    registration = register(event, 1, answers)
    assert list(
        Answer.objects.filter(registration=registration).values_list(
            "question_id", "value"
        )
    ) == [(questions["long"].pk, "Mine")]
    assert not Answer.objects.filter(question=stranger).exists()


def test_an_empty_answer_is_no_answer(event, questions):
    """An answer of no text stores no row: "not answered" is its absence."""
    registration = register(event, 1, {questions["short"]: "", questions["long"]: "x"})
    assert Answer.objects.filter(registration=registration).count() == 1
