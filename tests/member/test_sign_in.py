"""My registrations (``/my/``): a sign-in link by email, then every
registration of that address behind it, for this browser's session."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from registrations import services
from registrations.models import OutboundEmail, Registration, SignInLink, hash_token
from registrations.services import sign_in
from tests import dom
from tests.builders import make_event

from .conftest import register, sign_in_path

pytestmark = pytest.mark.django_db

MY = reverse("registrations:my_registrations")
SIGN_OUT = reverse("registrations:my_sign_out")


def ask_for_link(client, email="ada@example.org", commit=None):
    if commit is None:
        return client.post(MY, {"email": email})
    with commit():
        return client.post(MY, {"email": email})


def signed_in_client(commit, email="ada@example.org") -> Client:
    client = Client()
    ask_for_link(client, email, commit)
    response = client.post(sign_in_path(email))
    assert response.status_code == 302
    assert response["Location"] == MY
    return client


# Asking for a link


def test_asking_sends_one_link_that_is_stored_only_as_a_hash(client, commit):
    """The address gets an email with a /my/sign-in/<token>/ link; the
    database keeps the token's SHA-256 and the address, expiring in a day;
    the outbox row's bodies are cleared once it is sent."""
    response = ask_for_link(client, "Ada@Example.org", commit)
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:my_link_sent")
    assert [m.to for m in mail.outbox] == [["Ada@Example.org"]]
    assert "My registrations" in mail.outbox[0].subject
    path = sign_in_path("Ada@Example.org")
    token = path.rstrip("/").rsplit("/", 1)[1]
    link = SignInLink.objects.get()
    assert link.token_hash == hash_token(token)
    assert link.email_normalized == "ada@example.org"
    assert link.expires_at - link.created_at == timedelta(days=1)
    assert link.used_at is None
    outbound = OutboundEmail.objects.get(kind=OutboundEmail.Kind.SIGN_IN)
    assert outbound.status == OutboundEmail.Status.SENT
    assert outbound.body_text == outbound.body_html == ""


def test_the_answer_is_the_same_with_or_without_registrations(client, commit):
    """An address with registrations and one without get the same redirect
    and the same page after it; each is sent a link."""
    register(make_event(), "ada@example.org")
    answers = []
    for email in ["ada@example.org", "nobody@example.org"]:
        response = ask_for_link(client, email, commit)
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.content))
    assert answers[0] == answers[1]
    assert len(mail.outbox) == 2


def test_one_link_per_address_every_few_minutes(client, commit, clock):
    """A second request within five minutes, in any letter case, sends
    nothing and answers the same; after five minutes another is sent."""
    first = ask_for_link(client, "ada@example.org", commit)
    clock.advance(minutes=4, seconds=59)
    again = ask_for_link(client, "ADA@example.org ", commit)
    assert again["Location"] == first["Location"]
    assert len(mail.outbox) == 1
    clock.advance(seconds=1)
    ask_for_link(client, "ada@example.org", commit)
    assert len(mail.outbox) == 2


def test_a_mistyped_address_is_said_on_the_page(client):
    """No address, or one at a private domain: the form again with the
    message by the field, and nothing sent."""
    for email in ["", "not an address", "ada@localhost"]:
        response = client.post(MY, {"email": email})
        assert response.status_code == 200
        summary = dom.find(dom.parse(response), "div", data_error_summary=True)
        assert "#id_email" in dom.hrefs(summary)
    assert SignInLink.objects.count() == 0
    assert mail.outbox == []


def test_one_network_asking_too_often_is_told_to_wait(client, settings, commit):
    """Past SIGN_IN_LINK_RATE_LIMIT from one network: a 429 with a message,
    and nothing sent, whatever the address."""
    settings.SIGN_IN_LINK_RATE_LIMIT = "2/3600"
    ask_for_link(client, "one@example.org", commit)
    ask_for_link(client, "two@example.org", commit)
    response = ask_for_link(client, "three@example.org", commit)
    assert response.status_code == 429
    assert "Too many sign-in links" in dom.text_of(response)
    assert int(response["Retry-After"]) == 3600
    assert len(mail.outbox) == 2


# Opening the link


def test_opening_the_link_changes_nothing(client, commit):
    """GET (a mail scanner) shows a "Sign in" button that posts to the same
    address; the link stays unused and nobody is signed in."""
    ask_for_link(client, "ada@example.org", commit)
    path = sign_in_path("ada@example.org")
    scanner = Client()
    response = scanner.get(path)
    assert response.status_code == 200
    form = dom.find(dom.parse(response), "form", method="post")
    assert dom.attribute(form, "action") == path
    assert dom.submit_labels(form) == ["Sign in"]
    assert "no-store" in response["Cache-Control"]
    assert SignInLink.objects.get().used_at is None
    assert "Signed in as" not in dom.text_of(scanner.get(MY))


def test_a_link_works_once(commit):
    """After one sign-in, the same link is refused (410) with a way to ask
    for a new one."""
    client = signed_in_client(commit)
    path_used = sign_in_path("ada@example.org")
    other = Client()
    response = other.post(path_used)
    assert response.status_code == 410
    assert "used already" in dom.text_of(response)
    assert other.get(path_used).status_code == 410
    assert "Signed in as" not in dom.text_of(other.get(MY))
    assert "Signed in as" in dom.text_of(client.get(MY))


def test_a_link_works_for_a_day(client, commit, clock):
    """A day after it was sent the link is refused, and signs no one in."""
    ask_for_link(client, "ada@example.org", commit)
    path = sign_in_path("ada@example.org")
    clock.advance(days=1)
    assert client.get(path).status_code == 410
    response = client.post(path)
    assert response.status_code == 410
    assert "expired" in dom.text_of(response)
    assert SignInLink.objects.get().used_at is None


@pytest.mark.parametrize("token", ["nope", "x" * 43, "a" * 500])
def test_an_unknown_link_gets_a_friendly_404(client, token):
    """A token we never sent: a page that says so, with the form to ask."""
    path = reverse("registrations:my_sign_in", kwargs={"token": token})
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 404
        assert "We don't recognize this sign-in link" in dom.text_of(response)
        assert "email" in dom.control_names(dom.parse(response))


# Signed in


def test_signed_in_page_lists_every_registration_of_the_address(commit):
    """Every registration of the address in any letter case, with status,
    date and its own working link; newest events first, past ones after;
    nobody else's."""
    far = make_event("Far Webinar")
    Event.objects.filter(pk=far.pk).update(
        start=far.start + timedelta(days=30), end=far.end + timedelta(days=30)
    )
    near = make_event("Near Webinar")
    past = make_event("Past Webinar")
    register(far, "Ada@Example.org")
    cancelled, _token = register(near, "ada@example.org")
    services.cancel_registration(registration_id=cancelled.pk)
    _old, old_token = register(past, "ADA@example.org")
    Event.objects.filter(pk=past.pk).update(
        start=past.start - timedelta(days=10), end=past.end - timedelta(days=10)
    )
    register(near, "grace@example.org", name="Grace Hopper")

    client = signed_in_client(commit)
    response = client.get(MY)
    assert response.status_code == 200
    page = dom.parse(response)
    words = dom.text_of(response)
    assert "Signed in as ada@example.org." in words
    assert "Grace" not in words
    titles = [dom.text(h) for h in dom.find_all(page, "h3")]
    assert titles == ["Far Webinar", "Near Webinar", "Past Webinar"]
    past_section = dom.find(page, "section", aria_labelledby="past-heading")
    assert [dom.text(h) for h in dom.find_all(past_section, "h3")] == ["Past Webinar"]
    statuses = [
        dom.text(p) for p in dom.find_all(page, "p", class_="my-registration-status")
    ]
    assert statuses == ["Confirmed", "Cancelled", "Confirmed"]
    manage = reverse("registrations:manage", kwargs={"token": old_token})
    assert manage in dom.hrefs(page)
    assert client.get(manage).status_code == 200
    assert dom.find_all(page, "time", data_local_time=True)


def test_after_staff_revoke_a_link_the_current_one_is_offered(commit):
    """Revoking kills the links sent so far; the list offers the
    registration's new link (the address's owner is who would be emailed
    it), never the revoked one."""
    registration, token = register(make_event(), "ada@example.org")
    services.revoke_links(registration_id=registration.pk)
    registration.refresh_from_db()
    current = services.link_token(registration)
    client = signed_in_client(commit)
    links = dom.hrefs(dom.parse(client.get(MY)))
    assert reverse("registrations:manage", kwargs={"token": token}) not in links
    assert reverse("registrations:manage", kwargs={"token": current}) in links


def test_a_registration_without_a_working_link_is_listed_without_one(commit):
    """A row whose link no longer matches (from before link secrets, or
    made under another SECRET_KEY) is listed with a note, not a dead link."""
    registration, _token = register(make_event(), "ada@example.org")
    Registration.objects.filter(pk=registration.pk).update(link_secret="")
    client = signed_in_client(commit)
    response = client.get(MY)
    links = dom.hrefs(dom.parse(response))
    assert not any(link.startswith("/registrations/") for link in links)
    assert "next email about it carries one" in dom.text_of(response)


def test_an_address_without_registrations_is_told_so(commit):
    """Signed in with no registrations: a sentence saying so."""
    client = signed_in_client(commit, "nobody@example.org")
    assert "There are no registrations" in dom.text_of(client.get(MY))


def test_the_sign_in_lasts_for_the_browser_session_only(commit, clock):
    """The session cookie has no expiry (it goes when the browser closes),
    and even a browser that keeps it is signed out after twelve hours."""
    client = Client()
    ask_for_link(client, "ada@example.org", commit)
    response = client.post(sign_in_path("ada@example.org"))
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert "Signed in as" in dom.text_of(client.get(MY))
    clock.advance(hours=12, seconds=1)
    assert "Signed in as" not in dom.text_of(client.get(MY))


def test_signing_in_gives_a_new_session_key(commit):
    """A session id planted in the browser before is not the signed-in one."""
    client = Client()
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    ask_for_link(client, "ada@example.org", commit)
    client.post(sign_in_path("ada@example.org"))
    assert client.cookies["sessionid"].value != planted


def test_signing_out(commit):
    """The sign-out button (a POST) ends it: /my/ asks for an address again
    and says so; GET does not sign out."""
    client = signed_in_client(commit)
    assert client.get(SIGN_OUT).status_code == 405
    assert "Signed in as" in dom.text_of(client.get(MY))
    page = dom.parse(client.get(MY))
    form = dom.find(page, "form", action=SIGN_OUT)
    assert dom.submit_labels(form) == ["Sign out"]
    response = client.post(SIGN_OUT)
    assert response["Location"] == MY + "?signed_out=1"
    words = dom.text_of(client.get(response["Location"]))
    assert "You are signed out." in words
    assert "Signed in as" not in words


def test_my_pages_are_private_and_never_served_from_the_page_cache(commit):
    """Every /my/ page says no-store and private; after a signed-in visit,
    another browser gets the form, not that list."""
    client = signed_in_client(commit)
    signed_in = client.get(MY)
    assert "Signed in as" in dom.text_of(signed_in)
    for response in [
        signed_in,
        client.get(reverse("registrations:my_link_sent")),
        Client().get(MY),
    ]:
        assert {"no-store", "private"} <= {
            part.strip() for part in response["Cache-Control"].split(",")
        }
        assert response["Referrer-Policy"] == "same-origin"
    anonymous = Client().get(MY)
    assert "Signed in as" not in dom.text_of(anonymous)
    assert "email" in dom.control_names(dom.parse(anonymous))


# Housekeeping


def test_used_up_links_and_their_emails_are_forgotten_after_a_day(commit, clock):
    """Expired links, and sign-in emails over a day old, are deleted: each
    names an address. Asking for a new link does it in passing."""
    ask_for_link(Client(), "ada@example.org", commit)
    assert SignInLink.objects.count() == 1
    clock.advance(days=1)
    ask_for_link(Client(), "grace@example.org", commit)
    assert list(SignInLink.objects.values_list("email_normalized", flat=True)) == [
        "grace@example.org"
    ]
    assert list(
        OutboundEmail.objects.filter(kind=OutboundEmail.Kind.SIGN_IN).values_list(
            "recipient", flat=True
        )
    ) == ["grace@example.org"]
    clock.advance(days=1)
    assert sign_in.forget_sign_in_links() == 2


def test_the_list_costs_the_same_queries_however_many_registrations(commit):
    """One registration or six: the same number of queries."""
    register(make_event(), "ada@example.org")
    client = signed_in_client(commit)
    with CaptureQueriesContext(connection) as one:
        client.get(MY)
    for _ in range(5):
        register(make_event(), "ada@example.org")
    with CaptureQueriesContext(connection) as six:
        response = client.get(MY)
    assert len(dom.find_all(dom.parse(response), "li", class_="my-registration")) == 6
    assert len(six) == len(one)
