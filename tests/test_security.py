"""Security without a browser (PRODUCT.md §8): the headers every page sends,
no inline script or style anywhere, a production configuration that
`check --deploy` accepts, and bad input answered with a clear 4xx page that
stores nothing."""

import re
import secrets
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations.models import Registration
from registrations.services import register_for_event
from tests import dom
from tests.builders import (
    make_category,
    make_event,
    make_series,
    post_registration,
    registration_data,
)
from tests.subprocess_settings import run_python, setting_value

pytestmark = pytest.mark.django_db

MANAGE_LINK = re.compile(r"/registrations/([A-Za-z0-9_-]{20,})/")


def token_for(address: str) -> str:
    message = [m for m in mail.outbox if address in m.to][-1]
    return MANAGE_LINK.search(message.body).group(1)


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    """An event in each state and a registration: name -> path."""
    now = timezone.now()
    series = make_series("Metadata Mondays")
    category = make_category("Cataloging")
    event = make_event("Open Webinar", series=series, categories=[category])
    full = make_event("Full Webinar", capacity=1)
    cancelled = make_event("Cancelled Webinar", status=Event.Status.CANCELLED)
    past = make_event("Past Webinar", start=now - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        register_for_event(event_id=full.pk, name="Held", email="held@example.org")
    token = token_for("held@example.org")
    start = timezone.localtime(event.start)
    return {
        "home": reverse("events:home"),
        "list": reverse("events:list"),
        "list with filters": reverse("events:list")
        + "?q=webinar&category=cataloging&format=online&tz=Asia%2FTokyo",
        "past": reverse("events:past"),
        "month": reverse("events:month", args=[start.year, start.month]),
        "event": event.get_absolute_url(),
        "event full": full.get_absolute_url(),
        "event cancelled": cancelled.get_absolute_url(),
        "event past": past.get_absolute_url(),
        "series": series.get_absolute_url(),
        "self-service": reverse("registrations:manage", args=[token]),
        "cancel confirmation": reverse("registrations:cancel", args=[token]),
        "unknown link": reverse("registrations:manage", args=["x" * 43]),
        "404": "/no/such/page/",
        "accessibility": reverse("events:accessibility"),
        "privacy": reverse("events:privacy"),
    }


# --- Headers ---------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_every_page_sends_a_strict_content_security_policy(client, site):
    """Only this site ('self'), data: images and 'none'; no 'unsafe-inline',
    'unsafe-eval' or wildcard anywhere; framing refused."""
    for name, path in site.items():
        directives = csp_directives(client.get(path))
        assert directives["default-src"] == ["'self'"], name
        assert directives["script-src"] == ["'self'"], name
        assert directives["style-src"] == ["'self'"], name
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["object-src"] == ["'none'"], name
        for directive, sources in directives.items():
            allowed = {"'self'", "'none'"} | (
                {"data:"} if directive == "img-src" else set()
            )
            assert set(sources) <= allowed, (name, directive, sources)


def test_every_page_sends_the_security_headers(client, site):
    """Every kind of page sends nosniff, DENY framing and a referrer policy
    that keeps paths on this site."""
    for name, path in site.items():
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["X-Frame-Options"] == "DENY", name
        assert response.headers["Referrer-Policy"] in {
            "same-origin",
            "no-referrer",
            "strict-origin-when-cross-origin",
        }, name


class InlineCodeFinder(HTMLParser):
    """Collects what the CSP would block: inline scripts and styles, event
    handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name in {"href", "src", "action"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_finds_inline_code():
    """The scan below can fail."""
    assert inline_code('<p style="color:red" onclick="x()">') == [
        "style= on <p>",
        "onclick= on <p>",
    ]
    assert inline_code("<script>alert(1)</script><script src=/a.js></script>") == [
        "<script> without src"
    ]


def test_no_page_has_inline_script_or_style(client, site):
    """Every public page type, the form with its errors, the registration
    result and the CSRF failure page."""
    pages = {name: client.get(path) for name, path in site.items()}
    register = reverse("registrations:register", args=[site["event"].split("/")[2]])
    pages["form with errors"] = client.post(
        register, registration_data(name="", email="nope")
    )
    pages["registration result"] = client.post(
        register, registration_data(), follow=True
    )
    pages["csrf failure"] = Client(enforce_csrf_checks=True).post(
        register, registration_data()
    )
    for name, response in pages.items():
        assert response.status_code < 500, name
        assert inline_code(response.content.decode()) == [], name
    assert pages["csrf failure"].status_code == 403
    assert b"This form could not be sent" in pages["csrf failure"].content


# --- Production settings ---------------------------------------------------


def production_env(tmp_path) -> dict[str, str]:
    """What a production deployment sets in the environment."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "calendar.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "HTTPS": "1",
        # Real addresses, as pages.checks asks (the seeds' own).
        "ACCESSIBILITY_EMAIL": "ce@ala.org",
        "DEFAULT_FROM_EMAIL": "Learning Services <sdonnelly@masslibsystem.org>",
    }


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    """`manage.py check --deploy` reports nothing, not even a warning."""
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_locked_down(tmp_path):
    """HTTPS only, HSTS for a year, secure cookies, no debug."""
    expression = (
        "settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE,"
        " settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS >= 31536000"
    )
    assert setting_value(production_env(tmp_path), expression).split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
    ]


# --- Bad input -------------------------------------------------------------


def assert_refused(response, message: str):
    """Sent back to the form with a message; never a server error."""
    assert response.status_code in {200, 400, 422}
    assert message in response.content.decode()
    assert Registration.objects.count() == 0


REFUSED = [
    pytest.param({"name": "x" * 201}, "at most 200 characters", id="long name"),
    pytest.param({"email": "a" * 250 + "@example.org"}, "at most 254", id="long email"),
    pytest.param(
        {"organization": "x" * 201}, "at most 200 characters", id="long organization"
    ),
    pytest.param(
        {"accommodation_request": "x" * 2001},
        "at most 2000 characters",
        id="long request",
    ),
    pytest.param({"name": "Ada\x00"}, "Null characters", id="NUL in name"),
    pytest.param({"organization": "\x00"}, "Null characters", id="NUL in org"),
    pytest.param(
        {"accommodation_request": "a\x00b"}, "Null characters", id="NUL in request"
    ),
    pytest.param(
        {"email": "ada\x00@example.org"}, "Null characters", id="NUL in email"
    ),
    pytest.param(
        {"email": "<script>alert(1)</script>@example.org"},
        "valid email",
        id="script as email",
    ),
    pytest.param({"name": ""}, "This field is required", id="no name"),
    pytest.param({"name": "x" * 100_000}, "at most 200 characters", id="100k name"),
]


@pytest.mark.parametrize(("fields", "message"), REFUSED)
def test_bad_registration_input_is_refused_and_stores_nothing(client, fields, message):
    """Too long, NUL characters, a script as the address, an empty name: the
    form comes back with the message, nothing is stored, no inline code."""
    event = make_event("Webinar")
    response = post_registration(client, event, **fields)
    assert_refused(response, message)
    assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize(
    "email",
    ["ada@exam\u200bple.org", "ada@example.org\u202e", "ada@exam\u00adple.org"],
    ids=["zero-width space", "RTL override", "soft hyphen"],
)
def test_invisible_characters_in_an_email_address_are_refused(client, email):
    """Invisible characters would let one mailbox take several seats (the
    address no longer matches itself) or make its emails undeliverable."""
    event = make_event("Webinar")
    response = post_registration(client, event, email=email)
    assert response.status_code in {200, 400, 422}
    assert Registration.objects.count() == 0


def test_bidi_overrides_in_a_name_are_refused(client):
    """A right-to-left override makes a name read differently in the roster
    and in emails than it was typed."""
    event = make_event("Webinar")
    response = post_registration(client, event, name="Ada \u202egro.live")
    assert response.status_code in {200, 400, 422}
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    ["Zoë Ōtani 😀", "فاطمه\u200cزاده", "Ngũgĩ wa Thiong'o", "李小龍"],  # noqa: RUF001
    ids=["emoji", "ZWNJ in a Persian name", "diacritics", "CJK"],
)
def test_names_in_any_script_are_stored_exactly(client, name):
    """Real names in any script, emoji included, are welcome as typed."""
    event = make_event("Webinar")
    response = post_registration(client, event, name=name)
    assert response.status_code == 302
    assert Registration.objects.get().name == name


def test_html_in_every_text_field_is_kept_as_text_and_escaped(
    client, django_capture_on_commit_callbacks
):
    """Markup typed into the form is stored as the characters typed and never
    reaches a page or an email as markup."""
    event = make_event("Webinar")
    script = "<script>alert(1)</script>"
    image = '<img src=x onerror="alert(2)">'
    with django_capture_on_commit_callbacks(execute=True):
        response = post_registration(
            client,
            event,
            name=script,
            organization=image,
            accommodation_request=f"{script}{image}",
        )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.name == script
    result = client.get(response["Location"]).content.decode()
    page = client.get(
        reverse("registrations:manage", args=[token_for("ada@example.org")])
    ).content.decode()
    (message,) = mail.outbox
    html_email = message.alternatives[0][0]
    for html in (result, page, html_email):
        # Not one raw byte of the markup, wherever it might have landed.
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        parsed = dom.parse(html)
        assert dom.find_all(parsed, "img", src="x") == []
        assert not [
            element
            for element in dom.find_all(parsed, "script")
            if dom.attribute(element, "src") is None
        ]
    # Read as HTML, the page shows what was typed, as text.
    shown = dom.text(dom.parse(page))
    assert script in shown
    assert image in shown
    assert inline_code(page) == []


MALFORMED_PATHS = [
    "/registrations/%00/",
    "/registrations/%00/cancel/",
    "/registrations/%00/event.ics",
    "/registrations/" + "a" * 5000 + "/",
    "/registrations/%C3%BC%E2%80%AE%F0%9F%98%80/",
    "/registrations/..%2F..%2Fadmin/",
    "/events/%00/",
    "/events/%C3%BC/",
    "/events/" + "a" * 3000 + "/",
    "/events/no-such-event/",
    "/events/no-such-event/event.ics",
    "/series/%00/",
    "/series/no-such-series/",
    "/events/calendar/0/1/",
    "/events/calendar/2026/13/",
    "/events/calendar/99999/1/",
]


@pytest.mark.parametrize("path", MALFORMED_PATHS)
def test_malformed_tokens_and_slugs_get_the_not_found_page(client, site, path):
    """A malformed or unknown token, slug or date: the site's own not-found
    page (404, with a heading), free of inline code."""
    response = client.get(path)
    assert response.status_code == 404
    assert dom.text(dom.find(dom.parse(response), "h1"))
    assert inline_code(response.content.decode()) == []


def test_bad_token_posts_change_nothing(client, site):
    """Cancelling with a token that isn't one: 404, and every registration
    stays as it was."""
    before = list(Registration.objects.values_list("pk", "status"))
    for token in ["%00", "x" * 43, "a" * 5000]:
        response = client.post(f"/registrations/{token}/cancel/")
        assert response.status_code == 404
    assert list(Registration.objects.values_list("pk", "status")) == before


@pytest.mark.parametrize(
    "query",
    [
        "?page=%00",
        "?page=99999999999999999999",
        "?tz=%00",
        "?tz=" + "A" * 500,
        "?category=%00",
        "?format=%E2%80%AE",
        "?q=" + "x" * 5000,
        "?q=%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_odd_query_strings_on_lists_get_a_page_with_a_notice(client, site, query):
    """Filters that make no sense are ignored and said so; never an error."""
    response = client.get(site["list"] + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert inline_code(html) == []


def test_post_only_endpoints_refuse_get(client, site):
    """The registration endpoint takes only POST: a GET is a 405."""
    slug = site["event"].split("/")[2]
    for path in [reverse("registrations:register", args=[slug])]:
        assert client.get(path).status_code == 405


def test_a_refused_method_gets_a_page_that_says_so(client, site):
    """A GET of the registration endpoint: 405, with a page and its heading."""
    slug = site["event"].split("/")[2]
    response = client.get(reverse("registrations:register", args=[slug]))
    assert response.status_code == 405
    assert dom.text(dom.find(dom.parse(response), "h1"))


def test_static_pages_refuse_writes(client):
    """The accessibility and privacy pages answer PUT, DELETE and PATCH with
    405."""
    for path in [reverse("events:accessibility"), reverse("events:privacy")]:
        for method in (client.put, client.delete, client.patch):
            assert method(path).status_code == 405


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_public_pages_refuse_writes(client, site, method):
    """A page that only shows things answers PUT, DELETE and PATCH with 405."""
    for name in ["home", "list", "month", "event", "series", "past"]:
        response = getattr(client, method)(site[name])
        assert response.status_code == 405, name
