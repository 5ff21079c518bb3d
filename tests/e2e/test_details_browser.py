"""The layout details, checked in Chromium: menus never cut off, the month
as a list on phones, the local time named by place, the icon served, and
emails that read in light and dark mail clients."""

import pytest
from playwright.sync_api import expect

from registrations.emails import write_email
from tests.builders import eastern, make_category, make_event
from tests.details.test_emails import every_kind_of_email

from .conftest import format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 768, 375]

# For every <select>: its box, and the room its widest choice needs (the
# text, measured in the select's own font, plus the padding that holds the
# text clear of the arrow).
SELECTS = """() => Array.from(document.querySelectorAll("select")).map((select) => {
    const style = getComputedStyle(select);
    const pen = document.createElement("canvas").getContext("2d");
    pen.font = style.font;
    const width = (option) => pen.measureText(option.text).width;
    const options = Array.from(select.options).sort((a, b) => width(b) - width(a));
    const box = select.getBoundingClientRect();
    return {
        name: select.name,
        widest: options[0].text,
        needs: width(options[0])
            + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight),
        has: select.clientWidth,
        scrolls: select.scrollWidth > select.clientWidth,
        left: box.left, right: box.right, viewport: window.innerWidth,
    };
})"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_menu_is_cut_off(new_context, site, width):
    """At 1280, 768 and 375 pixels, every menu on the list, event and month
    pages (the demo's categories, every zone, every format) is wide enough
    for its longest choice and lies inside the screen."""
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    problems = []
    for name in ("list with filters", "seed webinar", "month grid"):
        page.goto(site[name])
        selects = page.evaluate(SELECTS)
        assert {s["name"] for s in selects} >= {"tz"}, name
        for select in selects:
            fits = select["needs"] <= select["has"] + 0.5 and not select["scrolls"]
            inside = select["left"] >= 0 and select["right"] <= select["viewport"]
            if not (fits and inside):
                problems.append((name, select))
    assert problems == []


@pytest.mark.parametrize("width", [375, 320])
def test_a_menu_wider_than_a_phone_stays_on_the_screen(new_context, site, width):
    """A category named at greater length than a phone is wide, or a zone menu
    on the narrowest phones, makes its menu as wide as the screen allows,
    never wider: no page scrolls sideways."""
    make_category("Continuing Education and Professional Development for All Staff")
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    for name in ("list", "seed webinar", "month grid"):
        page.goto(site[name])
        for select in page.evaluate(SELECTS):
            assert select["left"] >= 0 and select["right"] <= width, (name, select)
        assert scrolls_sideways(page) == [], name


def scrolls_sideways(page) -> list[str]:
    """The page, or any box in it, that scrolls sideways."""
    return page.evaluate(
        """() => {
            const found = [];
            const root = document.documentElement;
            if (root.scrollWidth > window.innerWidth) found.push("the page");
            for (const el of document.querySelectorAll("body *")) {
                const overflow = getComputedStyle(el).overflowX;
                if ((overflow === "auto" || overflow === "scroll")
                        && el.scrollWidth > el.clientWidth + 1) {
                    found.push(el.tagName + "." + el.className);
                }
            }
            return found;
        }"""
    )


@pytest.fixture
def month_of_events():
    """Three events on two days of October 2031; one title is long."""
    titles = [
        "Copyright Basics",
        "Patron Response Framework: Responding with Kindness, Empathy, and Love",
        "Story time for toddlers",
    ]
    make_event(titles[0], start=eastern(2031, 10, 7, 10))
    make_event(titles[1], start=eastern(2031, 10, 7, 14))
    make_event(titles[2], start=eastern(2031, 10, 21, 11))
    return "/events/calendar/2031/10/", titles


def test_on_a_phone_the_month_is_a_list_not_a_sideways_scroll(
    new_context, month_of_events, axe_violations
):
    """At 375 pixels nothing scrolls sideways, the grid is out of the way, and
    each event of the month is a visible list item inside the screen; axe
    finds nothing."""
    url, titles = month_of_events
    page = new_context(viewport={"width": 375, "height": 800}).new_page()
    page.goto(url)
    assert scrolls_sideways(page) == []
    expect(page.locator("table.month-grid")).to_be_hidden()
    for title in titles:
        item = page.locator(".month-agenda li").filter(has_text=title)
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, title
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_on_a_wide_screen_the_month_is_the_grid(new_context, month_of_events):
    """At 1280 and 768 pixels the month grid (a table) shows, with each event
    in its day's cell, and nothing scrolls sideways."""
    url, titles = month_of_events
    for width in (1280, 768):
        page = new_context(viewport={"width": width, "height": 800}).new_page()
        page.goto(url)
        grid = page.locator("table.month-grid")
        expect(grid).to_be_visible()
        for title in titles:
            expect(grid.locator("li").filter(has_text=title)).to_be_visible()
        assert scrolls_sideways(page) == [], width


def test_the_local_time_hint_names_a_place_not_an_iana_zone(new_context):
    """A reader in Berlin sees the Eastern-time webinar in their own time,
    named as people say it ("Central European Time"), never "Europe/Berlin"."""
    event = make_event("Copyright Basics", start=eastern(2031, 10, 21, 14))
    context = new_context(timezone_id="Europe/Berlin", locale="en-US")
    page = context.new_page()
    page.goto(event.get_absolute_url())
    hint = page.locator("header [data-local-time-output]")
    expect(hint).to_be_visible()
    expect(hint).to_have_text("(8:00pm - 9:00pm your time, Central European Time)")
    assert "Europe/Berlin" not in page.locator("main").inner_text()


def test_the_local_time_hint_says_nothing_in_the_events_own_zone(new_context):
    """A reader in New York sees no hint: it would repeat the page."""
    event = make_event("Copyright Basics", start=eastern(2031, 10, 21, 14))
    page = new_context(timezone_id="America/New_York").new_page()
    page.goto(event.get_absolute_url())
    expect(page.locator("header [data-local-time-output]")).to_be_hidden()


def test_the_icon_is_served_and_favicon_ico_is_no_404(page, live_server):
    """Pages name an icon the server serves; /favicon.ico ends at an image,
    and loading a page asks for nothing that is not found."""
    missing = []
    page.on(
        "response",
        lambda response: missing.append(response.url) if response.status >= 400 else 0,
    )
    page.goto("/")
    svg = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    response = page.request.get(live_server.url + svg)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")

    response = page.goto("/favicon.ico")
    assert response.status == 200
    assert response.url.endswith("/static/img/favicon.ico")
    assert response.body()[:4] == b"\x00\x00\x01\x00"
    assert missing == []


# Each element that shows text, with its color and the first opaque
# background behind it (the page's canvas, white or dark, if none), and
# the WCAG contrast ratio of the two.
CONTRAST = """() => {
    function rgb(value) {
        const m = value.match(/rgba?\\(([^)]+)\\)/);
        const [r, g, b, a] = m[1].split(/[ ,\\/]+/).map(Number);
        return {r, g, b, a: a === undefined ? 1 : a};
    }
    function luminance({r, g, b}) {
        const lin = (c) => {
            c /= 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    }
    function background(el) {
        for (; el; el = el.parentElement) {
            const color = rgb(getComputedStyle(el).backgroundColor);
            if (color.a > 0) return color;
        }
        return rgb(getComputedStyle(document.documentElement).backgroundColor);
    }
    const rows = [];
    for (const el of document.body.querySelectorAll("*")) {
        const own = Array.from(el.childNodes).some(
            (n) => n.nodeType === 3 && n.textContent.trim());
        if (!own) continue;
        const fg = luminance(rgb(getComputedStyle(el).color));
        const bg = luminance(background(el));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        rows.push({tag: el.tagName, text: el.textContent.trim().slice(0, 30), ratio});
    }
    return {rows, body: luminance(background(document.body))};
}"""


def test_emails_read_in_light_and_dark_mail_clients(new_context):
    """Every kind of HTML email, shown in a light and in a dark client: its
    text keeps a contrast of 4.5:1 or more against what is behind it, and
    the dark client gets a dark email, not a white sheet."""
    emails = every_kind_of_email()
    for scheme in ("light", "dark"):
        page = new_context(color_scheme=scheme).new_page()
        for email in emails:
            page.set_content(write_email(email).html)
            found = page.evaluate(CONTRAST)
            low = [row for row in found["rows"] if row["ratio"] < 4.5]
            assert low == [], (scheme, email.kind, low)
            if scheme == "dark":
                assert found["body"] < 0.05, email.kind
            else:
                assert found["body"] > 0.8, email.kind
