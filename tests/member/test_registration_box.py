"""The event page leads a member back to the registration box: the form's
errors come back at the box, and on small screens a link near the title
points at it."""

import pytest
from django.urls import reverse

from registrations import services
from tests import dom
from tests.builders import make_event, registration_data

pytestmark = pytest.mark.django_db


def test_the_form_posts_to_the_box_so_a_refusal_lands_there(client):
    """The form's action ends with #register, the id of the box it sits in."""
    event = make_event()
    page = dom.parse(client.get(event.get_absolute_url()))
    box = dom.find(page, id="register")
    form = dom.find(box, "form", class_="registration-form")
    register_url = reverse("registrations:register", kwargs={"slug": event.slug})
    assert dom.attribute(form, "action") == register_url + "#register"


def test_a_refused_form_has_a_focusable_summary_linking_to_each_field(client):
    """A bad email: the summary takes focus (tabindex -1, data-error-summary
    for form-errors.js, which the page loads) and links to the email field."""
    event = make_event()
    response = client.post(
        reverse("registrations:register", kwargs={"slug": event.slug}),
        registration_data(email="ada@localhost"),
    )
    assert response.status_code == 200
    page = dom.parse(response)
    summary = dom.find(page, "div", data_error_summary=True)
    assert dom.attribute(summary, "tabindex") == "-1"
    assert dom.attribute(summary, "role") == "alert"
    assert dom.hrefs(summary) == ["#id_email"]
    assert dom.find_all(page, "input", id="id_email")
    scripts = [dom.attribute(s, "src") for s in dom.find_all(page, "script")]
    assert any(src.endswith("js/form-errors.js") for src in scripts)


def register_links(client, event) -> list:
    """The paragraphs in the page's header that link to the box."""
    page = dom.parse(client.get(event.get_absolute_url()))
    header = dom.find(page, "header", class_="mb-3")
    return [
        paragraph
        for paragraph in dom.find_all(header, "p", class_="register-link")
        if "#register" in dom.hrefs(paragraph)
    ]


def test_a_register_link_near_the_title_below_the_lg_breakpoint(client, commit):
    """While the event takes registrations, the header has a link to the
    box, hidden from lg up (d-lg-none), in the words of the form's button."""
    event = make_event(capacity=1)
    [paragraph] = register_links(client, event)
    assert "d-lg-none" in dom.attribute(paragraph, "class").split()
    assert dom.text(paragraph) == "Register"
    with commit():  # the seat taken moves the page cache's marker on commit
        services.register_for_event(event_id=event.pk, name="P", email="p@example.org")
    [paragraph] = register_links(client, event)
    assert dom.text(paragraph) == "Join the waiting list"


def test_no_register_link_when_the_event_takes_no_registrations(client):
    """Full without a waiting list, or closed: no link promising a form."""
    full = make_event(capacity=1, waitlist_enabled=False)
    services.register_for_event(event_id=full.pk, name="P", email="p@example.org")
    assert register_links(client, full) == []
    no_registration = make_event(registration_required=False)
    assert register_links(client, no_registration) == []
