"""The registration form's markup, as assistive technology reads it: every
input named by its label, required fields marked, help text and errors tied
to their inputs, and the honeypot out of everyone's way."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from registrations import services
from tests.builders import make_event, post_registration

pytestmark = pytest.mark.django_db

FIELDS = ("name", "email", "organization", "accommodation_request")


class Element:
    def __init__(self, tag: str, attrs: dict, parent: "Element | None"):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.text = ""

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Page(HTMLParser):
    """The elements of a page, with their attributes, ancestors and text."""

    VOID = frozenset({"input", "br", "img", "meta", "link", "hr"})

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        parent = self.open[-1] if self.open else None
        element = Element(tag, dict(attrs), parent)
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data

    def find(self, tag: str | None = None, **attrs) -> list[Element]:
        return [
            element
            for element in self.elements
            if (tag is None or element.tag == tag)
            and all(element.attrs.get(k) == v for k, v in attrs.items())
        ]

    def one(self, tag: str | None = None, **attrs) -> Element:
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    def by_id(self, ident: str) -> Element:
        return self.one(id=ident)

    def control(self, name: str) -> Element:
        found = [e for e in self.elements if e.attrs.get("name") == name]
        assert len(found) == 1, name
        return found[0]


def words(text: str) -> str:
    return " ".join(text.split())


def event_page(client, event) -> Page:
    return Page(client.get(event.get_absolute_url()).content.decode())


def posted_page(client, event, **fields) -> tuple[int, Page]:
    """POST the registration form (``tests.builders.registration_data``,
    ``fields`` changing what was typed); the status and the page."""
    response = post_registration(client, event, **fields)
    return response.status_code, Page(response.content.decode())


def test_every_field_is_named_by_a_label_tied_to_its_input(client):
    """Each input has an id, and one <label for> that id says what it is."""
    page = event_page(client, make_event(capacity=10))
    labels = {
        "name": "Name",
        "email": "Email",
        "organization": "Library or organization",
        "accommodation_request": "Accessibility or accommodation request",
    }
    for name, label in labels.items():
        control = page.control(name)
        assert control.attrs["id"] == f"id_{name}"
        assert words(page.one("label", **{"for": f"id_{name}"}).text).startswith(label)


def test_required_fields_say_so_to_browsers_and_to_people(client):
    """Name and email carry ``required`` and a visible marker in the label;
    the optional fields carry neither."""
    page = event_page(client, make_event(capacity=10))
    for name in ("name", "email"):
        assert "required" in page.control(name).attrs
        label = page.one("label", **{"for": f"id_{name}"})
        assert "requiredField" in label.attrs["class"]
        assert words(label.text).endswith("*")
    for name in ("organization", "accommodation_request"):
        assert "required" not in page.control(name).attrs
        assert "*" not in page.one("label", **{"for": f"id_{name}"}).text


def test_help_text_is_tied_to_its_input(client):
    """An input with help text points aria-describedby at it; one without
    has no aria-describedby."""
    page = event_page(client, make_event(capacity=10))
    email = page.control("email")
    assert email.attrs["aria-describedby"] == "id_email_helptext"
    assert "confirmation" in page.by_id("id_email_helptext").text
    request = page.control("accommodation_request")
    assert request.tag == "textarea"
    assert request.attrs["aria-describedby"] == "id_accommodation_request_helptext"
    assert "aria-describedby" not in page.control("name").attrs
    for name in FIELDS:
        assert "aria-invalid" not in page.control(name).attrs


def test_inputs_ask_browsers_to_fill_in_what_they_know(client):
    """autocomplete names the kind of data; the honeypot turns it off."""
    page = event_page(client, make_event(capacity=10))
    assert page.control("name").attrs["autocomplete"] == "name"
    assert page.control("email").attrs["autocomplete"] == "email"
    assert page.control("email").attrs["type"] == "email"
    assert page.control("organization").attrs["autocomplete"] == "organization"
    assert page.control("homepage").attrs["autocomplete"] == "off"


def test_errors_are_shown_next_to_their_field_and_tied_to_it(client):
    """A field with an error is aria-invalid, and its aria-describedby names
    the element holding the error (after its help text), which sits in the
    field's own group; fields without errors say nothing of the kind."""
    status, page = posted_page(client, make_event(capacity=10), name="", email="nope")
    assert status == 200
    name, email = page.control("name"), page.control("email")
    assert name.attrs["aria-invalid"] == "true"
    assert name.attrs["aria-describedby"] == "id_name_error"
    assert "is-invalid" in name.attrs["class"]
    assert "required" in words(page.by_id("id_name_error").text)
    assert email.attrs["aria-invalid"] == "true"
    assert email.attrs["aria-describedby"] == "id_email_helptext id_email_error"
    error = page.by_id("id_email_error")
    assert "valid email address" in words(error.text)
    assert page.by_id("div_id_email") in error.ancestors()
    for name in ("organization", "accommodation_request"):
        control = page.control(name)
        assert "aria-invalid" not in control.attrs
        assert "is-invalid" not in control.attrs["class"]


def test_a_form_wide_error_is_shown_above_the_fields(client, settings):
    """An error about the whole form (too many attempts) is listed in an
    alert at the top of the form, and what was typed is kept."""
    settings.REGISTRATION_RATE_LIMIT = "1/600"
    event = make_event(capacity=10)
    posted_page(client, event, email="first@example.org")
    status, page = posted_page(client, event, email="second@example.org")
    assert status == 429
    alert = page.one("div", **{"class": "alert alert-block alert-danger"})
    assert "Too many registration attempts" in words(alert.text)
    assert page.one("form", **{"class": "registration-form"}) in alert.ancestors()
    assert page.control("email").attrs["value"] == "second@example.org"


def test_what_was_typed_comes_back_escaped(client):
    """Values sent back into the form are escaped, in inputs and textarea."""
    typed = '"><script>alert(1)</script>'
    response = post_registration(
        client,
        make_event(capacity=10),
        name=typed,
        email="bad",
        accommodation_request=typed,
    )
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    page = Page(html)
    assert page.control("name").attrs["value"] == typed
    assert page.control("accommodation_request").text.strip() == typed


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    """The honeypot sits in an aria-hidden container hidden by a class, out
    of the tab order; the button says what it does."""
    page = event_page(client, make_event(capacity=10))
    honeypot = page.control("homepage")
    assert honeypot.attrs["tabindex"] == "-1"
    container = next(
        e for e in honeypot.ancestors() if "almanac-hp" in e.attrs.get("class", "")
    )
    assert container.attrs["aria-hidden"] == "true"
    button = page.one("input", type="submit")
    assert button.attrs["value"] == "Register"


def test_inputs_are_djangos_own_with_bootstraps_classes(client):
    """Each input is Django's stock widget (type, name, maxlength, required,
    autocomplete) with Bootstrap's classes, compared as HTML."""
    html = client.get(make_event(capacity=10).get_absolute_url()).content.decode()
    assertInHTML(
        '<input type="text" name="name" maxlength="200" required id="id_name"'
        ' autocomplete="name" class="textinput form-control">',
        html,
    )
    assertInHTML(
        '<input type="email" name="email" maxlength="254" required id="id_email"'
        ' autocomplete="email" class="emailinput form-control"'
        ' aria-describedby="id_email_helptext">',
        html,
    )
    assertInHTML(
        '<textarea name="accommodation_request" cols="40" rows="3" maxlength="2000"'
        ' id="id_accommodation_request" class="textarea form-control"'
        ' aria-describedby="id_accommodation_request_helptext"></textarea>',
        html,
    )
    assertInHTML(
        '<div class="almanac-hp" aria-hidden="true"><div id="div_id_homepage"'
        ' class="mb-3"><label for="id_homepage" class="form-label">Leave this'
        ' field empty</label><input type="text" name="homepage" id="id_homepage"'
        ' autocomplete="off" tabindex="-1" class="textinput form-control"></div>'
        "</div>",
        html,
    )


def test_the_form_posts_to_the_register_url_with_its_token(client):
    """The form posts to the event's register URL with a CSRF token."""
    event = make_event(capacity=10)
    page = event_page(client, event)
    form = page.one("form", **{"class": "registration-form"})
    assert form.attrs["method"] == "post"
    # Back at the registration box when the form is refused.
    assert form.attrs["action"] == (
        reverse("registrations:register", kwargs={"slug": event.slug}) + "#register"
    )
    assert form in page.control("csrfmiddlewaretoken").ancestors()
    assert form in page.one("input", type="submit").ancestors()


def test_the_button_offers_the_waiting_list_when_every_seat_is_taken(client):
    """With every seat taken the submit button reads "Join the waiting list",
    on the page and when a failed POST shows the form again."""
    event = make_event(capacity=1, waitlist_enabled=True)
    services.register_for_event(event_id=event.pk, name="P", email="p@example.org")
    button = event_page(client, event).one("input", type="submit")
    assert button.attrs["value"] == "Join the waiting list"
    assert button.attrs["name"] == "register"
    _status, page = posted_page(client, event, email="nope")
    assert page.one("input", type="submit").attrs["value"] == "Join the waiting list"


def test_the_error_summary_lists_each_error_and_links_to_its_field(client):
    """After a failed POST an alert at the top of the form, before the first
    field, sums up the errors: one link per field in error, pointing at its
    input; no entry for a field without errors; no summary on a fresh form."""
    event = make_event(capacity=10)
    assert not event_page(client, event).find(role="alert")
    _status, page = posted_page(client, event, name="", email="nope")
    summary = page.one(role="alert")
    assert "alert-danger" in summary.attrs["class"]
    form = page.one("form", **{"class": "registration-form"})
    assert form in summary.ancestors()
    assert page.elements.index(summary) < page.elements.index(page.control("name"))
    links = {
        link.attrs["href"]: words(link.text)
        for link in page.find("a")
        if summary in link.ancestors()
    }
    assert links == {
        "#id_name": "Name: This field is required.",
        "#id_email": "Email: Enter a valid email address.",
    }
    heading = next(e for e in page.find("h3") if summary in e.ancestors())
    assert words(heading.text)
