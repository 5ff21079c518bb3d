"""What members and staff do, in a real Chromium: browse, switch the time
zone, register, use the emailed link, cancel, wait for a seat, register by
keyboard alone, and publish an event from the admin."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from events.demo import refresh_demo_staff
from events.models import Event
from registrations.models import Registration
from registrations.services import register_for_event
from tests.builders import make_event

from .conftest import self_service_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOS = "SOS for Library Professionals (ALA Webinar)"
JOIN = "https://zoom.example.org/j/555"


def fill_registration(page, *, name: str, email: str, organization: str = ""):
    # Crispy marks required fields' labels with an asterisk: "Name*".
    page.get_by_label(re.compile(r"^\s*Name\W*$")).fill(name)
    page.get_by_label(re.compile(r"^\s*Email\W*$")).fill(email)
    if organization:
        page.get_by_label("Library or organization").fill(organization)


@pytest.fixture
def demo():
    call_command("load_demo", "--no-staff", verbosity=0)


def test_browse_from_home_to_a_seed_webinar(page, demo):
    """The home page lists the seed webinars; following one shows its details
    as the seed page has them."""
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upcoming events")
    page.get_by_role("link", name=SOS).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SOS)
    expect(page.get_by_role("heading", name="Learning Outcomes")).to_be_visible()
    expect(page.locator(".learning-outcomes li")).to_have_count(3)
    expect(page.get_by_role("heading", name="Elana Karshmer")).to_be_visible()
    expect(page.locator(".event-facts")).to_contain_text("2:00pm - 3:00pm")
    expect(page.locator(".event-facts")).to_contain_text("Eastern Time - US & Canada")
    expect(page.locator(".seat-status")).to_contain_text("seats available")
    expect(page.get_by_role("link", name="ce@ala.org")).to_be_visible()
    expect(page.get_by_role("button", name="Register")).to_be_visible()


def test_switch_time_zone(page, demo):
    """Choosing another zone shows the same event on that zone's clock, and
    the choice follows the reader to the next page."""
    page.goto("/events/sos-for-library-professionals/")
    page.get_by_label("Show times in").select_option(label="Pacific Time - US & Canada")
    page.get_by_role("button", name="Change time zone").click()

    expect(page).to_have_url(re.compile(r"tz=America%2FLos_Angeles"))
    facts = page.locator(".event-facts")
    expect(facts).to_contain_text("11:00am - 12:00pm")
    expect(facts).to_contain_text("Pacific Time - US & Canada")
    related = page.locator(".related-events a").first
    expect(related).to_have_attribute("href", re.compile(r"tz=America%2FLos_Angeles"))


def test_register_open_emailed_link_see_join_url_and_cancel(page):
    """Register, follow the link in the email to the self-service page with
    the join URL, then cancel there through the confirmation step."""
    event = make_event("Cataloging Basics", join_url=JOIN)
    page.goto(event.get_absolute_url())
    fill_registration(
        page, name="Ada Lovelace", email="ada@example.org", organization="Town Lib"
    )
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    path = self_service_path("ada@example.org")

    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    expect(page.locator(".registration-status")).to_contain_text("Confirmed")
    expect(page.get_by_role("link", name=JOIN)).to_be_visible()
    page.get_by_role("link", name="Cancel my registration").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cancel your registration?"
    )
    # Reaching the confirmation step changes nothing yet.
    assert Registration.objects.get().status == "confirmed"
    page.get_by_role("button", name="Yes, cancel my registration").click()

    expect(page.get_by_role("status")).to_contain_text("Your registration is cancelled")
    expect(page.get_by_role("link", name=JOIN)).to_have_count(0)
    assert Registration.objects.get().status == "cancelled"


def test_waitlisted_member_is_promoted_when_someone_cancels(page):
    """With every seat taken the form offers the waiting list; when a
    confirmed member cancels, the first in line gets the seat, an email, and
    a self-service page that says confirmed."""
    event = make_event("Small Workshop", capacity=1, join_url=JOIN)
    register_for_event(event_id=event.pk, name="First", email="first@example.org")

    page.goto(event.get_absolute_url())
    expect(page.locator(".registration-box .seat-status")).to_contain_text(
        "join the waiting list"
    )
    fill_registration(page, name="Grace Hopper", email="grace@example.org")
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    waiting_path = self_service_path("grace@example.org")
    page.goto(waiting_path)
    expect(page.locator(".registration-status")).to_contain_text(
        "On the waiting list, at position 1"
    )
    expect(page.get_by_role("link", name=JOIN)).to_have_count(0)

    # The confirmed member cancels through their own emailed link.
    first_path = self_service_path("first@example.org")
    mail.outbox.clear()
    page.goto(first_path + "cancel/")
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("status")).to_contain_text("cancelled")

    promoted = [m for m in mail.outbox if "grace@example.org" in m.to]
    assert len(promoted) == 1
    assert JOIN in promoted[0].body
    page.goto(self_service_path("grace@example.org"))
    expect(page.locator(".registration-status")).to_contain_text("Confirmed")
    expect(page.get_by_role("link", name=JOIN)).to_be_visible()


def test_register_with_the_keyboard_alone(page):
    """From the top of the event page, Tab, typing and Enter are enough to
    register: every field is reachable in order and the honeypot is skipped."""
    event = make_event("Keyboard Workshop", join_url=JOIN)
    page.goto(event.get_absolute_url())

    def tab_to(accessible_name: str, limit: int = 80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                """() => {
                    const el = document.activeElement;
                    const label = el.labels && el.labels[0];
                    return (label ? label.textContent : el.textContent || el.value)
                        .replace(/\\s+/g, " ").replace(/\\*/g, "").trim();
                }"""
            )
            if focused == accessible_name:
                return
        raise AssertionError(f"Tab never reached {accessible_name!r}")

    tab_to("Name")
    page.keyboard.type("Alan Turing")
    page.keyboard.press("Tab")
    page.keyboard.type("alan@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Bletchley Library")
    page.keyboard.press("Tab")
    page.keyboard.type("Captions, please.")
    # The next stop after the last field is the submit button, not the
    # hidden honeypot field.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    registration = Registration.objects.get()
    assert (registration.name, registration.email) == (
        "Alan Turing",
        "alan@example.org",
    )
    assert registration.organization == "Bletchley Library"
    assert registration.accommodation_request == "Captions, please."


def test_staff_creates_event_in_admin_and_finds_it_on_calendar_and_feed(
    page, live_server
):
    """A staff member logs in through the form, adds and publishes an event;
    it shows on that month's calendar and in the iCalendar feed."""
    refresh_demo_staff(username="editor", password="a-long-test-password")
    start = timezone.localtime(timezone.now() + timedelta(days=3)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )

    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/events/event/add/")
    # Typed key by key: the admin fills in the slug as the title is typed.
    page.locator("#id_title").press_sequentially("Digital Preservation 101")
    expect(page.locator("#id_slug")).to_have_value("digital-preservation-101")
    page.locator("#id_start_0").fill(start.strftime("%Y-%m-%d"))
    page.locator("#id_start_1").fill("13:00:00")
    page.locator("#id_end_0").fill(start.strftime("%Y-%m-%d"))
    page.locator("#id_end_1").fill("14:00:00")
    page.locator("#id_time_zone").select_option("America/New_York")
    page.locator("#id_capacity").fill("30")
    page.locator("#id_is_published").check()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("added successfully")

    event = Event.objects.get(slug="digital-preservation-101")
    assert event.is_published

    page.goto(f"/events/calendar/{start.year}/{start.month}/")
    link = page.locator(".month-grid").get_by_role(
        "link", name="Digital Preservation 101"
    )
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Digital Preservation 101"
    )

    feed = page.request.get(f"{live_server.url}/events/feed.ics")
    assert feed.ok
    assert "SUMMARY:Digital Preservation 101" in feed.text()
    assert urlsplit(feed.url).path == "/events/feed.ics"
