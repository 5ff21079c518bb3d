"""Taking attendance in a real Chromium with the keyboard alone: from one
event's roster, Tab to a registrant's checkbox (its focus ring plain to
see), Space, Tab to Save, Enter; the registrant is attended. axe-core
finds no WCAG violation on the page, before or after; "Tick all" works
without any script."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from registrations.models import Registration
from tests.builders import make_event
from tests.registrations.conftest import register

from .conftest import format_violations, sign_in_as_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Past the skip link, the header, the breadcrumbs and the admin's sidebar.
MOST_TABS = 300


@pytest.fixture
def webinar(clock):
    """A webinar registered for the day before, Ada and Ben confirmed; the
    clock then stands half an hour after its start."""
    event = make_event("Genealogy Basics", start=clock.now + timedelta(days=1))
    people = [
        register(event, "ada@example.org", name="Ada Reader").registration,
        register(event, "ben@example.org", name="Ben Reader").registration,
    ]
    clock.advance(days=1, minutes=30)
    return event, people


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id || ''")


def focused_label(page) -> str:
    return page.evaluate(
        "() => document.activeElement.value || document.activeElement.textContent"
    )


def tab_to(page, element_id: str) -> None:
    """Press Tab until the element has the focus."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_tick_a_registrant_with_the_keyboard_alone(page, webinar, axe_violations):
    """From the roster's "Take attendance": Tab reaches Ada's box, one more
    Tab Ben's, with a visible focus ring; Space ticks Ben; the next Tab is
    Save, Enter saves: "Recorded attendance: 1 changed.", Ben attended
    (by staff), Ada not."""
    event, (ada, ben) = webinar
    sign_in_as_staff(page)
    page.goto(f"/admin/registrations/registration/?event__id__exact={event.pk}")
    page.get_by_role("link", name="Take attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Take attendance")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    tab_to(page, f"attended-{ada.pk}")
    page.keyboard.press("Tab")
    assert focused_id(page) == f"attended-{ben.pk}"
    ben_box = page.get_by_role("checkbox", name=re.compile("Ben Reader"))
    expect(ben_box).to_be_focused()
    ring = ben_box.evaluate(
        "box => { const s = getComputedStyle(box);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert ring[0] != "none" and ring[1] >= 2, ring
    page.keyboard.press("Space")
    expect(ben_box).to_be_checked()
    page.keyboard.press("Tab")
    assert focused_label(page) == "Save"
    page.keyboard.press("Enter")

    expect(page.locator(".messagelist")).to_contain_text(
        "Recorded attendance: 1 changed."
    )
    expect(page.get_by_role("checkbox", name=re.compile("Ben Reader"))).to_be_checked()
    expect(
        page.get_by_role("checkbox", name=re.compile("Ada Reader"))
    ).not_to_be_checked()
    ben = Registration.objects.get(pk=ben.pk)
    assert ben.attended
    assert ben.attendance_marked_by.username == "staff"
    assert not Registration.objects.get(pk=ada.pk).attended
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_tick_all_works_without_scripts(browser, live_server, webinar):
    """With JavaScript off, "Tick all" then Save marks everyone."""
    event, _ = webinar
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in_as_staff(page)
        page.goto(f"/admin/registrations/registration/roster/{event.pk}/attendance/")
        page.get_by_role("link", name="Tick all", exact=True).click()
        for box in page.get_by_role("checkbox").all():
            expect(box).to_be_checked()
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".messagelist")).to_contain_text(
            "Recorded attendance: 2 changed."
        )
    finally:
        context.close()
    assert Registration.objects.filter(event=event, attended=True).count() == 2
