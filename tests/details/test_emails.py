"""Emails write times as the pages do, and their HTML is the consortium's,
styled for light and dark mail clients."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from registrations.emails import SUBJECTS, queue_email, write_email
from registrations.models import Certificate, OutboundEmail, Registration
from registrations.services import register_for_event
from tests.builders import eastern, make_event
from tests.dom import attribute, find, find_all, parse, text, text_of

pytestmark = pytest.mark.django_db

SITE = "Massachusetts Library System"


@pytest.fixture(autouse=True)
def _site_name(settings):
    settings.ALMANAC_SITE_NAME = SITE


def confirmation_for(event, capture_on_commit) -> mail.EmailMessage:
    """The confirmation a member gets on registering for ``event``."""
    mail.outbox.clear()
    with capture_on_commit(execute=True):
        register_for_event(
            event_id=event.pk, name="Ada Lovelace", email="ada@example.org"
        )
    [message] = mail.outbox
    return message


def html_part(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def test_emails_write_the_time_as_the_pages_and_the_seeds_do(
    django_capture_on_commit_callbacks,
):
    """ "2:00pm - 3:00pm", lowercase and without a space, in both parts of
    the email, in the words the event page uses for its date line."""
    event = make_event("Copyright Basics", start=eastern(2031, 10, 21, 14))
    message = confirmation_for(event, django_capture_on_commit_callbacks)
    line = "Tuesday, October 21, 2031, 2:00pm - 3:00pm Eastern Time - US & Canada"
    assert f"When: {line}" in message.body
    assert f"When: {line}" in text_of(html_part(message))
    for part in (message.body, html_part(message)):
        assert not re.search(r"\d:\d\d ?[AP]M", part)


def test_an_event_past_midnight_names_its_last_day_as_the_page_does(
    client, django_capture_on_commit_callbacks
):
    """An event that ends on a later day reads the same in the email and on
    its page."""
    event = make_event("Night owls", start=eastern(2031, 10, 31, 23, 30))
    message = confirmation_for(event, django_capture_on_commit_callbacks)
    span = "11:30pm - Saturday, November 1, 2031, 12:30am"
    assert f"Friday, October 31, 2031, {span} Eastern Time" in message.body
    assert f"Time: {span}" in text_of(client.get(event.get_absolute_url()))


def every_kind_of_email() -> list[OutboundEmail]:
    """One email of each kind about an event, as the services render them."""
    event = make_event(
        "Copyright Basics",
        format="hybrid",
        location="Worcester Public Library\nSaxe Room",
        join_url="https://zoom.example.org/j/123",
        recording_url="https://video.example.org/rec/1",
    )
    registration = register_for_event(
        event_id=event.pk, name="Ada Lovelace", email="ada@example.org"
    ).registration
    assert registration.status == Registration.Status.CONFIRMED
    # The certificate's email needs one, its PDF made.
    Certificate.objects.create(
        registration=registration,
        event=event,
        name=registration.name,
        email_normalized=registration.email_normalized,
        hours=Decimal("1.0"),
        issued_at=timezone.now(),
        pdf=b"%PDF-1.7",
        pdf_made_at=timezone.now(),
    )
    return [queue_email(registration=registration, kind=kind) for kind in SUBJECTS]


def test_every_html_email_is_styled_with_the_consortiums_name_for_dark_mode():
    """Each kind's HTML says both color schemes are meant (for Apple Mail,
    Outlook and Gmail's dark modes), gives colors for dark mode, styles its
    elements inline (clients that drop <style> keep them) and names the
    consortium in its header."""
    emails = every_kind_of_email()
    assert {email.kind for email in emails} == set(SUBJECTS)
    for email in emails:
        html = write_email(email).html
        root = parse(html)
        assert attribute(find(root, "meta", name="color-scheme"), "content") == (
            "light dark"
        ), email.kind
        supported = find(root, "meta", name="supported-color-schemes")
        assert attribute(supported, "content") == "light dark"
        [style] = re.findall(r"<style>(.*?)</style>", html, re.S)
        dark = style.split("@media (prefers-color-scheme: dark)", 1)
        assert len(dark) == 2 and "background-color" in dark[1], email.kind
        assert text(find(root, "td", class_="email-header")) == SITE
        body = find(root, "body")
        assert "background-color:" in attribute(body, "style")
        assert "color:" in attribute(body, "style")
        assert find_all(root, "table", class_="email-card"), email.kind
