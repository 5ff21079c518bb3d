"""The registrant's own page: it shows the accommodation request, and lets
the registrant correct their name, library and request (never the email),
through ``update_registration_details``."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from registrations import services
from registrations.models import Registration
from tests import dom
from tests.builders import make_event

from .conftest import register

pytestmark = pytest.mark.django_db


def manage_url(token: str) -> str:
    return reverse("registrations:manage", kwargs={"token": token})


def details_url(token: str) -> str:
    return reverse("registrations:details", kwargs={"token": token})


def details(**fields) -> dict[str, str]:
    return {
        "name": "Ada King",
        "organization": "Shelbyville Library",
        "accommodation_request": "Captions, please.",
        **fields,
    }


# The service


def test_update_saves_name_library_and_request_trimmed():
    """The three fields are saved, trimmed; the email and status stay."""
    registration, token = register(make_event())
    services.update_registration_details(
        token=token,
        name="  Ada King ",
        organization=" Shelbyville Library ",
        accommodation_request=" Captions, please.\nAnd a transcript. ",
    )
    registration.refresh_from_db()
    assert registration.name == "Ada King"
    assert registration.organization == "Shelbyville Library"
    assert registration.accommodation_request == (
        "Captions, please.\nAnd a transcript."
    )
    assert registration.email == "ada@example.org"
    assert registration.status == Registration.Status.CONFIRMED


def test_update_checks_the_registration_forms_rules():
    """A name on two lines, or an empty one, is refused with a message for
    the person, and nothing changes."""
    registration, token = register(make_event())
    for name in ["Ada\nBcc: someone@example.org", "   "]:
        with pytest.raises(services.RegistrationError) as refused:
            services.update_registration_details(token=token, name=name)
        assert refused.value.code == "invalid"
        assert refused.value.message
    with pytest.raises(services.RegistrationError, match="text-direction"):
        services.update_registration_details(
            token=token, name="Ada", accommodation_request="a\u202eb"
        )
    registration.refresh_from_db()
    assert registration.name == "Ada Lovelace"


def test_update_is_refused_on_a_cancelled_registration():
    """A cancelled registration keeps the details it had."""
    registration, token = register(make_event())
    services.cancel_registration(registration_id=registration.pk)
    with pytest.raises(services.RegistrationError, match="cancelled"):
        services.update_registration_details(token=token, name="Ada King")
    registration.refresh_from_db()
    assert registration.name == "Ada Lovelace"


def test_update_is_refused_once_the_event_started_or_was_cancelled():
    """After the start, or on a cancelled event, nothing changes."""
    event = make_event()
    registration, token = register(event)
    Event.objects.filter(pk=event.pk).update(
        start=event.start - timedelta(days=8), end=event.end - timedelta(days=8)
    )
    with pytest.raises(services.RegistrationError, match="started"):
        services.update_registration_details(token=token, name="Ada King")
    other, other_token = register(make_event(), email="grace@example.org")
    Event.objects.filter(pk=other.event_id).update(status=Event.Status.CANCELLED)
    with pytest.raises(services.RegistrationError, match="cancelled"):
        services.update_registration_details(token=other_token, name="Grace")
    assert Registration.objects.get(pk=registration.pk).name == "Ada Lovelace"
    assert Registration.objects.get(pk=other.pk).name == "Ada Lovelace"


def test_update_with_an_unknown_or_revoked_link_is_not_found():
    """A token that matches nothing, or a link staff revoked, finds nothing."""
    registration, token = register(make_event())
    with pytest.raises(services.RegistrationError) as refused:
        services.update_registration_details(token="x" * 43, name="Ada King")
    assert refused.value.code == services.NOT_FOUND
    services.revoke_links(registration_id=registration.pk)
    with pytest.raises(services.RegistrationError) as refused:
        services.update_registration_details(token=token, name="Ada King")
    assert refused.value.code == services.NOT_FOUND


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite has no row locks: it serializes whole transactions",
)
def test_update_locks_the_event_row_first():
    """As every service: the first statement locks the event's row."""
    _registration, token = register(make_event())
    with CaptureQueriesContext(connection) as queries:
        services.update_registration_details(token=token, name="Ada King")
    statements = [q["sql"] for q in queries if not q["sql"].startswith("SAVEPOINT")]
    assert '"events_event"' in statements[0]
    assert statements[0].rstrip().endswith("FOR UPDATE")


# The page


def test_page_shows_the_request_and_a_form_with_the_details_but_no_email(client):
    """The request is shown; the form is filled with the three fields, has
    no email field, and posts to the details URL under the token."""
    _registration, token = register(make_event(), accommodation_request="Captions")
    response = client.get(manage_url(token))
    page = dom.parse(response)
    assert "Captions" in dom.text(dom.find(page, "dd", class_="accommodation-request"))
    form = dom.find(page, "form", id="details")
    assert dom.attribute(form, "action") == details_url(token) + "#details"
    assert dom.attribute(form, "method") == "post"
    assert dom.control_names(form) == {
        "csrfmiddlewaretoken",
        "name",
        "organization",
        "accommodation_request",
        "save",
    }
    name = dom.find(form, "input", name="name")
    assert dom.attribute(name, "value") == "Ada Lovelace"
    assert "no-store" in response["Cache-Control"]


def test_page_shows_the_local_time_hint_markup_and_script(client):
    """The event's date line carries the markup local-time.js fills in (as
    on the event page), and the page loads that script."""
    event = make_event()
    _registration, token = register(event)
    page = dom.parse(client.get(manage_url(token)))
    time = dom.find(page, "time", data_local_time=True)
    assert dom.attribute(time, "data-zone") == "America/New_York"
    assert dom.attribute(time, "datetime") == event.start.astimezone(
        event.tz
    ).isoformat(timespec="seconds")
    assert dom.find_all(page, "span", data_local_time_output=True)
    scripts = [dom.attribute(s, "src") for s in dom.find_all(page, "script")]
    assert any(src.endswith("js/local-time.js") for src in scripts)


def test_saving_redirects_back_with_a_saved_notice(client):
    """A valid POST saves and comes back to the page, which says so and
    shows the new details."""
    registration, token = register(make_event())
    response = client.post(details_url(token), details())
    assert response.status_code == 302
    assert response["Location"] == manage_url(token) + "?saved=1"
    assert "no-store" in response["Cache-Control"]
    page = client.get(response["Location"])
    words = dom.text_of(page)
    assert "Your details are saved." in words
    assert "Ada King" in words
    assert "Captions, please." in words
    registration.refresh_from_db()
    assert registration.organization == "Shelbyville Library"


def test_a_mistyped_form_comes_back_with_errors_linked_to_fields(client):
    """A name with a line break: the page again, the summary linking to the
    name field, what was typed kept, nothing saved."""
    registration, token = register(make_event())
    response = client.post(details_url(token), details(name="Ada\r\nKing"))
    assert response.status_code == 200
    page = dom.parse(response)
    summary = dom.find(page, "div", data_error_summary=True)
    assert dom.attribute(summary, "tabindex") == "-1"
    assert "#id_name" in dom.hrefs(summary)
    assert "one line" in dom.text(summary)
    registration.refresh_from_db()
    assert registration.name == "Ada Lovelace"


def test_a_refusal_after_the_page_was_opened_is_said_on_the_page(client):
    """Cancelled while the form was open: the POST changes nothing and the
    page says why, without the form."""
    registration, token = register(make_event())
    services.cancel_registration(registration_id=registration.pk)
    response = client.post(details_url(token), details())
    assert response.status_code == 200
    page = dom.parse(response)
    assert "can no longer change" in dom.text_of(response)
    assert dom.find_all(page, "form", id="details") == []
    registration.refresh_from_db()
    assert registration.name == "Ada Lovelace"


def test_no_form_once_the_event_started(client):
    """After the start the page shows the details but offers no form."""
    event = make_event()
    _registration, token = register(event)
    Event.objects.filter(pk=event.pk).update(
        start=event.start - timedelta(days=8), end=event.end - timedelta(days=8)
    )
    page = dom.parse(client.get(manage_url(token)))
    assert dom.find_all(page, "form", id="details") == []


def test_details_url_takes_only_post_and_unknown_tokens_get_the_404_page(client):
    """GET changes nothing (405); an unknown token answers the friendly 404."""
    _registration, token = register(make_event())
    assert client.get(details_url(token)).status_code == 405
    response = client.post(details_url("x" * 43), details())
    assert response.status_code == 404
    assert "We don't recognize this link" in response.content.decode()
