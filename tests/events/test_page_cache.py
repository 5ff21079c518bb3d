"""Whole pages from the cache (events.page_cache): served again only while
nothing they show has changed, never to a signed-in person, and with each
visitor's own CSRF token."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.utils import timezone

from events import page_cache
from events.models import Event, LearningOutcome
from registrations.models import Registration
from registrations.services import (
    RegistrationError,
    cancel_registration,
    register_for_event,
)
from tests.builders import (
    make_category,
    make_event,
    make_presenter,
    post_registration,
)

# Real commits: seat markers move when a registration's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def stored_pages(store=None) -> list[str]:
    """Keys of the pages kept in a local-memory cache (the pages cache by
    default)."""
    store = store or page_cache.pages_cache()
    return [key for key in store._cache if page_cache.PAGE_KEY.format("") in key]


def register(event, email):
    return register_for_event(
        event_id=event.pk, name="Reader", email=email, notify=False
    )


@pytest.mark.parametrize(
    "url",
    ["/", "/events/", "/events/?q=webinar", "/events/past/", "/events/calendar/"],
)
def test_a_repeat_visit_runs_no_query(client, url, django_assert_num_queries):
    """Each public list page (home, upcoming, search, past, month) is served the second
    time from the cache, unchanged and without a database query."""
    make_event("Webinar on cataloging", categories=[make_category("Cataloging")])
    url = (
        client.get(url, follow=True).redirect_chain[-1][0] if "calendar" in url else url
    )
    first = page(client, url)
    with django_assert_num_queries(0):
        assert page(client, url) == first


def test_the_event_page_is_served_again_without_a_query(
    client, django_assert_num_queries
):
    """An event page's second visit comes from the cache without a query and still shows
    its seats."""
    event = make_event(capacity=10)
    page(client, event.get_absolute_url())
    with django_assert_num_queries(0):
        html = page(client, event.get_absolute_url())
    assert "There are 10 seats available." in html


def test_a_registration_shows_on_its_event_page_and_the_list_at_once(client):
    """A new registration takes a seat off both the cached event page and the cached
    list at once."""
    event = make_event("Copyright basics", capacity=10)
    assert "There are 10 seats available." in page(client, event.get_absolute_url())
    page(client, "/events/")

    register(event, "a@example.org")

    assert "There are 9 seats available." in page(client, event.get_absolute_url())
    assert "There are 9 seats available." in page(client, "/events/")


def test_a_cancellation_shows_at_once(client):
    """A cancellation frees its seat on the cached event page at once: "full" becomes "1
    seat available"."""
    event = make_event(capacity=1, waitlist_enabled=False)
    result = register(event, "a@example.org")
    assert "This event is full." in page(client, event.get_absolute_url())

    cancel_registration(registration_id=result.registration.pk)

    assert "There is 1 seat available." in page(client, event.get_absolute_url())


def test_a_rush_on_one_event_leaves_the_other_event_pages_cached(
    client, django_assert_num_queries
):
    """Registrations for one event leave the other events' cached pages in place, still
    served without a query."""
    quiet, busy = make_event(capacity=10), make_event(capacity=10)
    page(client, quiet.get_absolute_url())

    register(busy, "a@example.org")

    with django_assert_num_queries(0):
        page(client, quiet.get_absolute_url())


@pytest.mark.rows_changed_by_hand
def test_staff_deleting_a_registration_frees_the_seat_on_the_page(client):
    """Staff deleting a registration (rather than cancelling it) frees the seat on the
    cached event page at once."""
    event = make_event(capacity=1, waitlist_enabled=False)
    result = register(event, "a@example.org")
    assert "This event is full." in page(client, event.get_absolute_url())

    Registration.objects.get(pk=result.registration.pk).delete()

    assert "There is 1 seat available." in page(client, event.get_absolute_url())


def test_edits_to_anything_a_page_shows_show_at_once(client):
    """Edits to an event's title, outcomes, presenters or categories, or to a category's
    name, show on the cached pages at once."""
    event = make_event("Old title")
    url = event.get_absolute_url()
    page(client, url)
    page(client, "/events/")

    event.title = "New title"
    event.save()
    assert "New title" in page(client, url)
    assert "New title" in page(client, "/events/")

    LearningOutcome.objects.create(event=event, text="Write a grant", order=1)
    assert "Write a grant" in page(client, url)

    make_presenter("Zora Presenter", event=event)
    assert "Zora Presenter" in page(client, url)

    category = make_category("Genealogy")
    event.categories.add(category)
    assert "Genealogy" in page(client, url)

    category.name = "Family history"
    category.save()
    assert "Family history" in page(client, url)


def test_an_unpublished_event_leaves_the_list_at_once(client):
    """Unpublishing an event takes it off the cached list at once, and its page becomes
    a 404."""
    event = make_event("Soon gone")
    assert "Soon gone" in page(client, "/events/")
    event.is_published = False
    event.save()
    assert "Soon gone" not in page(client, "/events/")
    assert client.get(event.get_absolute_url()).status_code == 404


def test_each_visitor_gets_their_own_working_csrf_token():
    """A cached event page gives each visitor a CSRF token and cookie of their own, and
    the second visitor's token lets them register."""
    event = make_event(capacity=10)
    url = event.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = TOKEN.search(page(first, url)).group(1)
    second_html = page(second, url)  # from the cache
    second_token = TOKEN.search(second_html).group(1)

    assert page_cache.CSRF_PLACEHOLDER not in second_html
    assert first_token != second_token
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    response = post_registration(
        second,
        event,
        name="Reader",
        email="reader@example.org",
        csrfmiddlewaretoken=second_token,
    )
    assert response.status_code == 302
    assert Registration.objects.filter(email="reader@example.org").exists()


def test_signed_in_staff_always_get_a_fresh_page(client):
    """Signed-in staff never get a cached page: they see drafts, and changes made
    without a signal, at once."""
    draft = make_event("Draft webinar", is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    listed = make_event("Listed webinar")
    page(client, "/events/")
    page(client, listed.get_absolute_url())

    staff = get_user_model().objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    assert "Draft webinar" in page(client, draft.get_absolute_url())
    # A row changed without a signal: only a page built afresh shows it.
    Event.objects.filter(pk=listed.pk).update(title="Seen by staff at once")
    assert "Seen by staff at once" in page(client, "/events/")
    assert "Seen by staff at once" in page(client, listed.get_absolute_url())


def test_a_page_is_rebuilt_when_registration_closes(client, monkeypatch):
    """An event page cached while registration is open says "Registration closed" as
    soon as the closing time passes."""
    # Sooner than PAGE_CACHE_SECONDS: only the event's own moment can expire it.
    closes = timezone.now() + timedelta(seconds=30)
    event = make_event(capacity=10, registration_closes=closes)
    url = event.get_absolute_url()
    assert "There are 10 seats available." in page(client, url)

    later = closes + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "Registration closed" in page(client, url)


def test_pages_are_served_at_most_the_configured_time(client, monkeypatch, settings):
    """A change the cache cannot notice (a queryset update) shows once
    PAGE_CACHE_SECONDS have passed, not before."""
    settings.PAGE_CACHE_SECONDS = 60
    make_event("Listed")
    page(client, "/events/")
    # A row changed behind Django's back (no signal), seen once the page ages.
    Event.objects.update(title="Changed quietly")
    assert "Changed quietly" not in page(client, "/events/")
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Changed quietly" in page(client, "/events/")


def test_a_lost_marker_means_a_fresh_page(client):
    """When the content marker is lost from the cache, the next visit builds the page
    afresh instead of serving the stored one."""
    event = make_event()
    page(client, "/events/")
    page_cache.pages_cache().delete(page_cache.CONTENT_KEY)
    Event.objects.filter(pk=event.pk).update(title="Renamed quietly")
    assert "Renamed quietly" in page(client, "/events/")


def test_the_page_cache_can_be_turned_off(client, settings):
    """With PAGE_CACHE_SECONDS at 0 every visit builds the page afresh, so even changes
    made without a signal show at once."""
    settings.PAGE_CACHE_SECONDS = 0
    make_event("Listed")
    page(client, "/events/")
    Event.objects.update(title="Changed quietly")
    assert "Changed quietly" in page(client, "/events/")


def test_each_address_is_its_own_page(client):
    """Each search and each chosen time zone gets a cached page of its own, never
    another address's."""
    make_event("Cataloging webinar")
    make_event("Copyright webinar")
    assert "Copyright webinar" not in page(client, "/events/?q=cataloging")
    assert "Cataloging webinar" not in page(client, "/events/?q=copyright")
    assert "Europe/London" in page(client, "/events/?tz=Europe/London")


def test_registering_through_the_form_shows_on_the_page(client):
    """Registering through the event page's form takes a seat off the cached page at
    once."""
    event = make_event(capacity=5)
    assert "There are 5 seats available." in page(client, event.get_absolute_url())
    response = post_registration(
        client, event, name="Reader", email="reader@example.org"
    )
    assert response.status_code == 302
    assert "There are 4 seats available." in page(client, event.get_absolute_url())


def test_a_refused_registration_leaves_the_pages_cached(
    client, django_assert_num_queries
):
    """Nothing changed, so nothing goes stale: a rush on a full event must
    not throw away every list on every attempt."""
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, "a@example.org")
    page(client, "/events/")
    page(client, event.get_absolute_url())
    with pytest.raises(RegistrationError):
        register(event, "b@example.org")
    with django_assert_num_queries(0):
        page(client, "/events/")
        page(client, event.get_absolute_url())


def test_a_list_is_rebuilt_when_a_listed_event_opens_registration(client, monkeypatch):
    """A list cached before an event's registration opens shows its seats as soon as
    registration opens."""
    # Sooner than PAGE_CACHE_SECONDS: only the event's own moment can expire it.
    opens = timezone.now() + timedelta(seconds=30)
    make_event("Opens soon", capacity=10, registration_opens=opens)
    assert "Registration opens" in page(client, "/events/")

    later = opens + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    html = page(client, "/events/")
    assert "Registration opens" not in html
    assert "10 seats" in html


def test_addresses_with_unknown_parameters_are_built_but_not_stored(client):
    """Addresses with parameters the pages do not use (utm_source, say) are built but
    never stored, so they cannot fill the cache; a search is stored."""
    make_event("Listed")
    for n in range(3):
        page(client, f"/events/?utm_source={n}")
    assert stored_pages() == []
    page(client, "/events/?q=listed")
    assert len(stored_pages()) == 1


# The pages cache apart from the default cache


def test_pages_live_in_their_own_cache_apart_from_the_counters(client):
    """Pages and their markers go to the ``pages`` cache, none to the default
    one: evicting them (here, clearing that cache) leaves the security
    counters of the default cache alone, and the next visit builds the page
    again."""
    cache.set("almanac:counter", 3)
    make_event("Listed")
    page(client, "/events/")
    assert len(stored_pages()) == 1
    assert stored_pages(cache) == []
    assert page_cache.CONTENT_KEY not in str(list(cache._cache))

    page_cache.pages_cache().clear()

    assert cache.get("almanac:counter") == 3
    assert "Listed" in page(client, "/events/")


# Both caches on one Redis (``redis_caches``, tests/conftest.py)


def test_on_one_redis_pages_keep_out_of_the_counters_keys(
    redis_caches, client, django_assert_num_queries
):
    """Sharing a Redis with the counters, pages and markers are kept under a
    prefix of their own, and work as with the local-memory cache (served
    again without a query, new seats at once); dropping every page key, as
    an eviction would, leaves the counters and only costs a rebuild."""
    cache.set("almanac:counter", 3)
    event = make_event(capacity=10)
    url = event.get_absolute_url()
    page(client, url)
    with django_assert_num_queries(0):
        page(client, url)
    register(event, "a@example.org")
    assert "There are 9 seats available." in page(client, url)

    page_keys = redis_caches.keys("pages:*")
    assert any(b"almanac:page:" in key for key in page_keys)
    assert any(key.endswith(page_cache.CONTENT_KEY.encode()) for key in page_keys)
    redis_caches.delete(*page_keys)

    assert cache.get("almanac:counter") == 3
    assert "There are 9 seats available." in page(client, url)


# A cache that fails (``pages_cache_down``, tests/conftest.py)


def test_a_cache_error_after_the_commit_keeps_the_registration_and_its_email(
    pages_cache_down, caplog
):
    """Moving the seat markers fails once the registration has committed: the
    service still returns the registration, its confirmation is sent (the
    email's callback runs after the failed one), and the failure is logged.
    (``register_for_event`` is a durable transaction of its own, so no outer
    ``atomic``: its commit runs the callbacks, as in production.)"""
    event = make_event(capacity=10)

    result = register_for_event(
        event_id=event.pk, name="Reader", email="reader@example.org"
    )

    assert result.created
    registration = Registration.objects.get(pk=result.registration.pk)
    assert registration.status == Registration.Status.CONFIRMED
    assert [message.to for message in mail.outbox] == [["reader@example.org"]]
    assert "Could not move the page cache markers" in caplog.text


def test_a_registration_posted_while_the_cache_is_down_gets_its_page_and_email(
    pages_cache_down, client
):
    """The member who registers through the form is sent on to their result
    page, not shown an error, and gets their email; the event page itself
    is built afresh, without the cache."""
    event = make_event(capacity=5)
    assert "There are 5 seats available." in page(client, event.get_absolute_url())

    response = post_registration(
        client, event, name="Reader", email="reader@example.org"
    )

    assert response.status_code == 302
    assert Registration.objects.filter(email="reader@example.org").exists()
    assert [message.to for message in mail.outbox] == [["reader@example.org"]]
    assert "There are 4 seats available." in page(client, event.get_absolute_url())


@pytest.mark.rows_changed_by_hand
def test_staff_edits_and_deletes_save_while_the_cache_is_down(pages_cache_down, caplog):
    """Moving the content marker (inside the transaction and after it) and
    the seat markers of a deleted registration fail and are logged; the edit
    and the delete are saved all the same."""
    event = make_event("Old title", capacity=5)
    result = register(event, "a@example.org")

    event.title = "New title"
    event.save()
    Registration.objects.get(pk=result.registration.pk).delete()

    assert Event.objects.get(pk=event.pk).title == "New title"
    assert not Registration.objects.exists()
    assert "Could not move the page cache markers" in caplog.text


# Pages never stored


def counted_view(respond):
    """A view under the page cache, with the list of requests it was built
    for; ``respond(request)`` makes its response."""
    builds = []

    @page_cache.cached_page(page_cache.no_seats)
    def view(request):
        builds.append(request)
        return respond(request)

    return view, builds


def test_a_page_for_anyone_is_built_once_and_served_again(rf):
    """The control for the tests below: a plain page is built for the first
    visitor and served to the second from the cache."""
    view, builds = counted_view(lambda request: HttpResponse("For anyone"))
    view(rf.get("/events/"))
    assert view(rf.get("/events/")).content == b"For anyone"
    assert len(builds) == 1


def test_a_page_built_with_a_real_csrf_token_is_never_stored(rf):
    """A view (or a template's ``{% csrf_token %}``) that asked for the
    visitor's own token put it in the page: the next visitor must get a page
    of their own, never the first visitor's token."""
    view, builds = counted_view(
        lambda request: HttpResponse(f"token={get_token(request)}")
    )
    first = view(rf.get("/events/")).content
    second = view(rf.get("/events/")).content
    assert len(builds) == 2
    assert first != second


def with_header(name: str, value: str):
    def respond(request):
        response = HttpResponse("For one visitor")
        response[name] = value
        return response

    return respond


@pytest.mark.parametrize(
    "respond",
    [
        pytest.param(with_header("Cache-Control", "private"), id="private"),
        pytest.param(with_header("Cache-Control", "max-age=0, no-store"), id="store"),
        pytest.param(with_header("Cache-Control", "No-Cache"), id="no-cache"),
        pytest.param(with_header("Vary", "Accept-Encoding, *"), id="vary-star"),
    ],
)
def test_a_page_marked_private_or_uncacheable_is_never_stored(rf, respond):
    """A response that says it is for one visitor (``private``), for no
    cache (``no-store``, ``no-cache``) or varies on anything (``Vary: *``)
    is built again for each visitor."""
    view, builds = counted_view(respond)
    view(rf.get("/events/"))
    view(rf.get("/events/"))
    assert len(builds) == 2
