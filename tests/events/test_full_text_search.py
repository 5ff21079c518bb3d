"""Full-text search of the event lists (events.search): words in any order
across the title, the presenters', categories' and organizer's names and the
description; kept current as those change; best matches first on
PostgreSQL, from the index of migration 0004; every word somewhere, in date
order, on SQLite.
"""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import selectors
from events.models import Event, EventPresenter
from tests.builders import (
    eastern,
    make_category,
    make_event,
    make_organizer,
    make_presenter,
)
from tests.dom import find, find_all, parse, text, text_of

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
on_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="needs PostgreSQL (set DATABASE_URL)"
)
on_sqlite = pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite stand-in")

MIGRATION = importlib.import_module("events.migrations.0004_event_search_names")


def found(q: str, *, past: bool = False) -> list[str]:
    """Titles the list search gives for ``q``, in the order it gives them."""
    events = Event.objects.published()
    events = events.past() if past else events.upcoming()
    return [event.title for event in selectors.filter_events(events, q=q)]


def card_titles(response) -> list[str]:
    return [text(h3) for h3 in find_all(parse(response), "h3", class_="card-title")]


@pytest.fixture
def sos():
    """The seeds' webinar, and another about libraries that never says SOS."""
    event = make_event(
        "SOS for Library Professionals (ALA Webinar)",
        description="Ways to handle an emergency at the reference desk.",
        start=eastern(2031, 5, 2),
    )
    make_event(
        "Library Advocacy",
        description="Speaking up for the library.",
        start=eastern(2031, 5, 1),
    )
    return event


@pytest.mark.parametrize("q", ["sos library", "library sos", "SOS LIBRARY"])
def test_words_are_found_in_any_order_and_letter_case(sos, q):
    """ "sos library" finds "SOS for Library Professionals", as do the words the
    other way round or in capitals; an event with only one of them doesn't."""
    assert found(q) == [sos.title]


def test_each_word_may_be_found_in_a_different_place(sos):
    """One word in the title, one in a presenter's name, one in the
    description: all three together still find the event."""
    make_presenter("Jia Haddad", event=sos)
    assert found("haddad sos emergency") == [sos.title]
    assert found("haddad sos budget") == []


def test_a_presenter_category_or_organizer_name_finds_the_event():
    """A presenter's surname, a category's name and the organizer's name each
    find the event; none of them is in its title or description."""
    organizer = make_organizer("Springfield Learning Team")
    event = make_event(
        "Morning session",
        organizer=organizer,
        categories=[make_category("Vendor Webinar - ALA")],
    )
    make_presenter("Chloe Ito", event=event)
    make_event("Other session")
    assert found("ito") == ["Morning session"]
    assert found("vendor webinar") == ["Morning session"]
    assert found("springfield") == ["Morning session"]


def test_a_past_event_is_found_in_the_past_list_only(sos):
    """The past list searches past events the same way; the upcoming list
    doesn't show them."""
    make_event("SOS at the Library, last year", start=eastern(2020, 5, 1))
    assert found("library sos", past=True) == ["SOS at the Library, last year"]
    assert found("library sos") == [sos.title]


# Kept current: every change that alters an event's names.


def test_renaming_a_presenter_category_or_organizer_changes_what_finds_the_event():
    """After a rename, the new name finds the event and the old one doesn't."""
    organizer = make_organizer("Learning Services")
    category = make_category("Grant Writing")
    event = make_event("Tuesday", organizer=organizer, categories=[category])
    presenter = make_presenter("Ana Chen", event=event)
    for row, field, new in (
        (presenter, "name", "Ana Brooks"),
        (category, "name", "Fundraising"),
        (organizer, "name", "Outreach Team"),
    ):
        old = getattr(row, field)
        setattr(row, field, new)
        row.save()
        assert found(new) == ["Tuesday"]
        assert found(old.split()[-1]) == []


def test_the_line_up_and_categories_change_what_finds_the_event():
    """Adding or removing a presenter or a category, from either side of the
    link, changes what finds the event."""
    event = make_event("Tuesday")
    slot_presenter = make_presenter("Kofi Evans", event=event)
    assert found("evans") == ["Tuesday"]
    EventPresenter.objects.get(presenter=slot_presenter).delete()
    assert found("evans") == []

    cataloging = make_category("Cataloging")
    event.categories.add(cataloging)
    assert found("cataloging") == ["Tuesday"]
    event.categories.remove(cataloging)
    assert found("cataloging") == []
    cataloging.events.add(event)
    assert found("cataloging") == ["Tuesday"]
    cataloging.events.clear()
    assert found("cataloging") == []
    event.categories.set([cataloging])
    event.categories.clear()
    assert found("cataloging") == []


def test_deleting_a_category_takes_its_name_off_its_events():
    """Its links go with it, unsignalled; its events no longer match it."""
    category = make_category("Makerspaces")
    make_event("Tuesday", categories=[category])
    category.delete()
    assert found("makerspaces") == []


def test_the_organizer_of_a_new_or_changed_event_finds_it():
    """An event created with an organizer, or given another one later, is
    found by that organizer's name."""
    event = make_event("Tuesday", organizer=make_organizer("Riverside Team"))
    assert found("riverside") == ["Tuesday"]
    event.organizer = make_organizer("Lakeshore Team")
    event.save(update_fields=["organizer"])
    assert found("lakeshore") == ["Tuesday"]
    assert found("riverside") == []


def test_saving_only_other_fields_leaves_the_names_alone():
    """A save of chosen fields other than the organizer (seats, status) runs
    no refresh of the names: services save events that way under a lock."""
    event = make_event("Tuesday")
    with CaptureQueriesContext(connection) as queries:
        event.capacity = 5
        event.save(update_fields=["capacity"])
    assert not [q for q in queries if "search_names" in q["sql"]]


def test_the_migration_fills_the_names_of_existing_events():
    """Events written before the column existed (here: names wiped) get their
    presenters', categories' and organizer's names from the migration."""
    event = make_event(
        "Tuesday",
        organizer=make_organizer("Maple County Team"),
        categories=[make_category("Genealogy")],
    )
    make_presenter("Nia Garcia", event=event)
    Event.objects.update(search_names="")
    assert found("garcia") == []
    MIGRATION.fill_search_names(apps, None)
    event.refresh_from_db()
    assert event.search_names == "Nia Garcia Genealogy Maple County Team"
    assert found("garcia genealogy maple") == ["Tuesday"]


# The page.


def test_search_results_are_cards_with_dates_not_days(client, sos):
    """With a search, the list is one ordered list of cards, each with its
    date, under one heading; no day headings."""
    response = client.get(reverse("events:list"), {"q": "library"})
    page = parse(response)
    # The word in both titles, and in one description too: that one first,
    # by rank on PostgreSQL and by date on SQLite.
    assert card_titles(response) == ["Library Advocacy", sos.title]
    results = find(page, "section", class_="search-results")
    assert len(find_all(results, "li")) == 2
    assert find_all(page, "section", class_="event-day") == []
    assert "Friday, May 2, 2031" in text(results)
    heading = text(find(results, "h2"))
    if ON_POSTGRESQL:
        assert heading == "Best matches first"
    else:
        assert heading == "Matches, soonest first"


def test_without_a_search_the_list_is_grouped_by_day_as_before(client, sos):
    """No search (a category alone, say): day headings, no results list."""
    response = client.get(reverse("events:list"))
    page = parse(response)
    days = find_all(page, "section", class_="event-day")
    assert [text(find(day, "h2")) for day in days] == [
        "Thursday, May 1, 2031",
        "Friday, May 2, 2031",
    ]
    assert find_all(page, "section", class_="search-results") == []


def test_past_search_results_are_cards_with_dates(client):
    """The past list's search shows the same kind of results."""
    make_event("SOS at the Library, last year", start=eastern(2020, 5, 1))
    response = client.get(reverse("events:past"), {"q": "sos"})
    results = find(parse(response), "section", class_="search-results")
    assert "Friday, May 1, 2020" in text(results)
    assert "1 past event matches your search." in text_of(response)


def test_a_search_runs_as_many_queries_as_the_plain_list(client, sos):
    """Searching costs no extra query: the count and the page, as without."""
    for n in range(3):
        event = make_event(f"SOS Library {n}", categories=[make_category()])
        make_presenter(f"Presenter {n}", event=event)
    url = reverse("events:list")
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with CaptureQueriesContext(connection) as searched:
        response = client.get(url, {"q": "library sos"})
    assert len(card_titles(response)) == 4
    assert len(searched) == len(plain)


# PostgreSQL: ranked full-text search from its index.


@on_postgresql
def test_title_matches_come_before_names_before_the_description():
    """Best first, whatever the dates: the word in the title, then in a
    presenter's name or a category, then only in the description."""
    make_event(
        "Tuesday", description="All about cataloging.", start=eastern(2031, 5, 1)
    )
    make_event(
        "Wednesday",
        categories=[make_category("Cataloging")],
        start=eastern(2031, 5, 2),
    )
    make_event("Cataloging Basics", start=eastern(2031, 5, 3))
    assert found("cataloging") == ["Cataloging Basics", "Wednesday", "Tuesday"]


@on_postgresql
def test_the_seeds_title_ranks_above_a_description_that_mentions_the_words():
    """ "sos library": the webinar with both words in its title comes before an
    earlier one whose description uses each of them twice."""
    title = make_event("SOS for Library Professionals", start=eastern(2031, 5, 9))
    make_event(
        "Reference desk",
        description="Library staff answer SOS calls; the library's SOS line.",
        start=eastern(2031, 5, 1),
    )
    assert found("sos library") == [title.title, "Reference desk"]


@on_postgresql
def test_english_word_forms_and_web_search_syntax():
    """English stemming ("libraries" finds "Library"); a quoted phrase must
    appear as written; a leading minus leaves out events with that word."""
    make_event("Library Advocacy", start=eastern(2031, 5, 1))
    make_event("Advocacy for Libraries and Archives", start=eastern(2031, 5, 2))
    assert sorted(found("libraries")) == [
        "Advocacy for Libraries and Archives",
        "Library Advocacy",
    ]
    assert found('"library advocacy"') == ["Library Advocacy"]
    assert found("advocacy -archives") == ["Library Advocacy"]


def plan(queryset) -> str:
    """EXPLAIN of ``queryset`` with row-by-row reads priced out of reach, so a
    plan that can't use an index still reads the table."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for scan in ("seqscan", "indexscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@on_postgresql
def test_the_search_reads_stored_words_through_their_index():
    """The search finds events through the GIN index of migration 0004, and
    ranks them by the words stored in the row, never working them out from
    the text per match (that took over 100 ms at 10,000 events). (Of all
    events: in a near-empty table the lists' date index is cheaper still.)"""
    make_event("Grant writing")
    queryset = selectors.filter_events(Event.objects.all(), q="grant writing")
    assert f"Bitmap Index Scan on {MIGRATION.SEARCH_INDEX}" in plan(queryset)
    assert "to_tsvector" not in str(queryset.query)


@on_postgresql
def test_the_stored_words_follow_the_row_and_stay_out_of_the_lists(client, sos):
    """Retitled with update() (no save, no signal), the event is found by its
    new title; the lists without a search never read the stored words."""
    Event.objects.filter(pk=sos.pk).update(title="Cataloging Clinic")
    assert found("cataloging clinic") == ["Cataloging Clinic"]
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("events:home"))
        client.get(reverse("events:list"))
        client.get(reverse("events:past"))
    assert queries
    assert not [q for q in queries if "search_words" in q["sql"]]


# SQLite: the stand-in.


@on_sqlite
def test_without_postgresql_every_word_must_appear_and_dates_order_matches():
    """Each word anywhere, as part of a word too, case aside; soonest first,
    whatever matched where."""
    make_event("Reference desk", description="Cataloging.", start=eastern(2031, 5, 1))
    make_event("Cataloging Basics", start=eastern(2031, 5, 2))
    make_event("Catalogs", start=eastern(2031, 5, 3))
    assert found("CATALOG") == ["Reference desk", "Cataloging Basics", "Catalogs"]
    assert found("catalog basics") == ["Cataloging Basics"]
