"""Duplicating an event with its registration questions
(``registrations.services.duplicating``)."""

import pytest

from events.models import Event
from registrations import services
from registrations.models import Answer, Question
from registrations.services.duplicating import duplicate_event_with_questions
from tests.builders import make_event

pytestmark = pytest.mark.django_db

Kind = Question.Kind
FIELDS = ("label", "kind", "choices", "help_text", "required", "order")


@pytest.fixture
def event():
    event = make_event("SOS for Library Professionals", slug="sos")
    Question.objects.create(
        event=event,
        label="Your role",
        kind=Kind.ONE_CHOICE,
        choices="Librarian\nDirector",
        help_text="Pick the closest.",
        required=True,
        order=2,
    )
    Question.objects.create(event=event, label="Job title", kind=Kind.SHORT_TEXT)
    return event


def test_the_copy_asks_the_same_questions(event):
    """The copy is the catalog's unpublished copy, with its own questions
    holding the same words, kinds, choices, help, required and order."""
    copy = duplicate_event_with_questions(event_id=event.pk)
    assert copy.slug == "sos-copy-1"
    assert not copy.is_published
    assert list(copy.questions.values_list(*FIELDS)) == list(
        event.questions.values_list(*FIELDS)
    )
    assert copy.questions.count() == 2


def test_the_original_keeps_its_questions_and_answers(event):
    """The original's questions and their answers are untouched; the copy's
    questions have no answers, and editing one leaves the original's alone."""
    role = event.questions.get(label="Your role")
    result = services.register_for_event(
        event_id=event.pk,
        name="Ada Lovelace",
        email="ada@example.org",
        answers={role: "Director"},
    )
    copy = duplicate_event_with_questions(event_id=event.pk)
    copy.questions.filter(label="Your role").update(label="Changed")
    assert list(event.questions.values_list("label", flat=True)) == [
        "Job title",
        "Your role",
    ]
    assert list(Answer.objects.values_list("registration", "question", "value")) == [
        (result.registration.pk, role.pk, "Director")
    ]
    assert not Answer.objects.filter(question__event=copy).exists()
    assert not copy.registrations.exists()


def test_an_event_without_questions_is_copied_without_any(event):
    """No questions: the copy has none, and nothing else is created."""
    plain = make_event(slug="plain")
    copy = duplicate_event_with_questions(event_id=plain.pk)
    assert not copy.questions.exists()
    assert Question.objects.count() == 2


def test_a_missing_event_copies_nothing():
    """An event that does not exist: the catalog's error, no copy, no
    question."""
    with pytest.raises(Event.DoesNotExist):
        duplicate_event_with_questions(event_id=999_999)
    assert not Event.objects.exists()
    assert not Question.objects.exists()
