"""The demo's staff login in a real Chromium (the staff tests of issue 12,
beside the other browser tests for their fixtures): cancelling an event through
its confirmation page, and one event's roster on a 1280-pixel screen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.demo import refresh_demo_staff
from events.models import Event
from tests.builders import make_event
from tests.registrations.conftest import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "a-long-test-password"

LONG_TITLE = (
    "Patron Response Framework: Responding with Kindness, Empathy, and Love "
    "in Difficult Situations (ALA Webinar)"
)


@pytest.fixture
def demo_staff():
    """The account ``load_demo`` makes for the learning-services team."""
    return refresh_demo_staff(username="staff", password=STAFF_PASSWORD)


def sign_in(page):
    page.goto("/admin/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_cancelling_an_event_asks_first_then_emails(page, demo_staff, tmp_path):
    """Staff tick an event, choose "Cancel selected events and email their
    registrants" and press Go: a page says two people will be emailed. "No"
    goes back with nothing changed; "Yes" cancels and emails them."""
    event = make_event("Copyright Basics")
    register(event, 1)
    register(event, 2)
    make_event("Grant Writing")
    mail.outbox.clear()
    sign_in(page)

    def choose_cancel():
        page.goto("/admin/events/event/")
        row = page.get_by_role("row").filter(has_text="Copyright Basics")
        row.get_by_role("checkbox").check()
        page.get_by_role("combobox", name="Action").select_option(
            label="Cancel selected events and email their registrants"
        )
        page.get_by_role("button", name="Run").click()

    choose_cancel()
    expect(page.locator(".cancel-summary")).to_contain_text(
        "2 people will be emailed that their event is cancelled."
    )
    page.screenshot(path=tmp_path / "cancel-confirmation.png", full_page=True)
    page.get_by_role("link", name="No, take me back").click()
    expect(page).to_have_url(re.compile(r"/admin/events/event/$"))
    assert Event.objects.get(pk=event.pk).status == Event.Status.SCHEDULED
    assert mail.outbox == []

    choose_cancel()
    page.get_by_role("button", name="Yes, cancel and email 2 people").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Copyright Basics is cancelled; 2 registrants were emailed."
    )
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == [
        "person1@example.org",
        "person2@example.org",
    ]


def test_one_events_roster_reads_at_1280_pixels(
    new_context, live_server, demo_staff, tmp_path
):
    """At 1280 by 800, the roster of an event with a long title shows each
    person's status without scrolling sideways, and the title once, as the
    heading, not on every row. The screenshot is kept for a person to see."""
    event = make_event(LONG_TITLE, capacity=2)
    for name in ("Michelle (Shelley) Roossien", "Elana Karshmer", "Mark Wetherington"):
        register(
            event,
            f"{name.split()[-1].lower()}@districtlibrary.example.org",
            name=name,
            organization="Kent District Library, Comstock Park Branch",
        )
    context = new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page)

    page.goto(f"/admin/registrations/registration/?event__id__exact={event.pk}")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Roster: {LONG_TITLE}")
    table = page.locator("#result_list")
    expect(table.locator("th.column-event")).to_have_count(0)
    expect(table.locator("tbody")).not_to_contain_text("Patron Response")
    statuses = table.locator("td.field-status")
    expect(statuses).to_have_count(3)
    for n in range(3):
        box = statuses.nth(n).bounding_box()
        assert box["x"] + box["width"] <= 1280, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=tmp_path / "roster-1280.png", full_page=True)
