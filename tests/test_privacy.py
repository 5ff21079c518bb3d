"""Privacy without a browser: anonymous pages set no cookie, and the privacy
page says what is kept and for how long (PRODUCT.md §8)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import dom
from tests.builders import make_category, make_event, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    """One page of each kind an anonymous visitor browses, each with
    something on it: an upcoming event in a series and a category, and a
    past one."""
    series = make_series("Metadata Mondays")
    category = make_category("Cataloging")
    event = make_event("Open Webinar", series=series, categories=[category])
    make_event("Old Webinar", start=timezone.now() - timedelta(days=9))
    start = timezone.localtime(event.start)
    return {
        "event": event.get_absolute_url(),
        # Each page, and words it shows only when it is the real page.
        "cookieless": {
            reverse("events:home"): "Open Webinar",
            reverse("events:list"): "Open Webinar",
            reverse("events:list")
            + "?q=webinar&category=cataloging&format=online": "Open Webinar",
            reverse("events:past"): "Old Webinar",
            reverse("events:month", args=[start.year, start.month]): "Open Webinar",
            series.get_absolute_url(): "Open Webinar",
            reverse("events:feed_ics"): "Open Webinar",
            reverse("events:feed_rss"): "Open Webinar",
            reverse("events:accessibility"): "WCAG",
            reverse("events:privacy"): "csrftoken",
        },
    }


def test_anonymous_browsing_sets_no_cookie(client, pages):
    """Lists, calendar, feeds, series and the static pages each answer 200
    with their content and send no Set-Cookie; so does the not-found page,
    with its 404."""
    for path, shown in pages["cookieless"].items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert shown in response.content.decode(), path
        assert dict(response.cookies) == {}, path
        assert "Set-Cookie" not in response.headers, path
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404
    assert dict(missing.cookies) == {}
    assert "Set-Cookie" not in missing.headers


def test_event_page_sets_at_most_the_csrf_cookie(client, pages):
    """The registration form needs the CSRF cookie; nothing else is set."""
    response = client.get(pages["event"])
    assert response.status_code == 200
    assert set(response.cookies) <= {"csrftoken"}


def test_privacy_page_says_what_is_kept_and_for_how_long(client, settings):
    """The page names each piece of personal data, the retention period from
    the setting, and the only cookies."""
    settings.PERSONAL_DATA_RETENTION_DAYS = 45
    html = client.get(reverse("events:privacy")).content.decode()
    for kept in ["name", "email address", "library or organization", "accommodation"]:
        assert kept in html
    assert "45 days after an event ends" in html
    assert "No tracking" in html
    assert "csrftoken" in html


def test_privacy_page_defaults_to_90_days(client, settings):
    """Without the setting, the page gives the default of 90 days."""
    del settings.PERSONAL_DATA_RETENTION_DAYS
    html = client.get(reverse("events:privacy")).content.decode()
    assert "90 days after an event ends" in html


def test_every_page_links_to_accessibility_and_privacy(client):
    """The footer of each page links to the accessibility statement and the
    privacy page; the statement names WCAG and whom to contact."""
    pages = [
        reverse("events:home"),
        reverse("events:list"),
        reverse("events:accessibility"),
        reverse("events:privacy"),
    ]
    for path in pages:
        footer = dom.find(dom.parse(client.get(path)), "footer")
        links = dom.hrefs(footer)
        assert reverse("events:accessibility") in links, path
        assert reverse("events:privacy") in links, path
    statement = client.get(reverse("events:accessibility")).content.decode()
    assert "WCAG" in statement
    # No contact is configured here: the statement names none, never a
    # placeholder (tests/pages/test_contacts.py shows a configured one).
    assert "almanac.invalid" not in statement
