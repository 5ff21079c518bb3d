"""An event's own questions on the registration form (PRODUCT.md §10): each
kind as a field, validated like the form's other fields, and its answer as
the text ``Answer.value`` keeps; rendered on the event page so assistive
technology reads the question with its inputs, help text and errors."""

import pytest

from registrations.forms import RegistrationDetailsForm, RegistrationForm
from registrations.models import Question
from registrations.questions import field_name
from tests.builders import make_event, registration_data
from tests.dom import attribute, find, find_all, parse, text

pytestmark = pytest.mark.django_db

Kind = Question.Kind


def ask(event, kind, label="Your role", **fields) -> Question:
    """A question of ``event``; choice questions get three choices unless told."""
    if kind in Question.CHOICE_KINDS:
        fields.setdefault("choices", "Librarian\nDirector\n\nTrustee\n")
    return Question.objects.create(event=event, label=label, kind=kind, **fields)


def filled(questions, **answers) -> RegistrationForm:
    """The form bound to a member's standard fields and ``answers`` (keyed by
    the questions' field names)."""
    return RegistrationForm(registration_data(**answers), questions=questions)


def group(page, question):
    """The element holding a question's label or legend, inputs, help and
    errors on the page."""
    return find(page, "div", id=f"div_id_{field_name(question)}")


def words(element) -> str:
    return text(element).replace(" *", "*")


# Rendering


def test_a_short_text_question_is_a_labelled_one_line_input(client):
    """Short text: a text input of at most 200 characters, named by a
    <label for> that says the question, with its help text tied to it."""
    event = make_event()
    question = ask(event, Kind.SHORT_TEXT, "Your job title", help_text="As printed.")
    page = parse(client.get(event.get_absolute_url()))
    box = group(page, question)
    control = find(box, "input", name=field_name(question))
    assert attribute(control, "type") == "text"
    assert attribute(control, "maxlength") == "200"
    assert attribute(control, "required") is None
    label = find(box, "label", for_=attribute(control, "id"))
    assert text(label) == "Your job title"
    help_id = attribute(control, "aria-describedby")
    assert text(find(box, id=help_id)) == "As printed."


def test_a_long_text_question_is_a_textarea(client):
    """Long text: a labelled textarea of at most 2,000 characters; required,
    it says so to browsers and to people."""
    event = make_event()
    question = ask(event, Kind.LONG_TEXT, "What do you hope to learn?", required=True)
    page = parse(client.get(event.get_absolute_url()))
    box = group(page, question)
    control = find(box, "textarea", name=field_name(question))
    assert attribute(control, "maxlength") == "2000"
    assert attribute(control, "required") == ""
    label = find(box, "label", for_=attribute(control, "id"))
    assert words(label) == "What do you hope to learn?*"


@pytest.mark.parametrize(
    ("kind", "input_type", "options"),
    [
        (Kind.ONE_CHOICE, "radio", ["Librarian", "Director", "Trustee"]),
        (Kind.SEVERAL_CHOICES, "checkbox", ["Librarian", "Director", "Trustee"]),
        (Kind.YES_NO, "radio", ["Yes", "No"]),
    ],
)
def test_a_choice_question_is_a_fieldset_whose_legend_is_the_question(
    client, kind, input_type, options
):
    """Radios and checkboxes sit in a fieldset whose legend is the question:
    each box is named by its own <label for>, in the order staff listed the
    choices (blank lines skipped), and the fieldset points aria-describedby
    at the help text."""
    event = make_event()
    question = ask(event, kind, "Your role", required=True, help_text="Pick one.")
    page = parse(client.get(event.get_absolute_url()))
    fieldset = find(group(page, question), "fieldset")
    assert words(find(fieldset, "legend")) == "Your role*"
    boxes = find_all(fieldset, "input", name=field_name(question))
    assert {attribute(box, "type") for box in boxes} == {input_type}
    labels = [text(find(fieldset, "label", for_=attribute(b, "id"))) for b in boxes]
    assert labels == options
    assert [attribute(box, "value") for box in boxes] == options
    assert not [box for box in boxes if attribute(box, "checked") is not None]
    help_id = attribute(fieldset, "aria-describedby")
    assert text(find(fieldset, id=help_id)) == "Pick one."


@pytest.mark.parametrize("kind", [Kind.ONE_CHOICE, Kind.YES_NO])
def test_an_optional_radio_question_starts_on_no_answer(client, kind):
    """An optional one-choice or yes/no question offers "No answer", chosen
    to begin with: a radio once chosen cannot be unchosen, and leaving the
    question unanswered stays possible. A required one has no such choice."""
    event = make_event()
    optional = ask(event, kind, "Optional", order=1)
    required = ask(event, kind, "Required", order=2, required=True)
    page = parse(client.get(event.get_absolute_url()))
    first = find_all(group(page, optional), "input")[0]
    assert attribute(first, "value") == ""
    assert attribute(first, "checked") == ""
    assert text(find(page, "label", for_=attribute(first, "id"))) == "No answer"
    values = [attribute(b, "value") for b in find_all(group(page, required), "input")]
    assert "" not in values


def test_questions_come_after_the_standard_fields_in_their_order(client):
    """The questions follow the form's own fields, lowest order first, and
    the honeypot still comes last, out of sight."""
    event = make_event()
    second = ask(event, Kind.SHORT_TEXT, "Second", order=2)
    first = ask(event, Kind.YES_NO, "First", order=1)
    page = parse(client.get(event.get_absolute_url()))
    form = find(page, "form", class_="registration-form")
    names = [
        attribute(control, "name")
        for control in find_all(form)
        if control.name in {"input", "textarea"}
        and attribute(control, "type") not in {"hidden", "submit"}
    ]
    order = list(dict.fromkeys(names))
    assert order == [
        "name",
        "email",
        "organization",
        "accommodation_request",
        field_name(first),
        field_name(second),
        "homepage",
    ]


def test_staff_text_in_a_question_is_shown_as_typed(client):
    """Markup in a question's label, help text or choices is text, escaped,
    never elements of the page."""
    event = make_event()
    question = ask(
        event,
        Kind.ONE_CHOICE,
        "<b>Role</b>",
        help_text="<script>alert(1)</script>",
        choices="<i>Librarian</i>",
    )
    response = client.get(event.get_absolute_url())
    assert "<script>alert(1)" not in response.text
    box = group(parse(response), question)
    assert not find_all(box, "b") and not find_all(box, "i")
    assert not find_all(box, "script")
    assert text(find(box, "legend")) == "<b>Role</b>"
    assert text(find(box, class_="form-text")) == "<script>alert(1)</script>"


# Validation and answers


def test_a_required_question_left_empty_is_refused_on_its_field():
    """Every kind, required and left empty, says so on its own field."""
    event = make_event()
    questions = [
        ask(event, kind, order=n, required=True) for n, kind in enumerate(Kind)
    ]
    form = filled(questions)
    assert not form.is_valid()
    for question in questions:
        assert form.errors[field_name(question)] == ["This field is required."]
    assert set(form.errors) == {field_name(q) for q in questions}


def test_optional_questions_may_be_left_unanswered():
    """Optional questions left empty (a radio left on "No answer") are no
    answer at all: the form is valid and ``answers()`` is empty."""
    event = make_event()
    questions = [ask(event, kind, order=n) for n, kind in enumerate(Kind)]
    form = filled(questions, **{field_name(questions[-1]): ""})
    assert form.is_valid(), form.errors
    assert form.answers() == {}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (Kind.ONE_CHOICE, "Astronaut"),
        (Kind.ONE_CHOICE, "librarian"),
        (Kind.SEVERAL_CHOICES, ["Librarian", "Astronaut"]),
        (Kind.YES_NO, "Maybe"),
        (Kind.YES_NO, "yes"),
    ],
)
def test_a_choice_not_in_the_list_is_refused(kind, value):
    """Only the listed choices (or Yes and No), exactly as listed, are taken."""
    question = ask(make_event(), kind)
    form = filled([question], **{field_name(question): value})
    assert not form.is_valid()
    assert "valid choice" in form.errors[field_name(question)][0]


@pytest.mark.parametrize(
    ("kind", "limit"), [(Kind.SHORT_TEXT, 200), (Kind.LONG_TEXT, 2000)]
)
def test_an_answer_over_the_length_limit_is_refused(kind, limit):
    """Short text takes 200 characters, long text 2,000; one more is refused
    with a message that says the limit."""
    question = ask(make_event(), kind)
    name = field_name(question)
    assert filled([question], **{name: "x" * limit}).is_valid()
    form = filled([question], **{name: "x" * (limit + 1)})
    assert not form.is_valid()
    assert f"at most {limit} characters" in form.errors[name][0]


def test_a_short_answer_is_one_line_and_a_long_one_keeps_its_lines():
    """A short answer is printed on one line of a roster or CSV: a line break
    is refused; a long answer may hold several lines, but neither may hold
    characters that reorder the text on display."""
    event = make_event()
    short = ask(event, Kind.SHORT_TEXT, order=1)
    long = ask(event, Kind.LONG_TEXT, order=2)
    form = filled([short, long], **{field_name(short): "One\nTwo"})
    assert not form.is_valid()
    assert "one line" in form.errors[field_name(short)][0]
    form = filled([short, long], **{field_name(long): "One\nTwo"})
    assert form.is_valid()
    assert form.answers() == {long: "One\nTwo"}
    for question in (short, long):
        form = filled([short, long], **{field_name(question): "abc\u202edef"})
        assert not form.is_valid()
        assert "text-direction" in form.errors[field_name(question)][0]


def test_answers_are_the_text_the_roster_keeps():
    """``answers()`` maps each answered question to its text: short and
    long text trimmed, one choice as listed, several choices one per line in
    the order staff listed them, yes/no as "Yes" or "No"."""
    event = make_event()
    short = ask(event, Kind.SHORT_TEXT, order=1)
    long = ask(event, Kind.LONG_TEXT, order=2)
    one = ask(event, Kind.ONE_CHOICE, order=3)
    several = ask(event, Kind.SEVERAL_CHOICES, order=4)
    yes = ask(event, Kind.YES_NO, order=5)
    no = ask(event, Kind.YES_NO, order=6, required=True)
    form = filled(
        [short, long, one, several, yes, no],
        **{
            field_name(short): "  Branch manager ",
            field_name(long): "Weeding.\nDisplays.",
            field_name(one): "Director",
            field_name(several): ["Trustee", "Librarian"],
            field_name(yes): "Yes",
            field_name(no): "No",
        },
    )
    assert form.is_valid(), form.errors
    assert form.answers() == {
        short: "Branch manager",
        long: "Weeding.\nDisplays.",
        one: "Director",
        several: "Librarian\nTrustee",
        yes: "Yes",
        no: "No",
    }


def test_a_form_without_questions_has_only_its_own_fields():
    """An event without questions: the standard fields, and no answers."""
    form = filled([])
    assert form.is_valid()
    assert list(form.fields) == [
        "name",
        "email",
        "organization",
        "accommodation_request",
        "homepage",
    ]
    assert form.answers() == {}


def test_only_the_registration_form_suggests_libraries(django_assert_num_queries):
    """The registrant's own details form shares the library field but not
    its list: a plain text input, rendered without reading the directory."""
    form = RegistrationDetailsForm(token="x")
    with django_assert_num_queries(0):
        html = str(form["organization"])
    field = find(parse(html), "input", name="organization")
    assert attribute(field, "list") is None
    assert "datalist" not in html
