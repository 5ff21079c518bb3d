"""The reader's own time beside an event's date line (local-time.js), in a
real browser: written in the page's words and language, with the server's
own clock, in English and in French."""

import re

import pytest
from playwright.sync_api import expect

from tests.builders import eastern, make_event
from tests.test_translations import LANGUAGE, MESSAGES, write_catalog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reader_sees(new_context, event, zone: str):
    page = new_context(timezone_id=zone).new_page()
    page.goto(event.get_absolute_url())
    return page.locator(".event-when .local-time").first


def test_an_english_page_adds_the_readers_time_as_it_writes_its_own(new_context):
    """2:00pm in New York on January 15 is 8:00pm in Paris: the clock and
    span as the page writes them, and the zone as people say it."""
    event = make_event("Copyright Basics", start=eastern(2031, 1, 15))
    added = reader_sees(new_context, event, "Europe/Paris")
    expect(added).to_have_text("(8:00pm - 9:00pm your time, Central European Time)")


def test_a_reader_in_the_pages_zone_sees_nothing_added(new_context):
    """Nothing new to say: the line stays as the server wrote it."""
    event = make_event("Copyright Basics", start=eastern(2031, 1, 15))
    added = reader_sees(new_context, event, "America/New_York")
    expect(added).to_be_hidden()


@pytest.fixture
def french_site(settings, tmp_path):
    """The whole site in French (the live server answers in its own thread,
    so the language is the site's, not one activated in the test)."""
    write_catalog(tmp_path / LANGUAGE / "LC_MESSAGES" / "django.mo", MESSAGES)
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGE_CODE = LANGUAGE


def test_a_french_page_adds_the_readers_time_in_french(new_context, french_site):
    """The catalog's clock and span ("de 20h00 à 21h00"), its sentence, and
    the browser's French name for the zone; nothing in English."""
    event = make_event("Copyright Basics", start=eastern(2031, 1, 15))
    added = reader_sees(new_context, event, "Europe/Paris")
    # The zone's name is the browser's own French for it.
    expect(added).to_have_text(
        re.compile(r"^\(de 20h00 à 21h00 à votre heure, \w.+\)$")
    )
    expect(added).not_to_contain_text("your time")
    expect(added).not_to_contain_text("Central European")
