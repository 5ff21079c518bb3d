"""The evaluation in the event admin: edited inline on the event's form right
after "Attendance and CE credit", the default set given to a new event when
staff wrote none, and copied by "Duplicate selected events"."""

import pytest
from django.db.models import RestrictedError
from django.urls import reverse

from events.models import Event
from registrations import services
from registrations.models import (
    DEFAULT_EVALUATION,
    EvaluationAnswer,
    EvaluationQuestion,
)
from tests import dom
from tests.builders import make_event
from tests.credit import token_of
from tests.events.test_admin import CHANGELIST, event_form_data
from tests.questions.test_admin import form_sections

from .conftest import default_answers

pytestmark = pytest.mark.django_db

Kind = EvaluationQuestion.Kind
ADD = reverse("admin:events_event_add")
FIELDS = ("label", "kind", "required", "order")
PREFIX = "evaluation_questions"
DEFAULT_ROWS = [
    (str(label), kind, required, order)
    for order, (label, kind, required) in enumerate(DEFAULT_EVALUATION, start=1)
]


def evaluation_rows(*rows: dict) -> dict[str, str]:
    """The evaluation inline's POST data: its management form and ``rows``."""
    data = {
        f"{PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{PREFIX}-INITIAL_FORMS": "0",
    }
    for n, row in enumerate(rows):
        row = {"order": "0", **row}
        data |= {
            f"evaluation_questions-{n}-{name}": value for name, value in row.items()
        }
    return data


def test_the_event_form_lists_its_evaluation_in_order(admin_client):
    """The change form shows each evaluation question, lowest order first,
    with its label, kind, required and order."""
    event = make_event()
    EvaluationQuestion.objects.create(
        event=event, label="Second", kind=Kind.TEXT, order=2
    )
    EvaluationQuestion.objects.create(
        event=event, label="First", kind=Kind.RATING, order=1
    )
    response = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert response.status_code == 200
    page = dom.parse(response)
    labels = [
        dom.attribute(
            dom.find(page, "input", name=f"evaluation_questions-{n}-label"), "value"
        )
        for n in (0, 1)
    ]
    assert labels == ["First", "Second"]
    for name in ("kind", "required", "order"):
        assert dom.find_all(page, name=f"evaluation_questions-0-{name}")


@pytest.mark.parametrize("page", ["add", "change"])
def test_the_evaluation_comes_right_after_attendance_and_ce_credit(admin_client, page):
    """Once, after the fieldset where staff set the CE hours and the
    certificate policy, and after the registration questions."""
    url = ADD
    if page == "change":
        url = reverse("admin:events_event_change", args=[make_event().pk])
    sections = form_sections(admin_client.get(url))
    assert sections.count("evaluation_questions-group") == 1
    credit = sections.index("Attendance and CE credit")
    assert sections[credit + 1] == "evaluation_questions-group"
    assert sections.index("questions-group") < credit


def test_a_new_event_gets_the_default_evaluation(admin_client):
    """Staff add an event without evaluation questions: it gets the default
    set, in its order, and staff are told they can edit it."""
    data = event_form_data()
    response = admin_client.post(ADD, data, follow=True)
    assert response.status_code == 200
    event = Event.objects.get(slug=data["slug"])
    assert list(event.evaluation_questions.values_list(*FIELDS)) == DEFAULT_ROWS
    messages = [str(m) for m in response.context["messages"]]
    assert any("default evaluation" in message for message in messages)


def test_staff_can_write_their_own_evaluation_with_a_new_event(admin_client):
    """Questions added with the new event are its evaluation: the default
    set is not added to them."""
    data = event_form_data(
        **evaluation_rows(
            {"label": "Was it worth your hour?", "kind": Kind.YES_NO, "required": "on"},
            {"label": "Tell us more", "kind": Kind.TEXT, "order": "2"},
        )
    )
    assert admin_client.post(ADD, data).status_code == 302
    event = Event.objects.get(slug=data["slug"])
    assert list(event.evaluation_questions.values_list(*FIELDS)) == [
        ("Was it worth your hour?", "yes_no", True, 0),
        ("Tell us more", "text", False, 2),
    ]


def test_saving_an_existing_event_adds_no_evaluation(admin_client):
    """An event saved again keeps the evaluation staff left it with, even
    none: the default is for new events only."""
    event = make_event()
    data = event_form_data(
        slug=event.slug,
        title=event.title,
        start_0=event.local_start.date().isoformat(),
        start_1=event.local_start.strftime("%H:%M"),
        end_0=event.local_end.date().isoformat(),
        end_1=event.local_end.strftime("%H:%M"),
    )
    url = reverse("admin:events_event_change", args=[event.pk])
    assert admin_client.post(url, data).status_code == 302
    assert not event.evaluation_questions.exists()


def test_a_refused_row_saves_nothing(admin_client):
    """A question without its words comes back on its row, and neither the
    event nor any question is saved."""
    data = event_form_data(**evaluation_rows({"label": "", "kind": Kind.RATING}))
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert "This field is required." in dom.text(dom.parse(response))
    assert not Event.objects.filter(slug=data["slug"]).exists()
    assert not EvaluationQuestion.objects.exists()


def test_duplicating_an_event_copies_its_evaluation(admin_client):
    """The admin's "Duplicate" action gives the copy the same evaluation
    questions; the original keeps its own."""
    event = make_event(slug="sos")
    EvaluationQuestion.objects.create(
        event=event, label="How was it?", kind=Kind.RATING, required=True, order=1
    )
    action = {"action": "duplicate_events", "_selected_action": [event.pk]}
    admin_client.post(CHANGELIST, action)
    copy = Event.objects.get(slug="sos-copy-1")
    assert list(copy.evaluation_questions.values_list(*FIELDS)) == [
        ("How was it?", "rating", True, 1)
    ]
    assert event.evaluation_questions.count() == 1


def test_an_answered_evaluation_question_is_kept(final_webinar):
    """A question attendees answered is not deleted (the event form says so
    on its row, as for registration questions), so the event's averages keep
    what was said; the event itself can still be deleted, answers and all."""
    event, (pat, _sam) = final_webinar
    services.submit_evaluation(token=token_of(pat), answers=default_answers(event))
    answered = event.evaluation_questions.first()
    with pytest.raises(RestrictedError):
        answered.delete()
    assert EvaluationAnswer.objects.filter(question=answered).exists()
    # Listed by the admin when it refuses, an answer never shows its words.
    written = EvaluationAnswer.objects.filter(text__startswith="More examples").get()
    assert "More examples" not in str(written)
    assert str(written.question.label) in str(written)
    event.delete()
    assert not EvaluationAnswer.objects.exists()
