"""With a catalog for another language, what a member reads comes from it:
the pages and emails (their translate tags), the day and month names, and
the last-resort error page Python writes.

The catalog is compiled here from a few messages, the way ``msgfmt`` would,
so the test needs no gettext tools. Django's own French catalog supplies the
day and month names.
"""

import struct
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from events import views
from registrations import services
from tests import dom
from tests.builders import eastern, make_event

LANGUAGE = "fr"

MESSAGES = {
    "Upcoming events": "Événements à venir",
    "Skip to main content": "Aller au contenu principal",
    "%(site_name)s: professional development for library staff.": (
        "%(site_name)s : la formation des bibliothécaires."
    ),
    "Events in %(month)s": "Événements de %(month)s",
    # A plural: both forms, joined by NUL, as msgfmt writes them.
    "%(counter)s event\x00%(counter)s events": (
        "%(counter)s événement\x00%(counter)s événements"
    ),
    "Hello %(name)s,": "Bonjour %(name)s,",
    "You're registered: your seat is confirmed.": (
        "Vous êtes inscrit : votre place est confirmée."
    ),
    "When:": "Quand :",
    # With their contexts, joined by EOT, as msgfmt writes them: the
    # clock on 24 hours, and a time span in French words.
    "clock\x04%(hour12)s:%(minute)sam": "%(hour24)sh%(minute)s",
    "clock\x04%(hour12)s:%(minute)spm": "%(hour24)sh%(minute)s",
    "time span\x04%(start)s - %(end)s": "de %(start)s à %(end)s",
    "date line\x04%(day)s, %(times)s %(zone)s": "%(day)s, %(times)s (%(zone)s)",
    # What local-time.js adds after a date line, in the reader's zone.
    "local time\x04(%(time)s your time, %(zone)s)": (
        "(%(time)s à votre heure, %(zone)s)"
    ),
    "time zone\x04%(place)s time": "heure de %(place)s",
    "Server error": "Erreur du serveur",
    "Something went wrong": "Un problème est survenu",
    "Please try again in a few minutes.": "Veuillez réessayer dans quelques minutes.",
}


def write_catalog(path: Path, messages: dict[str, str]) -> None:
    """A GNU .mo file holding ``messages`` (msgid: msgstr), UTF-8."""
    header = (
        "Content-Type: text/plain; charset=UTF-8\n"
        "Plural-Forms: nplurals=2; plural=(n > 1);\n"
    )
    entries = sorted(
        (msgid.encode(), msgstr.encode())
        for msgid, msgstr in {"": header, **messages}.items()
    )
    count = len(entries)
    ids_table = 7 * 4
    strs_table = ids_table + count * 8
    offset = strs_table + count * 8
    ids_index, strs_index, data = [], [], b""
    for column, index in ((0, ids_index), (1, strs_index)):
        for entry in entries:
            text = entry[column]
            index.append((len(text), offset + len(data)))
            data += text + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, 0)
    tables = b"".join(struct.pack("<2I", *pair) for pair in ids_index + strs_index)
    path.parent.mkdir(parents=True)
    path.write_bytes(head + tables + data)


@pytest.fixture
def in_french(settings, tmp_path):
    """French is the active language, with the test catalog ahead of
    Django's own (changing LOCALE_PATHS empties Django's catalog cache)."""
    write_catalog(tmp_path / LANGUAGE / "LC_MESSAGES" / "django.mo", MESSAGES)
    settings.LOCALE_PATHS = [tmp_path]
    with translation.override(LANGUAGE):
        yield


@pytest.mark.django_db
def test_the_home_page_reads_in_the_active_language(client, in_french):
    """The heading, the skip link and the footer's sentence (with the site's
    name in it) come from the catalog; no English one is left."""
    make_event("Copyright Basics")
    html = client.get(reverse("events:home")).content.decode()
    assert "<h1>Événements à venir</h1>" in html
    assert ">Aller au contenu principal</a>" in html
    assert "Almanac : la formation des bibliothécaires." in html
    assert "Upcoming events" not in html
    assert "Skip to main content" not in html


@pytest.mark.django_db
def test_the_month_page_names_days_and_counts_in_the_active_language(client, in_french):
    """Weekday headers and long dates use Django's French names (not the
    server locale's English ones), and the count of a day's events takes
    the catalog's plural."""
    make_event("Copyright Basics", start=eastern(2030, 6, 10))
    html = client.get(reverse("events:month", args=[2030, 6])).content.decode()
    assert '<span class="visually-hidden">dimanche</span>' in html
    assert "lundi, juin 10, 2030: 1 événement</span>" in html
    assert "Événements de juin 2030" in html
    for english in ("Sunday", "Monday", "June"):
        assert english not in html


@pytest.mark.django_db
def test_an_email_reads_in_the_active_language(
    in_french, django_capture_on_commit_callbacks
):
    """The plain-text confirmation is written from the catalog, line by line
    as in English, its times too (the catalog's clock, span and date line)."""
    event = make_event("Copyright Basics", capacity=5, start=eastern(2031, 10, 21, 14))
    with django_capture_on_commit_callbacks(execute=True):
        services.register_for_event(
            event_id=event.pk, name="Ada Lovelace", email="ada@example.org"
        )
    [message] = mail.outbox
    assert message.body.startswith(
        "Bonjour Ada Lovelace,\n\n"
        "Vous êtes inscrit : votre place est confirmée.\n\n"
        "Copyright Basics\n"
        "Quand : "
    )
    when = message.body.split("Quand : ")[1].splitlines()[0]
    assert when.split(", de ")[1] == "14h00 à 15h00 (Eastern Time - US & Canada)"


@pytest.mark.django_db
def test_the_page_gives_local_time_js_its_words_and_language(client, in_french):
    """The page names its language, and the script that adds the reader's
    own time is given the catalog's clock, time span and sentence, so what
    it writes reads like the page (tests/e2e/test_local_time_browser.py
    runs it)."""
    event = make_event("Copyright Basics", start=eastern(2031, 1, 15))
    page = dom.parse(client.get(event.get_absolute_url()))
    assert dom.attribute(dom.find(page, "html"), "lang") == "fr"
    [script] = [
        element
        for element in dom.find_all(page, "script")
        if (dom.attribute(element, "src") or "").endswith("js/local-time.js")
    ]
    assert {
        name: dom.attribute(script, f"data-{name}")
        for name in ("before-noon", "from-noon", "time-span", "your-time")
    } == {
        "before-noon": "%(hour24)sh%(minute)s",
        "from-noon": "%(hour24)sh%(minute)s",
        "time-span": "de %(start)s à %(end)s",
        "your-time": "(%(time)s à votre heure, %(zone)s)",
    }
    assert dom.attribute(script, "data-place-time") == "heure de %(place)s"


@pytest.fixture
def broken_500_template(settings, tmp_path):
    """A 500.html that fails as it renders, ahead of ours."""
    (tmp_path / "500.html").write_text("{% url 'no-such-page' %}")
    engine = {**django_settings.TEMPLATES[0]}
    engine["DIRS"] = [tmp_path, *engine["DIRS"]]
    settings.TEMPLATES = [engine, *django_settings.TEMPLATES[1:]]


def test_the_last_resort_error_page_reads_in_the_active_language(
    broken_500_template, in_french
):
    """When even the 500 template fails, the page Python writes instead is
    translated too."""
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert response.content.decode() == (
        "<!doctype html><title>Erreur du serveur</title>"
        "<h1>Un problème est survenu</h1>"
        "<p>Veuillez réessayer dans quelques minutes.</p>"
    )


def test_the_last_resort_error_page_is_unchanged_in_english(broken_500_template):
    """In English it is the same page as before it was marked."""
    response = views.server_error(RequestFactory().get("/"))
    assert response.content.decode() == (
        "<!doctype html><title>Server error</title>"
        "<h1>Something went wrong</h1><p>Please try again in a few minutes.</p>"
    )
