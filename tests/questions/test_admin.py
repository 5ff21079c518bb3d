"""Registration questions in the event admin: edited inline on the event's
own form right after its registration settings, refused on their row when a
choice question lists no choices, kept when someone answered them, and
copied by "Duplicate selected events"."""

import pytest
from django.urls import reverse

from events.models import Event
from registrations import services
from registrations.models import Answer, Question
from tests.builders import make_event
from tests.dom import attribute, find, find_all, parse, text
from tests.events.test_admin import CHANGELIST, event_form_data

pytestmark = pytest.mark.django_db

Kind = Question.Kind
ADD = reverse("admin:events_event_add")


def question_rows(*rows: dict) -> dict[str, str]:
    """The questions inline's POST data: its management form and ``rows``."""
    data = {
        "questions-TOTAL_FORMS": str(len(rows)),
        "questions-INITIAL_FORMS": "0",
    }
    for n, row in enumerate(rows):
        row = {"choices": "", "help_text": "", "order": "0", **row}
        data |= {f"questions-{n}-{name}": value for name, value in row.items()}
    return data


def test_the_event_form_has_the_questions_inline_in_their_order(admin_client):
    """The event's change form lists its questions, lowest order first, each
    with its label, kind, choices, help text, required and order."""
    event = make_event()
    Question.objects.create(event=event, label="Second", kind=Kind.YES_NO, order=2)
    Question.objects.create(event=event, label="First", kind=Kind.SHORT_TEXT, order=1)
    response = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert response.status_code == 200
    page = parse(response)
    labels = [
        find(page, "input", name=f"questions-{n}-label").attributes for n in (0, 1)
    ]
    assert [dict(attrs)["value"] for attrs in labels] == ["First", "Second"]
    for name in ("kind", "choices", "help_text", "required", "order"):
        assert find_all(page, name=f"questions-0-{name}")


def test_questions_added_with_the_event_are_saved(admin_client):
    """Staff add an event and its questions in one form; each is saved with
    what was typed."""
    data = event_form_data(
        **question_rows(
            {
                "label": "Your role",
                "kind": Kind.ONE_CHOICE,
                "choices": "Librarian\nDirector",
                "help_text": "Pick the closest.",
                "required": "on",
                "order": "1",
            },
            {"label": "First time?", "kind": Kind.YES_NO, "order": "2"},
        )
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 302
    event = Event.objects.get(slug=data["slug"])
    saved = [
        (q.label, q.kind, q.choice_list, q.help_text, q.required, q.order)
        for q in event.questions.all()
    ]
    assert saved == [
        (
            "Your role",
            "one_choice",
            ["Librarian", "Director"],
            "Pick the closest.",
            True,
            1,
        ),
        ("First time?", "yes_no", [], "", False, 2),
    ]


def form_sections(response) -> list[str]:
    """The event form's fieldsets (by heading) and inline groups (by id), in
    the order the page shows them."""
    sections = []
    for element in find_all(parse(response)):
        classes = (attribute(element, "class") or "").split()
        if element.name == "h2" and "fieldset-heading" in classes:
            sections.append(text(element))
        elif element.name == "div" and "inline-group" in classes:
            sections.append(attribute(element, "id"))
    return sections


@pytest.mark.parametrize("page", ["add", "change"])
def test_the_questions_come_right_after_the_registration_settings(admin_client, page):
    """On the event's add and change pages, the questions inline comes once,
    right after the "Registration settings" fieldset and before
    "Attendance and CE credit"; the presenters and outcomes stay after "When and
    where"."""
    if page == "add":
        url = ADD
    else:
        event = make_event()
        Question.objects.create(event=event, label="Your role", kind=Kind.SHORT_TEXT)
        url = reverse("admin:events_event_change", args=[event.pk])
    sections = form_sections(admin_client.get(url))
    assert sections.count("questions-group") == 1
    settings = sections.index("Registration settings")
    assert sections[settings : settings + 3] == [
        "Registration settings",
        "questions-group",
        "Attendance and CE credit",
    ]
    where = sections.index("When and where")
    assert sections[where + 1 : where + 3] == [
        "presenter_slots-group",
        "outcomes-group",
    ]


@pytest.mark.parametrize("kind", [Kind.ONE_CHOICE, Kind.SEVERAL_CHOICES])
def test_a_choice_question_without_choices_is_refused_on_its_row(admin_client, kind):
    """A choice question whose choices are blank comes back with the message
    on its own row; nothing is saved."""
    data = event_form_data(
        **question_rows(
            {"label": "Fine", "kind": Kind.SHORT_TEXT},
            {"label": "Your role", "kind": kind, "choices": " \n \n"},
        )
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "questions"
    ]
    assert formset.forms[0].errors == {}
    assert formset.forms[1].errors == {"choices": ["List the choices, one per line."]}
    assert "List the choices, one per line." in text(parse(response))
    assert not Event.objects.filter(slug=data["slug"]).exists()
    assert not Question.objects.exists()


def test_duplicating_an_event_copies_its_questions(admin_client):
    """The admin's "Duplicate" action gives the copy the same questions, in
    the same order; the original keeps its own."""
    event = make_event(slug="sos")
    Question.objects.create(
        event=event,
        label="Your role",
        kind=Kind.ONE_CHOICE,
        choices="Librarian\nDirector",
        help_text="Pick one.",
        required=True,
        order=1,
    )
    Question.objects.create(event=event, label="First time?", kind=Kind.YES_NO, order=2)
    action = {"action": "duplicate_events", "_selected_action": [event.pk]}
    response = admin_client.post(CHANGELIST, action, follow=True)
    copy = Event.objects.get(slug="sos-copy-1")
    fields = ("label", "kind", "choices", "help_text", "required", "order")
    assert list(copy.questions.values_list(*fields)) == list(
        event.questions.values_list(*fields)
    )
    assert event.questions.count() == 2
    assert not set(copy.questions.all()) & set(event.questions.all())
    message = str(next(iter(response.context["messages"])))
    assert "Created 1 unpublished copy" in message


def test_a_question_added_in_the_admin_shows_on_the_cached_event_page(
    admin_client, client
):
    """Saving the event's form with a new question makes the cached event
    page stale: the next visitor sees the question."""
    event = make_event(slug="sos")
    assert "Your role" not in client.get(event.get_absolute_url()).text
    data = event_form_data(
        slug="sos",
        title=event.title,
        **question_rows({"label": "Your role", "kind": Kind.SHORT_TEXT}),
    )
    url = reverse("admin:events_event_change", args=[event.pk])
    assert admin_client.post(url, data).status_code == 302
    assert "Your role" in client.get(event.get_absolute_url()).text


def answered_and_unanswered(admin_client):
    """An event added in the admin with two questions, the first answered
    by one registrant; the change form's POST data for both rows."""
    data = event_form_data(
        **question_rows(
            {"label": "Your role", "kind": Kind.SHORT_TEXT, "order": "1"},
            {"label": "Unused", "kind": Kind.SHORT_TEXT, "order": "2"},
        )
    )
    assert admin_client.post(ADD, data).status_code == 302
    event = Event.objects.get(slug=data["slug"])
    role, unused = event.questions.order_by("order")
    services.register_for_event(
        event_id=event.pk,
        name="Ada Reader",
        email="ada@example.org",
        answers={role: "Director"},
    )
    data |= {"questions-INITIAL_FORMS": "2"}
    data |= {"questions-0-id": str(role.pk), "questions-1-id": str(unused.pk)}
    return event, role, unused, data


def test_a_question_someone_answered_is_not_deleted(admin_client):
    """Ticking "Delete" on a question a registrant answered is refused on
    the page, and the question and the answer stay; a question nobody
    answered is deleted."""
    event, role, _unused, data = answered_and_unanswered(admin_client)
    change = reverse("admin:events_event_change", args=[event.pk])
    response = admin_client.post(change, data | {"questions-0-DELETE": "on"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        text(parse(response))
    )
    assert Question.objects.filter(pk=role.pk).exists()
    assert Answer.objects.get().value == "Director"
    response = admin_client.post(change, data | {"questions-1-DELETE": "on"})
    assert response.status_code == 302
    assert list(event.questions.all()) == [role]


def test_an_event_with_answers_can_still_be_deleted(admin_client):
    """Deleting the whole event takes its registrations, their answers and
    its questions with it, as before."""
    event, _role, _unused, _data = answered_and_unanswered(admin_client)
    event.delete()
    assert not Question.objects.exists()
    assert not Answer.objects.exists()
