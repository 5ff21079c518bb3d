"""Privacy, as the browser sees it: no page asks another host for anything,
and browsing sets no cookie."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_requests_another_host(page, site, live_server):
    """Every request made while loading every kind of page, with its styles,
    scripts and images, goes to this site."""
    for path in site.values():
        page.goto(path)
        page.wait_for_load_state("networkidle")
    urls = page.context.recorder.urls
    assert any(url.endswith(".css") for url in urls)
    assert any(url.endswith(".js") for url in urls)
    assert page.context.recorder.foreign_urls(live_server.url) == []


def test_browsing_lists_and_calendar_sets_no_cookie(page, site):
    """Home, lists, calendar, series and the static pages each load (200)
    and leave the browser without a single cookie; so does the not-found
    page, with its 404."""
    for name in [
        "home",
        "list",
        "list with filters",
        "past events",
        "month grid",
        "series",
        "accessibility statement",
        "privacy",
    ]:
        assert page.goto(site[name]).status == 200, name
    assert page.goto(site["404"]).status == 404
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="Calendar", exact=True).click()
    assert navigation.value.status == 200
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="Upcoming events", exact=True).first.click()
    assert navigation.value.status == 200
    assert page.context.cookies() == []


def test_event_page_sets_only_the_csrf_cookie(page, site):
    """The event page has the registration form, so it may set the CSRF
    cookie, and nothing else."""
    page.goto(site["seed webinar"])
    assert {cookie["name"] for cookie in page.context.cookies()} <= {"csrftoken"}


def test_footer_links_to_accessibility_and_privacy(page, site):
    """The footer's Privacy and Accessibility links open those pages."""
    page.goto(site["home"])
    footer = page.locator("footer")
    footer.get_by_role("link", name="Privacy").click()
    assert page.url.endswith(reverse("events:privacy"))
    page.locator("footer").get_by_role("link", name="Accessibility").click()
    assert page.url.endswith(reverse("events:accessibility"))
