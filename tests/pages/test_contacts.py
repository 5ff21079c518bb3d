"""Issue 12, point 8: no page or email shows a placeholder contact. The
site-wide accessibility contact is shown where it is set; where it is not
(or is only an example address), the contact is left out."""

import pytest
from django.core import mail
from django.urls import reverse

from events.contacts import is_placeholder_address, public_email
from registrations.services import register_for_event
from tests import dom
from tests.builders import make_event

pytestmark = pytest.mark.django_db

PLACEHOLDER = "accessibility@almanac.invalid"


@pytest.mark.parametrize(
    "address",
    [
        PLACEHOLDER,
        "learning@almanac.INVALID",
        "a11y@calendar.test",
        "help@example.org",
        "help@calendar.example.com",
        "help@example.net.",
        "root@localhost",
        "x@site.example",
    ],
)
def test_addresses_on_reserved_domains_are_placeholders(address):
    """Domains reserved for examples and tests (RFC 2606, 6761) are never
    someone's mailbox: they count as placeholders, and are never shown."""
    assert is_placeholder_address(address)
    assert public_email(address) == ""


@pytest.mark.parametrize(
    "address", ["ce@ala.org", "sdonnelly@masslibsystem.org", "a@notexample.org"]
)
def test_real_addresses_are_shown(address):
    """An address on any other domain is shown as it is."""
    assert not is_placeholder_address(address)
    assert public_email(f" {address} ") == address


def test_nothing_set_is_nothing_shown():
    """No address, or blanks, is not shown either."""
    assert public_email("") == public_email(None) == public_email("  ") == ""


def sent_text(event, commit) -> tuple[str, str]:
    """The plain and HTML parts of the confirmation the event sends, once
    the registration commits (``commit``: pytest-django's
    ``django_capture_on_commit_callbacks``)."""
    mail.outbox.clear()
    with commit(execute=True):
        register_for_event(event_id=event.pk, name="Ada", email="ada@library.org")
    [message] = mail.outbox
    return message.body, message.alternatives[0][0]


@pytest.mark.parametrize("configured", ["", PLACEHOLDER, "access@example.org"])
def test_no_real_contact_leaves_it_out_of_page_and_email(
    client, settings, django_capture_on_commit_callbacks, configured
):
    """With no site-wide contact, or a placeholder one, an event without its
    own contact has no accessibility section on its page and no contact line
    in its email, and the placeholder appears nowhere."""
    settings.ALMANAC_ACCESSIBILITY_EMAIL = configured
    event = make_event("Open Webinar")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Accessibility Information" not in page
    assert "almanac.invalid" not in page
    main = dom.find(dom.parse(page), "main")
    assert not [href for href in dom.hrefs(main) if href.startswith("mailto:")]
    text, html = sent_text(event, django_capture_on_commit_callbacks)
    for part in (text, html):
        assert "Questions about accessibility" not in part
        assert "almanac.invalid" not in part
        assert not configured or configured not in part


def test_site_wide_contact_is_shown_on_page_email_and_statement(
    client, settings, django_capture_on_commit_callbacks
):
    """A real site-wide contact is the event's contact on its page and in its
    email, and the accessibility statement's address for barriers."""
    settings.ALMANAC_ACCESSIBILITY_EMAIL = "access@masslibsystem.org"
    settings.ALMANAC_ACCESSIBILITY_PHONE = "508-357-2121"
    event = make_event("Open Webinar")
    page = dom.parse(client.get(event.get_absolute_url()))
    section = dom.find(page, "section", **{"aria-labelledby": "accessibility-heading"})
    assert dom.hrefs(section) == ["mailto:access@masslibsystem.org", "tel:508-357-2121"]
    text, html = sent_text(event, django_capture_on_commit_callbacks)
    assert (
        "Questions about accessibility? Write to access@masslibsystem.org or call "
        "508-357-2121." in text
    )
    assert 'href="mailto:access@masslibsystem.org"' in html
    statement = client.get(reverse("events:accessibility")).content.decode()
    assert "mailto:access@masslibsystem.org" in statement
    assert "tel:508-357-2121" in statement


def test_an_events_own_placeholder_falls_back_to_the_site_contact(client, settings):
    """An event whose own address is a placeholder shows the site-wide
    contact instead, never its placeholder."""
    settings.ALMANAC_ACCESSIBILITY_EMAIL = "access@masslibsystem.org"
    event = make_event("Open Webinar", accessibility_email="help@webinar.invalid")
    assert event.accessibility_contact_email == "access@masslibsystem.org"
    page = client.get(event.get_absolute_url()).content.decode()
    assert "webinar.invalid" not in page
    assert "mailto:access@masslibsystem.org" in page


def test_a_phone_alone_is_shown(client, settings, django_capture_on_commit_callbacks):
    """A phone number without an address is still a contact: the page and the
    email give it, with no empty mail link."""
    settings.ALMANAC_ACCESSIBILITY_EMAIL = ""
    settings.ALMANAC_ACCESSIBILITY_PHONE = "312-280-5100"
    event = make_event("Open Webinar")
    page = dom.parse(client.get(event.get_absolute_url()))
    section = dom.find(page, "section", **{"aria-labelledby": "accessibility-heading"})
    assert dom.hrefs(section) == ["tel:312-280-5100"]
    assert "call 312-280-5100" in dom.text(section)
    text, _html = sent_text(event, django_capture_on_commit_callbacks)
    assert "Questions about accessibility? Call 312-280-5100." in text
    statement = client.get(reverse("events:accessibility")).content.decode()
    assert "mailto:" not in statement
    assert "tel:312-280-5100" in statement


def test_statement_and_privacy_without_a_contact_point_to_the_organizer(
    client, settings
):
    """Without a site-wide contact the accessibility statement and the
    privacy page send readers to the event's organizer, with no mail link."""
    settings.ALMANAC_ACCESSIBILITY_EMAIL = PLACEHOLDER
    settings.ALMANAC_ACCESSIBILITY_PHONE = ""
    for name in ("events:accessibility", "events:privacy"):
        page = client.get(reverse(name))
        main = dom.find(dom.parse(page), "main")
        assert not [h for h in dom.hrefs(main) if h.startswith("mailto:")], name
        assert "almanac.invalid" not in page.content.decode(), name
        assert "organizer named on the event" in dom.text_of(page), name
