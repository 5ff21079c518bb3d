"""The registration form on the event page with the event's own questions and
the library field (PRODUCT.md §9 and §10): what is shown, what a POST keeps,
and what comes back when something needs fixing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from members.models import LibraryDomain, MemberLibrary, active_domains
from registrations import services
from registrations.models import Answer, Question, Registration
from registrations.questions import field_name
from tests import dom
from tests.builders import eastern, make_event, post_registration
from tests.registrations.test_views import SEAT_POST_QUERIES

pytestmark = pytest.mark.django_db

Kind = Question.Kind
Who = Event.WhoMayRegister
OTHER = "Other / not listed"


def box(response):
    """The registration box of a page, parsed."""
    return dom.find(dom.parse(response), id="register")


def event_box(client, event):
    return box(client.get(event.get_absolute_url()))


def suggestions(element) -> list[str]:
    """What the library field suggests: its <datalist>'s options."""
    field = dom.find(element, "input", name="organization")
    datalist = dom.find(element, "datalist", id=dom.attribute(field, "list"))
    return [
        dom.attribute(option, "value") for option in dom.find_all(datalist, "option")
    ]


@pytest.fixture
def questions():
    """An event asking one question of each kind; only the role is required."""
    event = make_event(capacity=10)
    asked = {
        "job": Question(label="Job title", kind=Kind.SHORT_TEXT),
        "hopes": Question(label="What do you hope to learn?", kind=Kind.LONG_TEXT),
        "role": Question(
            label="Your role",
            kind=Kind.ONE_CHOICE,
            choices="Librarian\nDirector",
            required=True,
        ),
        "topics": Question(
            label="Topics", kind=Kind.SEVERAL_CHOICES, choices="Teens\nAdults\nSeniors"
        ),
        "first": Question(label="First time?", kind=Kind.YES_NO),
    }
    for order, question in enumerate(asked.values()):
        question.event, question.order = event, order
        question.save()
    return event, asked


def answers(asked, **values) -> dict[str, object]:
    """POST data for the questions, by their keys in ``asked``."""
    return {field_name(asked[key]): value for key, value in values.items()}


@pytest.fixture
def springfield():
    library = MemberLibrary.objects.create(name="Springfield Public Library")
    LibraryDomain.objects.create(library=library, domain="springfieldlibrary.org")
    return library


# Answers


def test_a_good_post_keeps_each_answer_as_text(client, questions):
    """The registration is made with one Answer per answered question: text
    as typed (trimmed), the choice, several choices one per line, "No"; an
    optional question left unanswered has no row."""
    event, asked = questions
    data = answers(
        asked,
        job=" Branch manager ",
        role="Director",
        topics=["Teens", "Seniors"],
        first="No",
    )
    response = post_registration(client, event, **data)
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    kept = {a.question.label: a.value for a in registration.answers.all()}
    assert kept == {
        "Job title": "Branch manager",
        "Your role": "Director",
        "Topics": "Teens\nSeniors",
        "First time?": "No",
    }


def test_bad_answers_come_back_on_the_page_and_nothing_is_kept(client, questions):
    """A required question unanswered and a choice not in the list: the form
    comes back with each message on its question's fieldset, linked from the
    summary to the question's first box, what was typed kept, and no
    registration or answer saved."""
    event, asked = questions
    data = answers(asked, job="Branch manager", topics=["Teens", "Astronauts"])
    response = post_registration(client, event, **data)
    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert not Answer.objects.exists()
    page = box(response)
    for key, message in (("role", "required"), ("topics", "valid choice")):
        name = field_name(asked[key])
        group = dom.find(page, id=f"div_id_{name}")
        error = dom.find(group, id=f"id_{name}_error")
        assert message in dom.text(error)
        fieldset = dom.find(group, "fieldset")
        assert f"id_{name}_error" in dom.attribute(fieldset, "aria-describedby")
        for checkbox in dom.find_all(group, "input", name=name):
            assert dom.attribute(checkbox, "aria-invalid") == "true"
        summary_link = f"#id_{name}_0"
        assert summary_link in dom.hrefs(dom.find(page, role="alert"))
        assert dom.find_all(page, id=summary_link[1:])
    job = dom.find(page, "input", name=field_name(asked["job"]))
    assert dom.attribute(job, "value") == "Branch manager"
    teens = dom.find(page, "input", name=field_name(asked["topics"]), value="Teens")
    assert dom.attribute(teens, "checked") is not None


def test_answers_cost_one_insert_under_the_lock(
    client, questions, django_assert_num_queries
):
    """A POST with answers costs what one without does, plus the answers'
    one insert under the lock, however many questions are answered: the
    service checks the questions the form loaded, without reading them
    again."""
    event, asked = questions
    data = answers(
        asked, job="A", hopes="B", role="Director", topics=["Teens"], first="Yes"
    )
    active_domains()  # in the cache, as after any earlier registration
    # Not the event's first: that one also makes the event's tally.
    services.register_for_event(event_id=event.pk, name="P", email="p@example.org")
    with django_assert_num_queries(SEAT_POST_QUERIES + 1):
        response = post_registration(client, event, **data)
    assert response.status_code == 302
    assert Answer.objects.count() == 5


def test_the_event_page_reads_the_questions_in_one_query(client):
    """The registration box asks as many queries for six questions as for
    one."""
    few, many = make_event(), make_event()
    Question.objects.create(event=few, label="Only", kind=Kind.SHORT_TEXT)
    for n in range(6):
        Question.objects.create(
            event=many, label=f"Q{n}", kind=Kind.ONE_CHOICE, choices="A\nB", order=n
        )
    with CaptureQueriesContext(connection) as one:
        client.get(few.get_absolute_url())
    with CaptureQueriesContext(connection) as six:
        page = event_box(client, many)
    assert len(six) == len(one)
    assert len(dom.find_all(page, "fieldset")) == 6


# The library field


def test_the_library_field_suggests_the_active_member_libraries(client):
    """The library field is a plain text input naming a <datalist> of the
    active member libraries by name, then "Other / not listed" on an event
    open to everyone; a library that left the consortium is not offered."""
    for name in ("Shelbyville Library", "Capital City Library"):
        MemberLibrary.objects.create(name=name)
    MemberLibrary.objects.create(name="Ogdenville Library", is_active=False)
    page = event_box(client, make_event())
    field = dom.find(page, "input", name="organization")
    assert dom.attribute(field, "type") == "text"
    assert dom.attribute(field, "list") == "member-libraries"
    assert suggestions(page) == ["Capital City Library", "Shelbyville Library", OTHER]
    assert not dom.find_all(page, "script")


def test_a_members_only_event_asks_for_the_library_from_the_list(client, springfield):
    """On a members-only event the list offers no "Other / not listed", and
    the field's help text, tied to it, says to pick the library from it."""
    page = event_box(client, make_event(who_may_register=Who.MEMBERS))
    assert suggestions(page) == ["Springfield Public Library"]
    field = dom.find(page, "input", name="organization")
    help_text = dom.find(page, id=dom.attribute(field, "aria-describedby"))
    assert "Pick your library from the list" in dom.text(help_text)


def test_other_is_offered_once_a_members_first_event_opens_to_all(
    clock, client, springfield
):
    """Members first: no "Other / not listed" until the event opens to
    everyone; from then on it is offered, and the help text is gone."""
    event = make_event(
        who_may_register=Who.MEMBERS_FIRST,
        open_to_everyone_at=clock.now + timedelta(days=1),
    )
    assert OTHER not in suggestions(event_box(client, event))
    clock.advance(days=1, seconds=1)
    page = event_box(client, event)
    assert suggestions(page)[-1] == OTHER
    field = dom.find(page, "input", name="organization")
    assert dom.attribute(field, "aria-describedby") is None


def test_any_library_may_be_typed_and_a_member_library_is_recorded(client, springfield):
    """The field takes any text, as typed; when it names a member library
    the registration records that library beside it."""
    event = make_event()
    post_registration(client, event, email="a@example.org", organization="My Co-op")
    post_registration(
        client, event, email="b@example.org", organization="springfield public library"
    )
    rows = Registration.objects.filter(event=event).order_by("email")
    assert [(r.organization, r.library) for r in rows] == [
        ("My Co-op", None),
        ("springfield public library", springfield),
    ]


# Who may register


def test_an_event_open_to_everyone_says_nothing_of_members(client):
    """No sentence about members on an event open to everyone."""
    assert "member libraries" not in dom.text(event_box(client, make_event()))


def test_a_members_only_event_says_who_may_register(client):
    """Above the form, once: for staff of member libraries, and how."""
    page = event_box(client, make_event(who_may_register=Who.MEMBERS))
    sentence = dom.find(page, "p", class_="who-may-register")
    assert dom.text(sentence) == (
        "For staff of member libraries. Register with your library email "
        "address, or name your library and we'll confirm your membership."
    )
    form = dom.find(page, "form", class_="registration-form")
    assert sentence not in dom.find_all(form)


def test_before_registration_opens_the_page_says_who_may_register(client, clock):
    """No form yet, but the members-only sentence is there beside the date
    registration opens; once registration has closed, it is not."""
    event = make_event(
        who_may_register=Who.MEMBERS,
        registration_opens=clock.now + timedelta(days=3),
    )
    page = event_box(client, event)
    assert not dom.find_all(page, "form")
    assert dom.find(page, "p", class_="who-may-register")
    clock.now = event.start
    assert not dom.find_all(event_box(client, event), "p", class_="who-may-register")


def test_a_members_first_event_says_until_when_on_its_own_clock(client):
    """Members first: until when, written as the event page writes times,
    in the event's time zone."""
    event = make_event(
        start=eastern(2031, 10, 21, 14),
        who_may_register=Who.MEMBERS_FIRST,
        open_to_everyone_at=eastern(2031, 10, 1, 9),
    )
    sentence = dom.find(event_box(client, event), "p", class_="who-may-register")
    assert dom.text(sentence) == (
        "Open to staff of member libraries until Wednesday, October 1, 2031, "
        "9:00am Eastern Time - US & Canada; then to everyone."
    )


def test_a_non_member_refused_sees_why_and_the_events_note(client):
    """A non-member on a members-only event: the form comes back with the
    refusal in its summary, and the event's own note on how non-members can
    attend, its line breaks kept; nothing is saved."""
    event = make_event(
        who_may_register=Who.MEMBERS,
        non_member_note="Register directly with ALA.\nA fee applies.",
    )
    response = post_registration(client, event, organization="")
    assert response.status_code == 200
    assert not Registration.objects.exists()
    summary = dom.find(box(response), role="alert")
    assert "This event is for staff of member libraries." in dom.text(summary)
    assert dom.find_all(summary, "br")
    html = response.content.decode()
    assert "Register directly with ALA.<br>A fee applies." in html
