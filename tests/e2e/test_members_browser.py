"""Members-only events in a real Chromium (issue 13): a member registers by
their library address; someone naming a member library from a personal
address waits until staff approve them in the admin; an outsider is told
why not, with the event's note on how non-members can attend."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.demo import refresh_demo_staff
from events.models import Event
from members.models import LibraryDomain, MemberLibrary
from registrations.models import Registration
from tests.builders import make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "a-long-test-password"
NOTE = "Non-members can register directly with ALA; a fee applies."
Status = Registration.Status


@pytest.fixture
def members_event():
    library = MemberLibrary.objects.create(name="Springfield Public Library")
    LibraryDomain.objects.create(library=library, domain="springfieldlibrary.org")
    MemberLibrary.objects.create(name="Shelbyville Public Library")
    return make_event(
        "Weeding the Collection",
        who_may_register=Event.WhoMayRegister.MEMBERS,
        non_member_note=NOTE,
        capacity=10,
    )


def fill_registration(page, *, name: str, email: str, library: str = ""):
    page.get_by_label(re.compile(r"^\s*Name\W*$")).fill(name)
    page.get_by_label(re.compile(r"^\s*Email\W*$")).fill(email)
    if library:
        page.get_by_label(re.compile(r"^\s*Library or organization")).fill(library)


def test_the_page_says_who_may_register_and_offers_the_directory(page, members_event):
    """Before the form, a sentence says the event is for member libraries'
    staff; the library field offers the directory's libraries, and no
    "Other / not listed" on a members-only event."""
    page.goto(members_event.get_absolute_url())
    box = page.locator("#register")
    expect(box).to_contain_text("member libraries")
    field = page.get_by_label(re.compile(r"^\s*Library or organization"))
    options = page.locator(f"datalist#{field.get_attribute('list')} option")
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert "Springfield Public Library" in values
    assert "Shelbyville Public Library" in values
    assert not any("Other" in value for value in values)


def test_a_member_registers_by_their_library_address(page, members_event):
    """An address on the library's domain gets a seat at once."""
    page.goto(members_event.get_absolute_url())
    fill_registration(page, name="Ada Lovelace", email="ada@springfieldlibrary.org")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    registration = Registration.objects.get(email="ada@springfieldlibrary.org")
    assert registration.status == Status.CONFIRMED
    assert registration.library.name == "Springfield Public Library"


def test_an_outsider_is_told_why_with_the_events_note(page, members_event):
    """A gmail address naming no member library stays on the event page,
    with the reason and the note at the registration box, and nothing is
    kept or sent."""
    page.goto(members_event.get_absolute_url())
    fill_registration(page, name="Eve Outsider", email="eve@gmail.com", library="Acme")
    page.get_by_role("button", name="Register").click()
    summary = page.locator("#register")
    expect(summary).to_contain_text("for staff of member libraries")
    expect(summary).to_contain_text(NOTE)
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_named_library_waits_for_staff_who_approve_it_in_the_admin(
    page, members_event
):
    """A personal address naming Springfield is told to wait; staff find it
    under "Awaiting approval" in the admin, approve it, and the registrant
    is confirmed and emailed."""
    page.goto(members_event.get_absolute_url())
    fill_registration(
        page,
        name="Bob Branch",
        email="bob.branch@gmail.com",
        library="Springfield Public Library",
    )
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    registration = Registration.objects.get(email="bob.branch@gmail.com")
    assert registration.status == Status.AWAITING_APPROVAL
    assert [m.subject for m in mail.outbox] == [
        "We'll confirm your membership: Weeding the Collection"
    ]

    refresh_demo_staff(username="staff", password=STAFF_PASSWORD)
    page.goto("/admin/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/registrations/registration/?status__exact=awaiting_approval")
    row = page.get_by_role("row").filter(has_text="Bob Branch")
    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(
        label="Approve selected (a seat if one is free, else the waiting list)"
    )
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("Approved 1")
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert mail.outbox[-1].subject == "You're registered: Weeding the Collection"
