"""The member's own pages in a real Chromium: a refused registration lands at
its errors on a phone, the registrant corrects their details on their page,
and My registrations signs in with an emailed link.

(Here rather than in tests/member/: these need this folder's browser, and a
second Playwright in the same test run cannot start.)"""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from registrations.models import Registration
from registrations.services import register_for_event
from tests.builders import make_event
from tests.member.conftest import sign_in_path

from .conftest import format_violations, self_service_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}
# Enough description that, on a phone, the registration box sits thousands
# of pixels below the title, as on the seed webinars' pages.
LONG_DESCRIPTION = "\n\n".join(
    f"Paragraph {n}: what this webinar covers, who presents it, and how it "
    "helps library staff serve their communities better every day."
    for n in range(30)
)


def assert_no_axe_violations(page, axe_violations):
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.fixture
def phone_page(new_context, live_server):
    context = new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    assert context.recorder.csp_violations == []
    assert context.recorder.foreign_urls(live_server.url) == []


def test_refused_registration_on_a_phone_lands_at_the_focused_summary(phone_page):
    """At 375 px: a bad email comes back with the page at the registration
    box, the error summary in view and focused; its link puts the focus in
    the email field."""
    page = phone_page
    event = make_event("Long Webinar", description=LONG_DESCRIPTION)
    page.goto(event.get_absolute_url())
    box = page.locator("#register")
    expect(box).not_to_be_in_viewport()
    assert box.bounding_box()["y"] > 2000

    page.locator("#id_name").fill("Ada Lovelace")
    # A valid address to the browser; the server refuses its private domain.
    page.locator("#id_email").fill("ada@localhost")
    page.locator("form.registration-form [type=submit]").click()

    expect(page).to_have_url(re.compile(r"/register/#register$"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("public domain")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()

    summary.get_by_role("link", name=re.compile("^Email")).click()
    email = page.locator("#id_email")
    expect(email).to_be_focused()
    expect(email).to_be_in_viewport()
    expect(page.locator("label[for=id_email]")).to_be_in_viewport()
    assert Registration.objects.count() == 0


def test_register_link_near_the_title_on_a_phone_only(phone_page, new_context):
    """At 375 px a "Register" link sits under the title and brings the box
    into view; on a wide screen, where the box is beside the text, it is
    hidden."""
    page = phone_page
    event = make_event("Long Webinar", description=LONG_DESCRIPTION)
    page.goto(event.get_absolute_url())
    link = page.get_by_role("link", name="Register", exact=True)
    expect(link).to_be_in_viewport()
    link.click()
    expect(page.locator("#register")).to_be_in_viewport()

    wide = new_context(viewport={"width": 1280, "height": 800}).new_page()
    wide.goto(event.get_absolute_url())
    expect(wide.get_by_role("link", name="Register", exact=True)).to_have_count(0)
    expect(wide.locator(".register-link")).to_be_hidden()


def test_registrant_corrects_their_details_and_sees_their_own_time(
    new_context, axe_violations
):
    """From the emailed link: the page shows the request and the time in the
    reader's zone; the form saves a new name and request, with a notice; a
    mistyped name comes back focused in the summary. No axe violations."""
    event = make_event("Cataloging Basics")
    register_for_event(
        event_id=event.pk,
        name="Ada Lovelace",
        email="ada@example.org",
        accommodation_request="Captions",
    )
    page = new_context(timezone_id="Europe/Paris").new_page()
    page.goto(self_service_path("ada@example.org"))
    expect(page.locator(".accommodation-request")).to_have_text("Captions")
    # 2pm in New York is evening in Paris: the reader's own clock is added.
    expect(page.locator(".registration-event .local-time")).to_contain_text("your time")
    assert_no_axe_violations(page, axe_violations)

    form = page.locator("form#details")
    form.get_by_label("Name").fill("Ada\u202eKing")
    form.get_by_role("button", name="Save my details").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert_no_axe_violations(page, axe_violations)

    form = page.locator("form#details")
    form.get_by_label("Name").fill("Ada King")
    form.get_by_label("Accessibility or accommodation request").fill(
        "Captions and a transcript"
    )
    form.get_by_role("button", name="Save my details").click()
    expect(page.get_by_role("status")).to_have_text("Your details are saved.")
    expect(page.locator(".registration-details")).to_contain_text("Ada King")
    expect(page.locator(".accommodation-request")).to_have_text(
        "Captions and a transcript"
    )
    registration = Registration.objects.get()
    assert registration.name == "Ada King"
    assert registration.email == "ada@example.org"
    assert page.context.recorder.csp_violations == []


def test_my_registrations_sign_in_with_an_emailed_link(page, axe_violations):
    """Ask at /my/, open the emailed link (a "Sign in" button, nothing
    done yet), sign in, see each registration with its status and link,
    follow one, come back, sign out. Every page passes axe."""
    call_command("load_demo", "--no-staff", verbosity=0)
    webinar = make_event("Metadata Basics")
    register_for_event(event_id=webinar.pk, name="Ada", email="Ada@Example.org")
    mail.outbox.clear()

    page.goto("/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My registrations")
    assert_no_axe_violations(page, axe_violations)
    page.get_by_label(re.compile(r"^\s*Email")).fill("ada@example.org")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_no_axe_violations(page, axe_violations)

    page.goto(sign_in_path("ada@example.org"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert_no_axe_violations(page, axe_violations)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(page.get_by_text("Signed in as ada@example.org.")).to_be_visible()
    item = page.locator(".my-registration")
    expect(item).to_have_count(1)
    expect(item.get_by_role("heading")).to_have_text("Metadata Basics")
    expect(item.locator(".my-registration-status")).to_have_text("Confirmed")
    assert_no_axe_violations(page, axe_violations)

    item.get_by_role("link", name=re.compile("^Your registration")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    page.go_back()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert_no_axe_violations(page, axe_violations)
