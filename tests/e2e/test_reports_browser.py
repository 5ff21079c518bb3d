"""The reports pages in a real Chromium: axe-core finds no WCAG 2.2 A or
AA violation on the report (with its charts and tables, and with a filter
refused) nor on the annual report; the filter form works from the keyboard
alone; nothing is loaded from another host and the CSP holds (the ``page``
fixture checks both)."""

import re

import pytest
from playwright.sync_api import expect

from tests.reports.dataset import build_dataset

from .conftest import format_violations, sign_in_as_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR_2031 = "/admin/reports/?start=2031-01-01&end=2031-12-31"


def assert_no_violations(page, axe_violations):
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_the_report_page_is_accessible(page, axe_violations):
    """Staff see the 2031 report with its heading, the month chart and the
    library table, and axe finds no violation; choosing Shelbyville and
    pressing Enter on "Show figures" narrows the totals to its 5 registrations."""
    build_dataset()
    sign_in_as_staff(page)
    page.goto(YEAR_2031)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(
        page.get_by_role("img", name=re.compile("Registrations by month"))
    ).to_be_visible()
    expect(page.locator("#table-library")).to_contain_text("No member library")
    assert_no_violations(page, axe_violations)

    # Narrowed to one library, then Enter on "Show figures".
    page.get_by_label("Member library", exact=True).select_option(
        label="Shelbyville Library"
    )
    page.get_by_role("button", name="Show figures").press("Enter")
    expect(page).to_have_url(re.compile(r"library=\d+"))
    expect(page.locator("#table-totals td").nth(1)).to_have_text("5")


def test_a_refused_filter_is_accessible(page, axe_violations):
    """A range that ends before it starts: the "To" field is marked invalid,
    the message is under it, and axe finds no violation."""
    sign_in_as_staff(page)
    page.goto("/admin/reports/?start=2031-06-01&end=2031-01-01")
    field = page.get_by_label("To", exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_end_error")).to_have_text(
        "The end of the range must not be before its start."
    )
    assert_no_violations(page, axe_violations)


def test_the_annual_report_is_accessible(page, axe_violations):
    """From the report, "Annual report" then "2031" lead to the 2031 annual
    report, saying 4 different people, and axe finds no violation."""
    build_dataset()
    sign_in_as_staff(page)
    page.goto("/admin/reports/")
    page.get_by_role("link", name=re.compile("Annual report")).click()
    page.get_by_role("link", name="2031", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual report 2031")
    expect(page.locator(".report-headline")).to_contain_text("4 different people")
    assert_no_violations(page, axe_violations)


def test_printed_the_tables_show_whole_without_the_filters(page):
    """Printed, a report table no longer scrolls sideways in its box (paper
    can't scroll: it would be cut off), and the filters and the CSV links
    are left out."""
    build_dataset()
    sign_in_as_staff(page)
    page.set_viewport_size({"width": 480, "height": 800})
    page.goto(YEAR_2031)
    box = page.locator(".report-table").first
    assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    page.emulate_media(media="print")
    assert box.evaluate("e => getComputedStyle(e).overflowX") == "visible"
    expect(page.locator(".report-filters")).to_be_hidden()
    expect(page.locator(".report-download").first).to_be_hidden()
