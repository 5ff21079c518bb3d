"""Issue 11, point 10: HEAD is answered wherever GET is, with GET's status
(200, 302 or 404) and no body: link checkers, mail scanners and monitors ask
with HEAD. Every public URL pattern is tried, so a new one must be added
here."""

import re

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from registrations.models import Registration
from registrations.services import register_for_event
from registrations.views import result_url
from tests.builders import make_event, make_series

pytestmark = pytest.mark.django_db

MANAGE_LINK = re.compile(r"/registrations/([A-Za-z0-9_-]{20,})/")


def public_pattern_names() -> set[str]:
    """Every named URL of the public apps (the admin is Django's own)."""
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in {
            "events",
            "registrations",
        }:
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                names.add(f"{entry.namespace}:{pattern.name}")
    return names


@pytest.fixture
def urls(django_capture_on_commit_callbacks):
    """For each public URL pattern, addresses in the states a visitor meets:
    name -> [path, ...]."""
    series = make_series("Metadata Mondays")
    event = make_event("Open Webinar", series=series)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_for_event(
            event_id=event.pk, name="Ada", email="ada@example.org"
        ).registration
    token = MANAGE_LINK.search(mail.outbox[-1].body).group(1)
    start = timezone.localtime(event.start)
    unknown = "x" * 43
    return {
        "events:home": [reverse("events:home")],
        "events:list": [reverse("events:list"), reverse("events:list") + "?page=9"],
        "events:past": [reverse("events:past")],
        "events:calendar": [reverse("events:calendar")],
        "events:month": [
            reverse("events:month", args=[start.year, start.month]),
            reverse("events:month", args=[2026, 13]),
        ],
        "events:feed_ics": [reverse("events:feed_ics")],
        "events:feed_rss": [reverse("events:feed_rss")],
        "events:detail": [event.get_absolute_url(), "/events/no-such-event/"],
        "events:event_ics": [
            reverse("events:event_ics", args=[event.slug]),
            reverse("events:event_ics", args=["no-such-event"]),
        ],
        "events:series": [series.get_absolute_url(), "/series/no-such-series/"],
        "events:accessibility": [reverse("events:accessibility")],
        "events:privacy": [reverse("events:privacy")],
        "registrations:register": [
            reverse("registrations:register", args=[event.slug])
        ],
        "registrations:registered": [
            result_url(event.slug, registration=registration),
            reverse("registrations:registered", args=[event.slug]),
        ],
        "registrations:manage": [
            reverse("registrations:manage", args=[token]),
            reverse("registrations:manage", args=[unknown]),
        ],
        "registrations:cancel": [
            reverse("registrations:cancel", args=[token]),
            reverse("registrations:cancel", args=[unknown]),
        ],
        "registrations:ics": [
            reverse("registrations:ics", args=[token]),
            reverse("registrations:ics", args=[unknown]),
        ],
        "registrations:details": [reverse("registrations:details", args=[token])],
        "registrations:attendance": [reverse("registrations:attendance", args=[token])],
        "registrations:my_registrations": [reverse("registrations:my_registrations")],
        "registrations:my_link_sent": [reverse("registrations:my_link_sent")],
        "registrations:my_sign_in": [
            reverse("registrations:my_sign_in", args=[unknown])
        ],
        "registrations:my_sign_out": [reverse("registrations:my_sign_out")],
        # Not attended (a clear page), and an unknown link.
        "registrations:evaluation": [
            reverse("registrations:evaluation", args=[token]),
            reverse("registrations:evaluation", args=[unknown]),
        ],
        # No certificate yet, and an unknown link: both 404.
        "registrations:certificate_pdf": [
            reverse("registrations:certificate_pdf", args=[token]),
            reverse("registrations:certificate_pdf", args=[unknown]),
        ],
        "registrations:certificate": [
            reverse("registrations:certificate", args=[unknown])
        ],
        # Signed out: to My registrations' sign-in.
        "registrations:my_certificate_pdf": [
            reverse("registrations:my_certificate_pdf", args=[unknown])
        ],
        "registrations:my_record_pdf": [
            reverse("registrations:my_record_pdf", args=[2026])
        ],
    }


# Forms' endpoints: POST only, so GET and HEAD are refused alike.
POST_ONLY = {
    "registrations:register",
    "registrations:details",
    "registrations:attendance",
    "registrations:my_sign_out",
}


def test_every_public_url_pattern_is_tried(urls):
    """The list below covers every public URL pattern, no more."""
    assert set(urls) == public_pattern_names()


def test_head_answers_as_get_does_everywhere(client, urls):
    """HEAD gets GET's status on every address, never a 405 where GET works,
    and no body; the forms' endpoints, POST only, refuse both."""
    for name, paths in urls.items():
        for path in paths:
            got = client.get(path)
            head = client.head(path)
            assert head.status_code == got.status_code, (name, path)
            assert head.content == b"", (name, path)
            if name in POST_ONLY:
                assert got.status_code == 405
            else:
                assert got.status_code in {200, 302, 404}, (name, path)


@pytest.mark.parametrize(
    "name", ["registrations:manage", "registrations:cancel", "registrations:ics"]
)
def test_head_of_a_registrants_link_is_the_page_they_would_get(client, urls, name):
    """The registrant's page, its cancel page and its calendar file answer
    HEAD with 200 and the same private headers as GET."""
    path = urls[name][0]
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    for header in ("Content-Type", "Cache-Control", "Referrer-Policy"):
        assert head[header] == got[header]


def test_head_changes_nothing(client, urls):
    """HEAD of the cancel page leaves the registration confirmed."""
    client.head(urls["registrations:cancel"][0])
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
