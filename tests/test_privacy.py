"""Privacy without a browser: anonymous pages set no cookie, and the privacy
page says what is kept and for how long (PRODUCT.md §8)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.builders import make_category, make_event, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    series = make_series("Metadata Mondays")
    category = make_category("Cataloging")
    event = make_event("Open Webinar", series=series, categories=[category])
    make_event("Old Webinar", start=timezone.now() - timedelta(days=9))
    start = timezone.localtime(event.start)
    return {
        "event": event.get_absolute_url(),
        "cookieless": [
            reverse("events:home"),
            reverse("events:list"),
            reverse("events:list") + "?q=webinar&category=cataloging&format=online",
            reverse("events:past"),
            reverse("events:month", args=[start.year, start.month]),
            series.get_absolute_url(),
            reverse("events:feed_ics"),
            reverse("events:feed_rss"),
            reverse("events:accessibility"),
            reverse("events:privacy"),
            "/no/such/page/",
        ],
    }


def test_anonymous_browsing_sets_no_cookie(client, pages):
    """Lists, calendar, feeds, series and the static pages send no Set-Cookie."""
    for path in pages["cookieless"]:
        response = client.get(path)
        assert response.status_code in {200, 404}, path
        assert dict(response.cookies) == {}, path
        assert "Set-Cookie" not in response.headers, path


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
    del settings.PERSONAL_DATA_RETENTION_DAYS
    html = client.get(reverse("events:privacy")).content.decode()
    assert "90 days after an event ends" in html


def test_every_page_links_to_accessibility_and_privacy(client):
    html = client.get(reverse("events:home")).content.decode()
    assert f'href="{reverse("events:accessibility")}"' in html
    assert f'href="{reverse("events:privacy")}"' in html
    statement = client.get(reverse("events:accessibility")).content.decode()
    assert "WCAG" in statement
    assert "accessibility@almanac.invalid" in statement
