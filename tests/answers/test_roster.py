"""The roster CSV (registrations/roster.py): one column per question of the
event, after the usual ones, and the member library beside what was typed."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.models import Question, Registration
from registrations.roster import ROSTER_COLUMNS, roster_response
from tests.builders import make_event

from .conftest import LABELS, ask_questions, full_answers, register

pytestmark = pytest.mark.django_db

Kind = Question.Kind


def read(response) -> list[list[str]]:
    """The CSV's rows (the header first), as a spreadsheet would read them."""
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def event_csv(client, event) -> list[list[str]]:
    url = reverse("admin:registrations_registration_roster", args=[event.pk])
    return read(client.get(url))


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *rest = rows
    return [dict(zip(header, row, strict=True)) for row in rest]


def test_one_column_per_question_after_the_usual_ones(admin_client, event, questions):
    """The header is the usual columns, then each question's label in the
    questions' order (not the order they were added in)."""
    register(event, 1)
    header = event_csv(admin_client, event)[0]
    assert header == [*ROSTER_COLUMNS, *LABELS]


def test_each_kind_of_answer_in_its_cell(admin_client, event, questions):
    """Short and long text as written, the one choice, several choices
    joined by "; ", yes/no as Yes or No; a question left unanswered, and a
    registrant who answered nothing, give empty cells."""
    register(event, 1, full_answers(questions))
    register(
        event,
        2,
        {questions["several"]: "Afternoon", questions["yes_no"]: "Yes"},
    )
    register(event, 3)

    first, second, third = as_dicts(event_csv(admin_client, event))

    assert [first[label] for label in LABELS] == [
        "Children's librarian",
        "Storytime ideas\nand outreach to schools",
        "Academic",
        "Morning; Evening",
        "No",
    ]
    assert [second[label] for label in LABELS] == ["", "", "", "Afternoon", "Yes"]
    assert [third[label] for label in LABELS] == ["", "", "", "", ""]
    assert first["Name"] == "Person 1"
    assert third["Email"] == "person3@example.org"


def test_an_event_without_questions_has_only_the_usual_columns(admin_client):
    """No question, no extra column: the CSV is as it always was."""
    event = make_event()
    register(event, 1)
    header, row = event_csv(admin_client, event)
    assert header == list(ROSTER_COLUMNS)
    assert len(row) == len(ROSTER_COLUMNS)


def test_member_library_beside_what_was_typed(admin_client, event, springfield):
    """The library the registration counts for sits right after the
    organization as the person typed it; empty for a non-member."""
    register(event, 1, email="ada@springfieldlibrary.org", organization="SPL kids")
    register(event, 2, organization="Shelbyville Historical Society")

    rows = event_csv(admin_client, event)
    header = rows[0]
    member, outsider = as_dicts(rows)

    typed = header.index("Library or organization")
    assert header[typed + 1] == "Member library"
    assert member["Library or organization"] == "SPL kids"
    assert member["Member library"] == "Springfield Public Library"
    assert outsider["Library or organization"] == "Shelbyville Historical Society"
    assert outsider["Member library"] == ""


def test_a_typed_formula_in_an_answer_or_a_label_is_defused(admin_client, event):
    """Answers are typed by the public and labels by staff: a leading = or
    + would run as a formula in a spreadsheet, so it is quoted."""
    question = Question.objects.create(
        event=event, kind=Kind.SHORT_TEXT, label="+Team size"
    )
    register(event, 1, {question: '=HYPERLINK("http://evil")'})
    header, row = event_csv(admin_client, event)
    assert header[-1] == "'+Team size"
    assert row[-1] == '\'=HYPERLINK("http://evil")'


def test_rows_of_several_events_share_a_column_per_label(admin_client):
    """Exporting rows picked across events: a label asked at both events
    is one column; a question only one event asked is empty for the other's
    rows; each event's own order is kept, the first event's coming first."""
    morning = make_event("Morning session")
    evening = make_event("Evening session", start=morning.start + timedelta(hours=5))
    role_m = Question.objects.create(
        event=morning, kind=Kind.SHORT_TEXT, label="Your role", order=2
    )
    parking = Question.objects.create(
        event=morning, kind=Kind.YES_NO, label="Need parking?", order=1
    )
    role_e = Question.objects.create(
        event=evening, kind=Kind.SHORT_TEXT, label="Your role", order=1
    )
    topic = Question.objects.create(
        event=evening, kind=Kind.LONG_TEXT, label="Topic", order=2
    )
    a = register(morning, 1, {role_m: "Cataloger", parking: "Yes"})
    b = register(evening, 2, {role_e: "Director", topic: "Budgets"})

    rows = read(
        admin_client.post(
            reverse("admin:registrations_registration_changelist"),
            {"action": "export_roster", "_selected_action": [a.pk, b.pk]},
        )
    )

    assert rows[0][len(ROSTER_COLUMNS) :] == ["Need parking?", "Your role", "Topic"]
    first, second = as_dicts(rows)
    assert (first["Need parking?"], first["Your role"], first["Topic"]) == (
        "Yes",
        "Cataloger",
        "",
    )
    assert (second["Need parking?"], second["Your role"], second["Topic"]) == (
        "",
        "Director",
        "Budgets",
    )


def test_two_questions_of_one_event_with_one_label_keep_their_own_columns(
    admin_client, event
):
    """Staff asked "Comments" twice: two columns, each answer in its own."""
    first = Question.objects.create(
        event=event, kind=Kind.SHORT_TEXT, label="Comments", order=1
    )
    second = Question.objects.create(
        event=event, kind=Kind.SHORT_TEXT, label="Comments", order=2
    )
    register(event, 1, {first: "one", second: "two"})
    header, row = event_csv(admin_client, event)
    assert header[len(ROSTER_COLUMNS) :] == ["Comments", "Comments"]
    assert row[len(ROSTER_COLUMNS) :] == ["one", "two"]


def filled_event(people: int, kinds: int):
    """An event asking ``kinds`` questions of which every one of ``people``
    registrants answers all, some of them members."""
    event = make_event(capacity=None)
    questions = list(ask_questions(event).values())[:kinds]
    Question.objects.filter(event=event).exclude(
        pk__in=[q.pk for q in questions]
    ).delete()
    answers = dict.fromkeys(questions, "Yes")
    for n in range(people):
        email = f"p{n}@springfieldlibrary.org" if n % 2 else f"p{n}@example.org"
        register(event, n, answers, email=email)
    return event


def test_the_csv_costs_three_queries_whatever_its_size(
    springfield, django_assert_num_queries
):
    """The questions, the registrations (with event and library) and their
    answers: three queries for 2 registrants and one question as for 20
    registrants and five questions."""
    small, big = filled_event(2, 1), filled_event(20, 5)
    for event, width in ((small, 1), (big, 5)):
        with django_assert_num_queries(3):
            rows = read(
                roster_response(Registration.objects.filter(event=event), "r.csv")
            )
        assert len(rows[0]) == len(ROSTER_COLUMNS) + width
        assert all(row[-1] == "Yes" for row in rows[1:])


def test_the_roster_download_costs_the_same_for_2_and_20_registrants(
    admin_client, springfield, django_assert_num_queries
):
    """The admin's per-event CSV runs as many queries for 20 registrants
    answering five questions as for 2 answering one."""
    small, big = filled_event(2, 1), filled_event(20, 5)
    event_csv(admin_client, small)  # the session and user, loaded once
    with CaptureQueriesContext(connection) as few:
        assert len(event_csv(admin_client, small)) == 3
    with django_assert_num_queries(len(few)):
        assert len(event_csv(admin_client, big)) == 21
