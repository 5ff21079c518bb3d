"""Answers and member libraries in the admin (registrations/admin/roster.py):
on the roster page, a line per answer under each registrant; on the
registration's page, every question with its answer, and the library staff
may correct."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from members.models import MemberLibrary
from registrations import services
from registrations.models import Question, Registration
from tests.builders import make_event
from tests.dom import control_names, find, find_all, parse, text, text_of

from .conftest import ask_questions, full_answers, register

pytestmark = pytest.mark.django_db

ROSTER = reverse("admin:registrations_registration_changelist")


def roster(client, event=None):
    params = {"event__id__exact": event.pk} if event is not None else {}
    response = client.get(ROSTER, params)
    assert response.status_code == 200
    return parse(response)


def row_of(page, name: str):
    """The roster's row of the registrant called ``name``."""
    rows = [
        tr
        for tr in find_all(find(find(page, id="result_list"), "tbody"), "tr")
        if text(find(tr, "th", class_="field-name")) == name
    ]
    assert len(rows) == 1, f"{len(rows)} rows for {name}"
    return rows[0]


def cell(row, field: str) -> str:
    return text(find(row, "td", class_=f"field-{field}"))


def answer_lines(row) -> list[str]:
    return [
        text(line)
        for line in find_all(
            find(row, "td", class_="field-answers_in_brief"),
            "div",
            class_="roster-answer",
        )
    ]


def column_classes(page) -> list[str]:
    head = find(find(page, id="result_list"), "thead")
    return [
        c.removeprefix("column-")
        for th in find_all(head, "th")
        for c in dict(th.attributes).get("class", "").split()
        if c.startswith("column-")
    ]


def test_the_roster_shows_each_registrants_answers(admin_client, event, questions):
    """Each registrant's row lists their answers, one line each as
    "question: answer" in the questions' order, several choices joined by
    "; "; someone who answered nothing shows the admin's empty mark."""
    register(event, 1, full_answers(questions))
    register(event, 2, {questions["yes_no"]: "Yes"})
    register(event, 3)

    page = roster(admin_client, event)

    assert answer_lines(row_of(page, "Person 1")) == [
        "Your role: Children's librarian",
        "What would you like the session to cover?: Storytime ideas and "
        "outreach to schools",
        "Library type: Academic",
        "Sessions you will attend: Morning; Evening",
        "First webinar with us?: No",
    ]
    assert answer_lines(row_of(page, "Person 2")) == ["First webinar with us?: Yes"]
    assert cell(row_of(page, "Person 3"), "answers_in_brief") == "-"


def test_a_long_answer_is_shortened_on_the_roster_only(admin_client, event, questions):
    """On the roster a long answer stops at 60 characters, and a long
    question at 50, with an ellipsis, so each stays on one line; the
    registration's page has both whole."""
    essay = "We run a makerspace and want ideas for teen programs. " * 4
    question = questions["long"]
    question.label = "Which of our past webinars on early literacy did you attend?"
    question.save()
    registration = register(event, 1, {question: essay.strip()})

    [line] = answer_lines(row_of(roster(admin_client, event), "Person 1"))
    label, shown = line.split(": ")
    assert label == question.label[:49] + "…"
    assert shown == essay[:59] + "…"

    page = parse(
        admin_client.get(
            reverse("admin:registrations_registration_change", args=[registration.pk])
        )
    )
    listed = text(find(page, "dl", class_="registration-answers"))
    assert essay.strip() in listed
    assert question.label in listed


def test_answers_are_shown_as_text_not_markup(admin_client, event, questions):
    """Whatever the public types is escaped: markup in an answer is text."""
    registration = register(
        event, 1, {questions["short"]: "<b>Director</b><script>x()</script>"}
    )
    page = roster(admin_client, event)
    answers = find(row_of(page, "Person 1"), "td", class_="field-answers_in_brief")
    assert find_all(answers, "b") == []
    assert find_all(answers, "script") == []
    assert "<b>Director</b>" in text(answers)

    change = parse(
        admin_client.get(
            reverse("admin:registrations_registration_change", args=[registration.pk])
        )
    )
    listed = find(change, "dl", class_="registration-answers")
    assert find_all(listed, "b") == []
    assert "<b>Director</b>" in text(listed)


def test_the_roster_shows_the_member_library_beside_what_was_typed(
    admin_client, event, springfield
):
    """The member library has a column right after the organization as
    typed; a non-member's is empty."""
    register(event, 1, email="ada@springfieldlibrary.org", organization="SPL kids")
    register(event, 2, organization="Shelbyville Historical Society")

    page = roster(admin_client, event)

    columns = column_classes(page)
    assert columns[columns.index("organization") + 1] == "library"
    member, outsider = row_of(page, "Person 1"), row_of(page, "Person 2")
    assert cell(member, "organization") == "SPL kids"
    assert cell(member, "library") == "Springfield Public Library"
    assert cell(outsider, "library") == "-"


def test_the_roster_finds_registrants_by_member_library(
    admin_client, event, springfield
):
    """Searching the roster for a library's name finds its members, whatever
    they typed."""
    register(event, 1, email="ada@springfieldlibrary.org", organization="SPL")
    register(event, 2, organization="Shelbyville")
    response = admin_client.get(ROSTER, {"q": "springfield public"})
    names = [text(th) for th in find_all(find(parse(response), "tbody"), "th")]
    assert names == ["Person 1"]


def test_no_answers_column_for_an_event_without_questions(admin_client, event):
    """An event that asks nothing has no answers column on its roster; one
    that asks has it, and so does the roster of every event."""
    plain = make_event()
    register(plain, 1)
    assert "answers_in_brief" not in column_classes(roster(admin_client, plain))
    ask_questions(event)
    register(event, 2)
    assert "answers_in_brief" in column_classes(roster(admin_client, event))
    assert "answers_in_brief" in column_classes(roster(admin_client))


def filled_event(people: int, kinds: int, library):
    """An event with ``kinds`` questions which each of ``people`` answers,
    every other one from a member library."""
    event = make_event(capacity=None)
    questions = list(ask_questions(event).values())
    for question in questions[kinds:]:
        question.delete()
    answers = dict.fromkeys(questions[:kinds], "Yes")
    for n in range(people):
        email = f"p{n}@springfieldlibrary.org" if n % 2 else f"p{n}@example.org"
        register(event, n, answers, email=email)
    return event


def test_the_roster_page_costs_the_same_for_2_and_20_registrants(
    admin_client, springfield, django_assert_num_queries
):
    """A roster of 20 registrants answering five questions, with their
    libraries, runs as many queries as one of 2 answering one question."""
    small = filled_event(2, 1, springfield)
    big = filled_event(20, 5, springfield)
    roster(admin_client, small)  # the session and user, loaded once
    with CaptureQueriesContext(connection) as few:
        page = roster(admin_client, small)
    assert len(find_all(find(page, "tbody"), "tr")) == 2
    with django_assert_num_queries(len(few)):
        page = roster(admin_client, big)
    rows = find_all(find(page, "tbody"), "tr")
    assert len(rows) == 20
    assert all(len(answer_lines(row)) == 5 for row in rows)


def change_url(registration) -> str:
    return reverse("admin:registrations_registration_change", args=[registration.pk])


def test_the_registration_page_lists_every_question_and_answer(
    admin_client, event, questions
):
    """The registration's page lists each of the event's questions in order,
    with the answer in full (line breaks kept) or "No answer"."""
    registration = register(
        event,
        1,
        {
            questions["long"]: "Storytime ideas\nand outreach",
            questions["several"]: "Morning\nEvening",
        },
    )
    page = parse(admin_client.get(change_url(registration)))
    listed = find(page, "dl", class_="registration-answers")
    pairs = list(
        zip(
            [text(dt) for dt in find_all(listed, "dt")],
            [text(dd) for dd in find_all(listed, "dd")],
            strict=True,
        )
    )
    assert pairs == [
        ("Your role", "No answer"),
        ("What would you like the session to cover?", "Storytime ideas and outreach"),
        ("Library type", "No answer"),
        ("Sessions you will attend", "Morning; Evening"),
        ("First webinar with us?", "No answer"),
    ]
    long_answer = find_all(listed, "dd")[1]
    assert len(find_all(long_answer, "br")) == 1


def test_the_registration_page_of_an_event_without_questions(admin_client):
    """An event that asks nothing says so instead of an empty list."""
    registration = register(make_event(), 1)
    response = admin_client.get(change_url(registration))
    assert "This event asks no questions of its own." in response.text


def test_staff_correct_the_member_library_but_never_the_status(
    admin_client, event, springfield
):
    """The library is a choice of the active member libraries; staff save
    another one, and the page offers no control for the status, which a
    posted value does not change."""
    MemberLibrary.objects.create(name="Closed Branch", is_active=False)
    shelbyville = MemberLibrary.objects.create(name="Shelbyville Library")
    registration = register(event, 1, organization="Springfield PL")
    assert registration.library is None

    page = parse(admin_client.get(change_url(registration)))
    select = find(page, "select", name="library")
    options = [text(option) for option in find_all(select, "option")]
    # After the empty choice: active libraries only, by name.
    assert options[1:] == ["Shelbyville Library", "Springfield Public Library"]
    assert "status" not in control_names(page)

    response = admin_client.post(
        change_url(registration),
        {
            "name": "Person 1",
            "organization": "Springfield PL",
            "library": springfield.pk,
            "accommodation_request": "",
            "status": Registration.Status.CANCELLED,
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.library == springfield
    assert registration.status == Registration.Status.CONFIRMED
    assert shelbyville.registrations.count() == 0


def test_a_library_that_left_stays_on_its_registrations(admin_client, event):
    """A registration's library that is no longer active is still offered
    on its page, so saving a typo fix keeps it."""
    gone = MemberLibrary.objects.create(name="Closed Branch")
    registration = register(event, 1)
    Registration.objects.filter(pk=registration.pk).update(library=gone)
    MemberLibrary.objects.filter(pk=gone.pk).update(is_active=False)

    page = parse(admin_client.get(change_url(registration)))
    select = find(page, "select", name="library")
    assert "Closed Branch" in [text(option) for option in find_all(select, "option")]
    admin_client.post(
        change_url(registration),
        {
            "name": "Person One",
            "organization": "",
            "library": gone.pk,
            "accommodation_request": "",
        },
    )
    registration.refresh_from_db()
    assert (registration.name, registration.library) == ("Person One", gone)


def test_the_page_of_a_purged_registration_says_its_answers_are_gone(
    admin_client, event, questions
):
    """Once the personal data is purged the page says the answers were
    erased, and shows none of them."""
    registration = register(event, 1, full_answers(questions))
    ended = timezone.now() - timedelta(days=100)
    Event.objects.filter(pk=event.pk).update(
        start=ended - timedelta(hours=1), end=ended
    )
    assert services.purge_personal_data() == 1

    page = text_of(admin_client.get(change_url(registration)))
    assert "Erased with the rest of the registrant's personal data." in page
    assert "Children's librarian" not in page
    assert "Your role" not in page
    assert Question.objects.filter(event=event).count() == 5
