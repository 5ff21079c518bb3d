import pytest

from registrations import services
from tests.credit import past_webinar_with_attendees


@pytest.fixture
def final_webinar(clock):
    """A webinar that has ended, giving certificates to attendees who sent
    the evaluation; the default evaluation; two attendees; attendance final.
    Returns the event and the two registrations."""
    event, people = past_webinar_with_attendees(
        clock, names=("Pat Reader", "Sam Lee"), policy="evaluated"
    )
    services.add_default_evaluation(event=event)
    services.mark_attendance_final(event_id=event.pk)
    event.refresh_from_db()
    return event, people


def default_answers(event, *, text: str = "More examples, please.") -> dict:
    """Answers to each question of the default evaluation, as the form
    cleans them: ratings 4, "Yes", and ``text``."""
    answers = {}
    for question in event.evaluation_questions.all():
        answers[question.pk] = {"rating": 4, "yes_no": "Yes", "text": text}[
            question.kind
        ]
    return answers
