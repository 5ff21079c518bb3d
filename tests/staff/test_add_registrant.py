"""Staff adding someone who phoned, from the event's roster: the public
form's fields and rules, the event's own questions, the same service, and
staff choose the email."""

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Event
from registrations.models import Answer, OutboundEmail, Question, Registration
from tests.answers.conftest import LABELS, ask_questions, springfield  # noqa: F401
from tests.builders import make_event
from tests.dom import attribute, find, find_all, hrefs, parse, text, text_of
from tests.registrations.conftest import register, token_from

pytestmark = pytest.mark.django_db

ROSTER = reverse("admin:registrations_registration_changelist")


def add_url(event) -> str:
    return reverse("admin:registrations_registration_add_registrant", args=[event.pk])


def add(client, event, **fields):
    data = {"name": "Ada Lovelace", "email": "ada@example.org", "notify": "on"}
    data.update(fields)
    return client.post(add_url(event), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_roster_of_one_event_links_to_the_form(staff_client):
    """Filtered to one event, the roster offers "Add a registrant" for it."""
    event = make_event()
    page = parse(staff_client.get(ROSTER, {"event__id__exact": event.pk}))
    assert add_url(event) in hrefs(page)


def test_staff_add_someone_who_is_emailed_their_link(staff_client, commit):
    """With "email them" ticked, the person holds a seat and gets the same
    confirmation as the public form sends, with a link that works; staff
    land back on the roster with a message."""
    event = make_event("Copyright Basics")
    with commit():
        response = add(staff_client, event, organization="Springfield Public Library")
    ada = Registration.objects.get(email="ada@example.org")
    assert (ada.event, ada.status, ada.organization) == (
        event,
        "confirmed",
        "Springfield Public Library",
    )
    assert response.redirect_chain[-1][0] == f"{ROSTER}?event__id__exact={event.pk}"
    assert messages_of(response) == [
        "Ada Lovelace has a seat at Copyright Basics. They were emailed their "
        "confirmation and link."
    ]
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "You're registered: Copyright Basics"
    manage = reverse("registrations:manage", kwargs={"token": token_from(message)})
    assert staff_client.get(manage).status_code == 200


def test_staff_may_choose_not_to_email(staff_client, commit):
    """Unticked, the person is registered and nothing is queued."""
    event = make_event("Copyright Basics")
    with commit():
        response = add(staff_client, event, notify="")
    assert Registration.objects.filter(email="ada@example.org").exists()
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []
    assert messages_of(response)[0].endswith("Nobody was emailed.")


def test_a_full_event_puts_them_on_its_waiting_list(staff_client):
    """The same rules as the public form: no seat free, the waiting list."""
    event = make_event("Copyright Basics", capacity=1)
    register(event, 1)
    response = add(staff_client, event)
    assert Registration.objects.get(email="ada@example.org").status == "waitlisted"
    assert messages_of(response)[0].startswith(
        "Copyright Basics is full: Ada Lovelace is on its waiting list, number 1."
    )


def test_a_refusal_is_said_on_the_form(staff_client):
    """A full event without a waiting list refuses, with the public form's
    reason above the fields; what staff typed stays."""
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, 1)
    response = add(staff_client, event)
    assert response.status_code == 200
    page = parse(response)
    assert "Sorry, this event is full." in text(find(page, class_="errorlist"))
    assert 'value="Ada Lovelace"' in response.text
    assert not Registration.objects.filter(email="ada@example.org").exists()


def test_the_public_forms_field_rules_apply(staff_client):
    """A mistyped address is an error on the email field, not a crash."""
    event = make_event()
    response = add(staff_client, event, email="ada-at-example.org")
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_someone_already_registered_is_left_as_they_are(staff_client, commit):
    """Adding an address that already holds a seat changes nothing and says
    so; the email is not sent twice within minutes."""
    event = make_event("Copyright Basics")
    with commit():
        register(event, "ada@example.org", name="Ada Lovelace")
        response = add(staff_client, event)
    assert Registration.objects.filter(email="ada@example.org").count() == 1
    assert messages_of(response) == [
        "Ada Lovelace was already registered for Copyright Basics (Confirmed); "
        "nothing changed."
    ]
    assert len(mail.outbox) == 1


def test_an_unknown_event_is_a_404(staff_client):
    """The form for an event that does not exist is not found."""
    response = staff_client.get(
        reverse("admin:registrations_registration_add_registrant", args=[999999])
    )
    assert response.status_code == 404


def test_someone_already_registered_gets_their_email_again_later(
    staff_client, commit, clock
):
    """Some minutes on, adding the same address again re-sends their email
    (with the same link), and the message says so."""
    event = make_event("Copyright Basics")
    with commit():
        register(event, "ada@example.org", name="Ada Lovelace")
    clock.advance(minutes=6)
    with commit():
        response = add(staff_client, event)
    assert messages_of(response) == [
        "Ada Lovelace was already registered for Copyright Basics (Confirmed); "
        "their email was sent again."
    ]
    assert len(mail.outbox) == 2
    assert token_from(mail.outbox[0]) == token_from(mail.outbox[1])


def test_the_form_asks_the_events_questions_before_the_email_choice(staff_client):
    """The page asks the event's questions, in their order, after the
    public form's fields and before "email them"."""
    event = make_event()
    questions = ask_questions(event)
    page = parse(staff_client.get(add_url(event)))
    form = find(page, "form", id="add-registrant-form")
    names = []
    for control in find_all(form, name=True):
        # A radio group or a set of checkboxes is one question.
        if attribute(control, "name") not in names:
            names.append(attribute(control, "name"))
    in_order = sorted(questions.values(), key=lambda q: q.order)
    assert names == [
        "csrfmiddlewaretoken",
        "name",
        "email",
        "organization",
        "accommodation_request",
        *(f"question_{q.pk}" for q in in_order),
        "notify",
    ]
    assert [q.label for q in in_order] == LABELS
    for label in LABELS:
        assert label in text(form)


def test_the_answers_staff_type_are_recorded(staff_client):
    """A phone registration records the answers as the public form would:
    several choices one per line, yes/no as "Yes"/"No"; an optional question
    left empty has no answer."""
    event = make_event()
    questions = ask_questions(event)
    response = add(
        staff_client,
        event,
        **{
            f"question_{questions['short'].pk}": "Children's librarian",
            f"question_{questions['one'].pk}": "Academic",
            f"question_{questions['several'].pk}": ["Evening", "Morning"],
            f"question_{questions['yes_no'].pk}": "No",
        },
    )
    assert response.status_code == 200
    ada = Registration.objects.get(email="ada@example.org")
    answers = dict(ada.answers.values_list("question__label", "value"))
    assert answers == {
        "Your role": "Children's librarian",
        "Library type": "Academic",
        "Sessions you will attend": "Morning\nEvening",
        "First webinar with us?": "No",
    }


def test_a_required_question_is_required_here_too(staff_client):
    """A required question left unanswered is an error on its field; nobody
    is registered."""
    event = make_event()
    question = Question.objects.create(
        event=event, label="Your role", kind=Question.Kind.SHORT_TEXT, required=True
    )
    response = add(staff_client, event)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [f"question_{question.pk}"]
    assert "This field is required." in text(find(parse(response), class_="errorlist"))
    assert not Registration.objects.exists()
    assert not Answer.objects.exists()


def test_a_members_only_refusal_is_said_on_the_form(staff_client):
    """On an event for members only, someone with neither a member address
    nor a member library named is refused on the page, with the event's
    note for non-members; nobody is registered and nothing is sent."""
    event = make_event(
        who_may_register=Event.WhoMayRegister.MEMBERS,
        non_member_note="Register directly with ALA; a fee applies.",
    )
    response = add(staff_client, event, organization="Acme Books")
    assert response.status_code == 200
    page = parse(response)
    refusal = text(find(page, "ul", class_="nonfield"))
    assert refusal.startswith("This event is for staff of member libraries.")
    assert refusal.endswith("Register directly with ALA; a fee applies.")
    assert 'value="Ada Lovelace"' in response.text
    assert not Registration.objects.exists()
    assert OutboundEmail.objects.count() == 0


def test_someone_naming_a_member_library_awaits_approval(
    staff_client,
    commit,
    springfield,  # noqa: F811
):
    """On an event for members only, someone who names a member library from
    another address is added as awaiting approval, and the message says so
    (no seat, no waiting list number); they get the awaiting-approval email."""
    event = make_event(
        "Copyright Basics", who_may_register=Event.WhoMayRegister.MEMBERS
    )
    with commit():
        response = add(staff_client, event, organization="springfield public library")
    ada = Registration.objects.get(email="ada@example.org")
    assert (ada.status, ada.library) == ("awaiting_approval", springfield)
    assert messages_of(response) == [
        "Ada Lovelace is awaiting approval for Copyright Basics: their address "
        "is not on a member library's domain, so no seat is held until they "
        "are approved on this roster. They were emailed that their membership "
        "is being checked."
    ]
    [message] = mail.outbox
    assert message.subject == "We'll confirm your membership: Copyright Basics"


def test_the_page_says_who_may_register_on_an_event_for_members(staff_client):
    """The page of an event for members only says the rule before the form;
    an event open to everyone does not."""
    members = make_event(who_may_register=Event.WhoMayRegister.MEMBERS)
    everyone = make_event()
    rule = "This event is for staff of member libraries"
    assert rule in text_of(staff_client.get(add_url(members)))
    assert rule not in text_of(staff_client.get(add_url(everyone)))
