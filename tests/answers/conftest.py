"""An event asking one question of each kind, a member library, and
registrants who answer: what the roster, its CSV and the registration's
page show."""

import pytest

from members.models import LibraryDomain, MemberLibrary
from registrations import services
from registrations.models import Question
from tests.builders import make_event
from tests.registrations.conftest import commit  # noqa: F401

Kind = Question.Kind

# In the order the form asks them (their ``order``), which is not the order
# they are created in below.
LABELS = [
    "Your role",
    "What would you like the session to cover?",
    "Library type",
    "Sessions you will attend",
    "First webinar with us?",
]


def ask_questions(event) -> dict[str, Question]:
    """One question of each kind on ``event``, by kind's name; created out
    of order so that only ``order`` can put them in the order of LABELS."""
    made = {
        "yes_no": Question(kind=Kind.YES_NO, label=LABELS[4], order=5),
        "several": Question(
            kind=Kind.SEVERAL_CHOICES,
            label=LABELS[3],
            order=4,
            choices="Morning\nAfternoon\nEvening",
        ),
        "short": Question(kind=Kind.SHORT_TEXT, label=LABELS[0], order=1),
        "one": Question(
            kind=Kind.ONE_CHOICE,
            label=LABELS[2],
            order=3,
            choices="Public\nAcademic\nSchool",
        ),
        "long": Question(kind=Kind.LONG_TEXT, label=LABELS[1], order=2),
    }
    for question in made.values():
        question.event = event
        question.save()
    return made


def full_answers(questions: dict[str, Question]) -> dict[Question, str]:
    """An answer to every question, as the form stores them."""
    return {
        questions["short"]: "Children's librarian",
        questions["long"]: "Storytime ideas\nand outreach to schools",
        questions["one"]: "Academic",
        questions["several"]: "Morning\nEvening",
        questions["yes_no"]: "No",
    }


def register(event, n: int, answers=None, **fields):
    """Person ``n`` registers for ``event`` with these answers."""
    fields.setdefault("email", f"person{n}@example.org")
    fields.setdefault("name", f"Person {n}")
    return services.register_for_event(
        event_id=event.pk, answers=answers, **fields
    ).registration


@pytest.fixture
def springfield():
    """An active member library and its staff's email domain."""
    library = MemberLibrary.objects.create(
        name="Springfield Public Library", town="Springfield"
    )
    LibraryDomain.objects.create(library=library, domain="springfieldlibrary.org")
    return library


@pytest.fixture
def event():
    return make_event("Copyright Basics", capacity=None)


@pytest.fixture
def questions(event):
    return ask_questions(event)
