"""Registration as a member sees it: the box on the event page, the POST, the
result page, and the self-service link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import services
from registrations.emails import write_email
from registrations.models import OutboundEmail, Registration
from tests import dom
from tests.builders import make_event, post_registration, registration_data

from .conftest import register, token_from

pytestmark = pytest.mark.django_db

JOIN = "https://zoom.example.org/j/777"


def box(client, event):
    """The registration box of the event page, parsed."""
    page = dom.parse(client.get(event.get_absolute_url()))
    return dom.find(page, id="register")


def test_event_page_offers_register_while_seats_are_left(client):
    """Seats left: the form, with a "Register" button, every field and the
    CSRF token."""
    event = make_event(capacity=10)
    html = box(client, event)
    assert dom.submit_labels(html) == ["Register"]
    assert {
        "name",
        "email",
        "organization",
        "accommodation_request",
        "csrfmiddlewaretoken",
    } <= dom.control_names(html)


def test_event_page_offers_the_waiting_list_when_full(client):
    """Full with a waiting list: the button says "Join the waiting list"."""
    event = make_event(capacity=1)
    register(event, 1)
    assert dom.submit_labels(box(client, event)) == ["Join the waiting list"]


def test_event_page_says_full_without_a_form(client):
    """Full and no waiting list: "This event is full.", no form."""
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, 1)
    html = box(client, event)
    assert "This event is full." in dom.text(html)
    assert dom.find_all(html, "form") == []


def test_event_page_says_when_registration_opens(client):
    """Before opening: "Registration opens <date>", no form."""
    opens = timezone.now() + timedelta(days=3)
    event = make_event(registration_opens=opens)
    html = box(client, event)
    assert "Registration opens" in dom.text(html)
    assert str(opens.astimezone(event.tz).day) in dom.text(html)
    assert dom.find_all(html, "form") == []


def test_event_page_says_registration_closed(client):
    """After closing: "Registration closed", no form."""
    event = make_event(registration_closes=timezone.now() - timedelta(hours=1))
    html = box(client, event)
    assert "Registration closed" in dom.text(html)
    assert dom.find_all(html, "form") == []


def test_external_registration_is_a_link(client):
    """An external registration URL replaces the form with a link."""
    event = make_event(external_registration_url="https://ala.example.org/r/1")
    html = box(client, event)
    assert dom.hrefs(html) == ["https://ala.example.org/r/1"]
    assert dom.find_all(html, "form") == []


def test_no_form_when_registration_is_not_required(client):
    """Registration not required: no form."""
    event = make_event(registration_required=False)
    assert dom.find_all(box(client, event), "form") == []


def test_honeypot_is_hidden_by_a_class_not_an_inline_style(client):
    """The honeypot is in the form, inside an element hidden with the
    almanac-hp class; no element of the box has a style attribute."""
    event = make_event()
    html = box(client, event)
    form = dom.find(html, "form")
    hidden = dom.find(form, class_="almanac-hp")
    dom.find(hidden, "input", name="homepage")
    assert dom.find_all(html, style=True) == []


def result_page(client, response) -> str:
    """The text of the page a registration POST redirects to."""
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return " ".join(dom.text(dom.parse(page)).split())


def test_register_redirects_to_a_page_that_says_check_your_email(client):
    """POST, redirect, GET: the result names the address the email went to,
    says the email tells where the member stands, and never shows the
    secret link, the join URL or a status."""
    event = make_event(capacity=10, join_url=JOIN)
    response = post_registration(client, event)
    html = client.get(response["Location"]).content.decode()
    text = result_page(client, response)
    assert "Check your email" in text
    assert "We've emailed ada@example.org about this registration." in text
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.organization == "Springfield Public Library"
    assert "/registrations/" not in html
    assert JOIN not in html
    assert "confirmed" not in text.lower()
    assert client.get(response["Location"]).cookies == {}


def test_whoever_types_an_address_learns_nothing_of_its_registration(
    client, django_capture_on_commit_callbacks
):
    """Neutral page (PRODUCT.md 4): a new registration, a waitlisted one, and
    a repeat submission of someone else's address all read the same, with no
    status or position; the repeat creates nothing, re-sends the person's
    email with the same link, at most once every few minutes."""
    event = make_event(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        seated = result_page(client, post_registration(client, event))
        waiting = result_page(
            client, post_registration(client, event, email="bo@example.org")
        )
    first_link = token_from(mail.outbox[0])
    stranger = Client()
    with django_capture_on_commit_callbacks(execute=True):
        again = result_page(
            stranger, post_registration(stranger, event, email="ADA@example.org ")
        )
    assert seated == again
    assert waiting == seated.replace("ada@example.org", "bo@example.org")
    for text in (seated, waiting, again):
        assert "position" not in text
        assert "You're on the waiting list" not in text
        assert "You're registered" not in text
    assert len(mail.outbox) == 2  # emailed minutes ago: not again yet
    Registration.objects.update(last_emailed_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        post_registration(stranger, event, email="ada@EXAMPLE.org")
    assert Registration.objects.count() == 2
    assert len(mail.outbox) == 3
    assert token_from(mail.outbox[2]) == first_link
    manage = reverse("registrations:manage", kwargs={"token": first_link})
    assert client.get(manage).status_code == 200


def test_invalid_form_shows_errors_and_keeps_what_was_typed(client):
    """A bad email re-renders the event page with the error and the input."""
    event = make_event()
    response = post_registration(client, event, email="not-an-address")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in html
    page = dom.parse(response)
    assert (
        dom.attribute(dom.find(page, "input", name="name"), "value") == "Ada Lovelace"
    )
    organization = dom.find(page, "input", name="organization")
    assert dom.attribute(organization, "value") == "Springfield Public Library"
    assert not Registration.objects.exists()


def test_a_full_event_with_a_waiting_list_says_so_in_the_seat_lines_words(client):
    """Every seat taken, a waiting list open: the registration box says it
    with the seat line's own sentence (the one the page's top shows too),
    then what joining the line means, and offers the form to join it."""
    event = make_event(capacity=1, waitlist_enabled=True)
    register(event, 1)
    page = dom.parse(client.get(event.get_absolute_url()))
    box = dom.find(page, "div", class_="registration-box")
    [line] = dom.find_all(box, "p", class_="seat-status")
    assert dom.text(line) == "Event full: join the waiting list"
    assert "You'll get a seat, and an email, as soon as one frees up." in (
        dom.text(box)
    )
    assert "Every seat is taken" not in dom.text(box)
    assert dom.find(box, "form")


def test_refusal_from_the_service_is_shown_on_the_event_page(client):
    """If the event filled up after the page was loaded, the member sees
    why in an alert in the registration box, in the seat line's own words
    (the service's sentence for other callers is not shown)."""
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, 1)
    response = post_registration(client, event)
    box = dom.find(dom.parse(response), "div", class_="registration-box")
    alert = dom.find(box, role="alert")
    assert dom.text(alert) == "This event is full."
    assert "Sorry" not in dom.text_of(response)
    assert len(dom.find_all(box, "p", class_="seat-status")) == 1
    assert Registration.objects.count() == 1


def test_honeypot_pretends_success_and_stores_nothing(client):
    """A filled honeypot looks like success to the bot; nothing is stored
    or sent."""
    event = make_event()
    response = post_registration(client, event, homepage="http://spam.example")
    assert "Check your email" in result_page(client, response)
    assert not Registration.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_rate_limit_per_address(client, settings):
    """Past the limit, a POST from the same address gets a clear message and
    a 429; another address is not affected."""
    settings.REGISTRATION_RATE_LIMIT = "2/600"
    event = make_event()
    for n in range(2):
        assert post_registration(client, event, email=f"a{n}@example.org").status_code
    response = post_registration(client, event, email="a3@example.org")
    assert response.status_code == 429
    assert "Too many registration attempts" in response.content.decode()
    assert Registration.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.50")
    assert post_registration(other, event, email="b@example.org").status_code == 302


def test_registration_post_needs_the_csrf_token():
    """Without the CSRF token the POST is refused."""
    event = make_event()
    client = Client(enforce_csrf_checks=True)
    response = post_registration(client, event)
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_registering_for_a_closed_event_shows_the_reason(client):
    """A POST after registration closed is refused with the reason, in the
    seat line's words, in an alert."""
    event = make_event(registration_closes=timezone.now() - timedelta(minutes=1))
    response = post_registration(client, event)
    alert = dom.find(dom.parse(response), role="alert")
    assert dom.text(alert) == "Registration closed"
    assert not Registration.objects.exists()


def test_failing_mail_server_still_lands_on_the_success_page(
    client, failing_mail, django_capture_on_commit_callbacks
):
    """A mail server that raises: the member still sees success and the
    registration is kept, its email waiting for a retry."""
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_registration(client, event)
    assert "Check your email" in result_page(client, response)
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.PENDING


@pytest.fixture
def confirmed_token(commit):
    event = make_event(capacity=1, join_url=JOIN)
    with commit():
        registration = register(event, 1).registration
    return registration, token_from(mail.outbox[-1])


@pytest.fixture
def waitlisted_token(commit, confirmed_token):
    registration, _token = confirmed_token
    with commit():
        waiting = register(registration.event, 2).registration
    return waiting, token_from(mail.outbox[-1])


def test_self_service_page_shows_status_and_join_url_when_confirmed(
    client, confirmed_token
):
    """Confirmed: status, join URL, the private .ics, a way to cancel; the
    page is private (no referrer, no caching) and sets no cookie."""
    _registration, token = confirmed_token
    response = client.get(reverse("registrations:manage", kwargs={"token": token}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Confirmed" in html
    assert JOIN in html
    links = dom.hrefs(dom.parse(response))
    assert reverse("registrations:ics", kwargs={"token": token}) in links
    assert reverse("registrations:cancel", kwargs={"token": token}) in links
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    # Only the CSRF cookie its details form needs.
    assert set(response.cookies) <= {"csrftoken"}


def test_self_service_page_shows_position_and_no_join_url_when_waitlisted(
    client, waitlisted_token
):
    """Waitlisted: the position, never the join URL."""
    _registration, token = waitlisted_token
    html = client.get(
        reverse("registrations:manage", kwargs={"token": token})
    ).content.decode()
    assert "position 1" in html
    assert JOIN not in html


def test_get_of_self_service_and_cancel_urls_cancels_nothing(client, confirmed_token):
    """Opening the link, or the cancel URL, as a mail scanner would, changes
    nothing; the cancel URL only asks for confirmation."""
    registration, token = confirmed_token
    client.get(reverse("registrations:manage", kwargs={"token": token}))
    response = client.get(reverse("registrations:cancel", kwargs={"token": token}))
    assert "Yes, cancel my registration" in response.content.decode()
    client.head(reverse("registrations:cancel", kwargs={"token": token}))
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_cancel_by_post_then_again_is_harmless(
    client, confirmed_token, waitlisted_token
):
    """POST cancels (and promotes the next in line); a second POST does no
    harm."""
    first, token = confirmed_token
    waiting, _waiting_token = waitlisted_token
    url = reverse("registrations:cancel", kwargs={"token": token})
    response = client.post(url)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Your registration is cancelled" in page
    assert Registration.objects.get(pk=first.pk).status == "cancelled"
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    again = client.post(url)
    assert again.status_code == 302
    assert Registration.objects.get(pk=first.pk).status == "cancelled"
    assert "already cancelled" in client.get(url).content.decode()


def test_cancel_after_the_event_starts_is_refused(client, confirmed_token):
    """Cancellation closes at the event start."""
    registration, token = confirmed_token
    Event.objects.filter(pk=registration.event_id).update(
        start=timezone.now() - timedelta(minutes=1)
    )
    url = reverse("registrations:cancel", kwargs={"token": token})
    html = client.post(url).content.decode()
    assert "no longer" in html
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


@pytest.mark.parametrize("token", ["nope", "x" * 43, "a" * 500, "%00%ff"])
def test_unknown_or_malformed_token_gets_a_friendly_404(client, token):
    """An unknown link: a clear page with a 404 status, not an error."""
    for name in ("manage", "cancel"):
        response = client.get(reverse(f"registrations:{name}", kwargs={"token": token}))
        assert response.status_code == 404
        assert "We don't recognize this link" in response.content.decode()


def test_cancelled_registration_link_says_so(client, confirmed_token):
    """A cancelled registration's link shows that it is cancelled."""
    registration, token = confirmed_token
    services.cancel_registration(registration_id=registration.pk)
    response = client.get(reverse("registrations:manage", kwargs={"token": token}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This registration is cancelled." in html
    assert JOIN not in html


def test_earlier_link_keeps_working_after_a_resend(client, confirmed_token):
    """Links last: after a re-send the earlier link still opens the page."""
    registration, token = confirmed_token
    services.resend_registration_email(registration_id=registration.pk)
    response = client.get(reverse("registrations:manage", kwargs={"token": token}))
    assert response.status_code == 200
    assert token_from(mail.outbox[-1]) == token


def test_a_revoked_link_is_unknown(client, confirmed_token):
    """After staff revoke a registration's links, the old one answers the
    'we don't recognize this link' page."""
    registration, token = confirmed_token
    services.revoke_links(registration_id=registration.pk)
    response = client.get(reverse("registrations:manage", kwargs={"token": token}))
    assert response.status_code == 404
    assert "We don't recognize this link" in response.content.decode()


def test_private_ics_has_the_join_url_only_when_confirmed(
    client, waitlisted_token, confirmed_token
):
    """The registrant's .ics carries the join URL once confirmed, not before."""
    _confirmed, token = confirmed_token
    response = client.get(reverse("registrations:ics", kwargs={"token": token}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert JOIN in response.content.decode().replace("\r\n ", "")
    _waiting, wait_token = waitlisted_token
    response = client.get(reverse("registrations:ics", kwargs={"token": wait_token}))
    assert response.status_code == 200
    assert JOIN not in response.content.decode().replace("\r\n ", "")
    assert (
        client.get(reverse("registrations:ics", kwargs={"token": "no"})).status_code
        == 404
    )


def test_result_page_address_carries_no_personal_data(client):
    """The signed result parameter holds no email address (URLs end up in
    logs), yet the page still names the address the email went to."""
    event = make_event()
    response = post_registration(client, event, email="grace.hopper@example.org")
    location = response["Location"]
    assert "grace" not in location.lower()
    from django.core import signing

    value = location.split("?r=")[1]
    assert "grace" not in str(signing.loads(value, salt="registrations.result"))
    assert "grace.hopper@example.org" in client.get(location).content.decode()


def test_rate_limit_uses_the_proxy_header_when_configured(settings):
    """Behind a proxy, members are told apart by the header the proxy sets."""
    settings.REGISTRATION_RATE_LIMIT = "1/600"
    settings.REGISTRATION_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    event = make_event()
    first = Client(HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.2")
    assert post_registration(first, event, email="a@example.org").status_code == 302
    assert post_registration(second, event, email="b@example.org").status_code == 302
    assert post_registration(first, event, email="c@example.org").status_code == 429


# What one POST costs. The registration POST is the busiest request Almanac
# answers; each query between BEGIN and COMMIT runs while the event row is
# locked, so everyone else registering for that event waits on it.
#
# Registering: BEGIN, lock the event (found by its slug), the seat counts
# and any registration of this address (one query), insert the
# registration, count it in the event's tally (one update, for the
# reports), insert the email owed (written when sent, not here), COMMIT.
# Around the lock, not under it: the address's count against the
# registration limits before, the attempt recorded after (tests/limits);
# the event's registration questions, which the form needs to validate
# (found by the slug, no event read); and the library the registrant named
# (services.membership), the member domains themselves coming from the
# cache once read (tests/members/test_models.py).
# Answers to the questions add their insert under the lock
# (tests/questions/test_views.py).
LIMIT_QUERIES = 2
QUESTIONS_QUERY = 1
MEMBERSHIP_QUERIES = 1
AROUND_THE_LOCK = LIMIT_QUERIES + QUESTIONS_QUERY + MEMBERSHIP_QUERIES
SEAT_POST_QUERIES = 7 + AROUND_THE_LOCK
WAITLIST_POST_QUERIES = 7 + AROUND_THE_LOCK
# Cancelling a seat: BEGIN, lock the event (found through the token's
# registration), the registration, update it and the tally, its email, the
# seat counts, the next in line, promote them (one update) and the tally,
# their email, COMMIT. The token is not looked up before the lock as well.
CANCEL_WITH_PROMOTION_QUERIES = 12


def test_registration_post_costs_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    """A confirmed seat, or a place on the waiting list, costs the same
    queries for the tenth registrant as for the first, and the page's
    seat figures are not read before the service decides."""
    event = make_event(capacity=10, waitlist_enabled=True, join_url=JOIN)
    for n in range(9):
        services.register_for_event(
            event_id=event.pk, name=f"P {n}", email=f"p{n}@example.org"
        )
    with django_assert_num_queries(SEAT_POST_QUERIES):
        response = post_registration(client, event, email="ten@example.org")
    assert response.status_code == 302
    with django_assert_num_queries(WAITLIST_POST_QUERIES):
        response = post_registration(client, event, email="eleven@example.org")
    assert response.status_code == 302
    emails = OutboundEmail.objects.filter(registration__event=event)
    assert write_email(emails.get(recipient="ten@example.org")).ics
    assert emails.get(recipient="eleven@example.org").kind == "waitlisted"


def test_cancel_post_costs_a_fixed_number_of_queries(
    client, django_assert_num_queries, confirmed_token, waitlisted_token
):
    """Cancelling a seat frees it for the next in line, in a fixed number of
    queries."""
    _first, token = confirmed_token
    waiting, _waiting_token = waitlisted_token
    url = reverse("registrations:cancel", kwargs={"token": token})
    with django_assert_num_queries(CANCEL_WITH_PROMOTION_QUERIES):
        response = client.post(url)
    assert response.status_code == 302
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"


def test_failed_post_shows_the_button_for_the_state_now(client):
    """The POST no longer reads the seat figures before deciding; the page
    that shows the form again labels its button from the event as it is."""
    event = make_event(capacity=1, waitlist_enabled=True)
    services.register_for_event(event_id=event.pk, name="P", email="p@example.org")
    response = post_registration(client, event, email="not an address")
    html = response.content.decode()
    assert response.status_code == 200
    registration_box = dom.find(dom.parse(response), id="register")
    assert dom.submit_labels(registration_box) == ["Join the waiting list"]
    assert "Enter a valid email address" in html


def test_post_for_an_unknown_or_draft_event_is_a_404(client):
    """The service finds the event by its slug; none, or a draft, is a 404
    and nothing is stored."""
    draft = make_event(is_published=False)
    assert post_registration(client, draft).status_code == 404
    url = reverse("registrations:register", kwargs={"slug": "no-such-event"})
    assert client.post(url, registration_data()).status_code == 404
    assert not Registration.objects.exists()
