"""Issue 11, point 9: a form sent in another charset than UTF-8 gets the
400 page ("We couldn't understand this request") on every form, never a
500; forms in UTF-8 work as before.

The client checks CSRF as a browser's request would be checked, with a
valid token: the only thing wrong with each request is its encoding.
"""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from registrations.models import Registration
from registrations.services import register_for_event
from tests import dom
from tests.builders import make_event, registration_data, registration_url

pytestmark = pytest.mark.django_db

URLENCODED = "application/x-www-form-urlencoded"
MANAGE_LINK = re.compile(r"/registrations/([A-Za-z0-9_-]{20,})/")


@pytest.fixture
def browser():
    """A client that checks CSRF, holding a CSRF cookie from a page."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(reverse("admin:login"))
    return client


@pytest.fixture
def forms(django_capture_on_commit_callbacks):
    """Every form a visitor can send: path -> its fields."""
    event = make_event("Webinar")
    with django_capture_on_commit_callbacks(execute=True):
        register_for_event(event_id=event.pk, name="Held", email="held@example.org")
    token = MANAGE_LINK.search(mail.outbox[-1].body).group(1)
    User.objects.create_user("staff", password="a long staff password", is_staff=True)
    return {
        registration_url(event): registration_data(name="Zoë"),
        reverse("registrations:cancel", args=[token]): {},
        reverse("admin:login"): {"username": "staff", "password": "pässword"},
    }


def post(client, path: str, body: bytes, content_type: str):
    """POST ``body`` exactly as given (the test client's ``post`` would
    re-encode it)."""
    return client.generic("POST", path, body, content_type=content_type)


def fields_with_token(client, fields: dict) -> dict:
    return {**fields, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}


def assert_bad_request_page(response):
    assert response.status_code == 400
    heading = dom.text(dom.find(dom.parse(response), "h1"))
    assert heading == "We couldn't understand this request"


@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "latin-1", "UTF8", "koi8-r"])
def test_a_form_in_another_charset_gets_the_400_page(browser, forms, charset):
    """Each form, sent in that charset and saying so, answers 400 with the
    site's page, and changes nothing."""
    for path, fields in forms.items():
        body = urlencode(fields_with_token(browser, fields)).encode(
            "utf-8" if charset == "UTF8" else charset
        )
        response = post(browser, path, body, f"{URLENCODED}; charset={charset}")
        assert_bad_request_page(response)
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    assert Registration.objects.count() == 1


def test_a_multipart_form_in_another_charset_gets_the_400_page(browser, forms):
    """The same for multipart/form-data declaring utf-16."""
    path = next(iter(forms))
    boundary = "BoUnDaRy"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n"
        for name, value in fields_with_token(browser, forms[path]).items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode("utf-16")
    response = post(
        browser,
        path,
        body,
        f"multipart/form-data; boundary={boundary}; charset=utf-16",
    )
    assert_bad_request_page(response)
    assert Registration.objects.count() == 1


def test_a_form_whose_fields_are_not_utf8_gets_the_400_page(browser, forms):
    """Bytes that are not UTF-8 in a form that claims no charset (latin-1's
    "ë", percent-encoded or raw) are refused, not stored as "\ufffd"."""
    path = next(iter(forms))
    good = urlencode(fields_with_token(browser, forms[path]))
    for bad in (b"&organization=Bibliot%E8que", b"&organization=Biblioth\xe8que"):
        response = post(browser, path, good.encode() + bad, URLENCODED)
        assert_bad_request_page(response)
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("charset", ["", "; charset=utf-8", '; charset="UTF-8"'])
def test_a_form_in_utf8_registers_as_before(browser, forms, charset):
    """UTF-8, said or not, registers: the redirect to the result page, and
    the name stored as typed."""
    path = next(iter(forms))
    fields = {**forms[path], "email": "zoe@example.org"}
    body = urlencode(fields_with_token(browser, fields))
    response = post(browser, path, body.encode(), URLENCODED + charset)
    assert response.status_code == 302
    assert Registration.objects.get(email="zoe@example.org").name == "Zoë"
