"""Emailing an event's registrants in a real Chromium: from the event's
admin page, "Email registrants", choose the waiting list, write, Preview
(the plain-text email and the HTML version's message, staff's "<b>" shown
as text), then "Send to 2 people": back on the event, told it is on its
way. axe-core finds no WCAG violation on the page with its preview, and
the page never breaks the CSP."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations.models import Message
from tests.builders import make_event
from tests.registrations.conftest import register

from .conftest import format_violations, sign_in_as_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_then_send_to_the_waiting_list(page, axe_violations):
    """In a real browser, staff choose the waiting list, write a message and
    preview it (the first person waiting greeted by name, staff's "<b>" shown
    as text); the page with its preview has no accessibility violations; "Send
    to 2 people" goes back to the event, which says the message is on its way
    to 2 people."""
    event = make_event(
        "Genealogy Basics",
        start=timezone.now() + timedelta(days=3),
        capacity=1,
        waitlist_enabled=True,
    )
    for name in ["Ada", "Ben", "Cleo"]:
        register(event, f"{name.lower()}@example.org", name=f"{name} Reader")
    sign_in_as_staff(page)
    page.goto(f"/admin/events/event/{event.pk}/change/")
    page.get_by_role("link", name="Email registrants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email registrants")

    page.get_by_label("People on the waiting list (2)").check()
    page.get_by_label("Subject").fill("A seat may open")
    page.get_by_label("Message").fill("Keep <b>Tuesday</b> free.\nThanks!")
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("#preview-text")).to_contain_text("Hello Ben Reader,")
    expect(page.locator("#preview-html")).to_have_text(
        "Keep <b>Tuesday</b> free.Thanks!"
    )
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    page.get_by_role("button", name="Send to 2 people").click()
    expect(page).to_have_url(re.compile(rf"/admin/events/event/{event.pk}/change/$"))
    expect(
        page.get_by_text("Your message “A seat may open” is on its way to 2 people.")
    ).to_be_visible()
    assert Message.objects.get().recipient_count == 2
