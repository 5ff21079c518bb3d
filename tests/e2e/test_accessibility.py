"""Every kind of public page, checked in Chromium: axe-core finds no WCAG 2.2
A or AA violation, the keyboard can reach and see everything, and pages
reflow on a phone and at 200% zoom."""

import pytest
from playwright.sync_api import expect

from .conftest import format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "home",
    "list",
    "list with filters",
    "list with no match",
    "past events",
    "month grid",
    "seed webinar",
    "event open with seats",
    "event full with waiting list",
    "event full without waiting list",
    "event registration closed",
    "event cancelled",
    "event past",
    "series",
    "self-service, confirmed",
    "self-service, waitlisted",
    "cancel confirmation",
    "unknown self-service link",
    "404",
    "accessibility statement",
    "privacy",
    "flat page",
]


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_violation(page, site, axe_violations, name):
    """axe-core reports nothing for the WCAG 2.0/2.1/2.2 A and AA rules."""
    response = page.goto(site[name])
    assert response.status < 500
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_axe_on_registration_with_errors_and_results(page, site, axe_violations):
    """The form sent back with errors, and each result page, pass axe too; the
    errors are tied to their fields."""
    page.goto(site["event open with seats"])
    page.locator("#id_name").fill("Ada")
    page.locator("#id_email").fill("not-an-address")
    # Let the server, not the browser, judge the address.
    page.locator("form.registration-form").evaluate("form => form.noValidate = true")
    page.locator("form.registration-form [type=submit]").click()
    email = page.locator("#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    described_by = email.get_attribute("aria-describedby") or ""
    errors = " ".join(
        page.locator(f"#{ident}").inner_text() for ident in described_by.split()
    )
    assert "valid email" in errors
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    page.locator("#id_email").fill("ada@example.org")
    page.locator("form.registration-form [type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    page.goto(site["event full with waiting list"])
    page.locator("#id_name").fill("Bea")
    page.locator("#id_email").fill("bea@example.org")
    page.locator("form.registration-form [type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, site):
    """The first Tab shows "Skip to main content"; Enter puts focus on main."""
    page.goto(site["seed webinar"])
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    assert box["width"] > 10 and box["height"] > 10
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside main, not back at the header.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.querySelector('main').contains(document.activeElement)"
    )


FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName, text: (el.textContent || el.value || "").trim().slice(0, 40),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== "none",
    };
}"""


@pytest.mark.parametrize("name", ["seed webinar", "list with filters", "month grid"])
def test_every_focus_stop_is_visible(page, site, name):
    """Tabbing through the page, every control focused shows an outline (or
    Bootstrap's focus ring) of at least 2px."""
    page.goto(site[name])
    seen = 0
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break
        focus = page.evaluate(FOCUS_STYLE)
        assert focus["outline"] or focus["shadow"], focus
        seen += 1
    assert seen > 10


def test_month_grid_is_a_table_with_day_headers(page, site):
    """The grid is a captioned table whose columns have weekday headers."""
    page.goto(site["month grid"])
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("Events in")
    headers = table.get_by_role("columnheader")
    expect(headers).to_have_count(7)
    expect(headers.first).to_have_accessible_name("Sunday")
    expect(table.locator("thead th[scope=col]")).to_have_count(7)


def overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )


REFLOW_PAGES = [
    "home",
    "list with filters",
    "month grid",
    "seed webinar",
    "event full with waiting list",
    "series",
    "self-service, confirmed",
    "cancel confirmation",
    "404",
    "accessibility statement",
    "privacy",
    "flat page",
]


@pytest.mark.parametrize(
    ("width", "scale"),
    [(320, 1), (640, 2)],
    ids=["phone 320px", "1280px at 200% zoom"],
)
def test_pages_reflow_without_horizontal_scrolling(
    new_context, site, axe_violations, width, scale
):
    """At 320 CSS pixels, and at 1280 pixels zoomed to 200% (640 CSS pixels),
    no page scrolls sideways and axe still finds nothing."""
    context = new_context(
        viewport={"width": width, "height": 800}, device_scale_factor=scale
    )
    page = context.new_page()
    too_wide = {}
    for name in REFLOW_PAGES:
        page.goto(site[name])
        if overflow(page) > 0:
            too_wide[name] = overflow(page)
        violations = axe_violations(page)
        assert violations == [], f"{name}: {format_violations(violations)}"
    assert too_wide == {}


def test_axe_reports_a_real_violation(page, site, axe_violations):
    """The check above can fail: an image without alt text on a real page is
    reported as such."""
    page.goto(site["home"])
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "/static/no-such-image.png";
            document.querySelector("main").append(img);
        }"""
    )
    assert "image-alt" in [v["id"] for v in axe_violations(page)]
