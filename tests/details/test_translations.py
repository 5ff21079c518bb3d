"""The zone names and the feeds' titles a member reads come from the
catalog of the active language (issue 10)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.builders import eastern, make_category, make_event
from tests.dom import find, parse, text
from tests.test_translations import write_catalog

pytestmark = pytest.mark.django_db

MESSAGES = {
    "Eastern Time - US & Canada": "Heure de l'Est - États-Unis et Canada",
    "Central European Time - Berlin": "Heure d'Europe centrale - Berlin",
    "Event's own time zone": "Fuseau de l'événement",
    "Europe": "Europe (fr)",
    "%(site)s: upcoming events": "%(site)s : événements à venir",
    "%(site)s: upcoming events in %(category)s": "%(site)s : à venir en %(category)s",
    "Upcoming events published by %(site)s.": "Événements à venir de %(site)s.",
    "%(site)s events": "Événements %(site)s",
    "Events published by %(site)s: the last 90 days and upcoming.": (
        "Événements publiés par %(site)s : 90 derniers jours et à venir."
    ),
}


@pytest.fixture
def in_french(settings, tmp_path):
    write_catalog(tmp_path / "fr" / "LC_MESSAGES" / "django.mo", MESSAGES)
    settings.LOCALE_PATHS = [tmp_path]
    with translation.override("fr"):
        yield


def test_zone_names_and_the_menu_read_in_the_active_language(client, in_french):
    """The event page's zone, the menu's first choice, a region heading and a
    zone in it are the catalog's."""
    event = make_event(start=eastern(2031, 10, 21))
    response = client.get(event.get_absolute_url())
    assert "Heure de l'Est - États-Unis et Canada" in response.text.replace(
        "&#x27;", "'"
    )
    select = find(parse(response), "select", name="tz")
    assert text(find(select, "option", value="")) == "Fuseau de l'événement"
    europe = find(select, "optgroup", label="Europe (fr)")
    assert text(find(europe, "option", value="Europe/Berlin")) == (
        "Heure d'Europe centrale - Berlin"
    )


def test_feed_titles_read_in_the_active_language(client, in_french):
    """The RSS channel's title and description, and the .ics feed's name and
    description, are the catalog's."""
    make_category("Cataloging", slug="cataloging")
    rss = client.get(reverse("events:feed_rss")).content.decode()
    assert "<title>Almanac : événements à venir</title>" in rss
    assert "<description>Événements à venir de Almanac.</description>" in rss
    narrowed = client.get(reverse("events:feed_rss"), {"category": "cataloging"})
    assert "<title>Almanac : à venir en Cataloging</title>" in narrowed.text
    ics = client.get(reverse("events:feed_ics")).content.decode()
    assert "X-WR-CALNAME:Événements Almanac" in ics
    assert "Événements publiés par Almanac" in ics
