"""The demo shows the CE flow end to end (issue point 7): a past copy of
"SOS for Library Professionals" with 1.0 CE hour, Pat Reader attended,
the evaluation sent, the certificate issued and its PDF made."""

from decimal import Decimal

import pytest
from django.utils import timezone

from events.demo import load_demo_data
from registrations.demo import (
    PAST_WEBINAR,
    add_demo_certificate,
    add_demo_registrations,
)
from registrations.models import (
    Certificate,
    EvaluationResponse,
    OutboundEmail,
    Registration,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_past_webinar_with_pat_readers_certificate(
    django_capture_on_commit_callbacks,
):
    """The demo has a past, published "SOS for Library Professionals (ALA
    Webinar)" worth 1.0 CE hour with attendance final; Pat Reader of
    Springfield Public Library attended and sent the evaluation, and Pat's
    certificate is issued for 1.0 hour with its PDF made. The demo emails
    nobody."""
    load_demo_data()
    add_demo_registrations()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = add_demo_certificate()
    event = certificate.event
    assert event.slug == PAST_WEBINAR
    assert event.title == "SOS for Library Professionals (ALA Webinar)"
    assert event.end < timezone.now()
    assert event.is_published
    assert event.ce_credit().hours == Decimal("1.0")
    assert event.attendance_final_at is not None
    pat = Registration.objects.get(event=event)
    assert (pat.name, pat.email) == ("Pat Reader", "pat.reader@springfieldlibrary.org")
    assert pat.attended and pat.evaluation_completed
    assert pat.library.name == "Springfield Public Library"
    certificate.refresh_from_db()
    assert certificate.registration == pat
    assert certificate.hours == Decimal("1.0")
    assert certificate.is_ready
    assert bytes(certificate.pdf).startswith(b"%PDF")
    assert EvaluationResponse.objects.filter(event=event).count() == 1
    # A demo emails nobody.
    assert not OutboundEmail.objects.exists()


def test_the_demo_certificate_is_made_once():
    """Adding the demo certificate a second time adds nothing: there is only
    ever one."""
    load_demo_data()
    assert add_demo_certificate() is not None
    assert add_demo_certificate() is None
    assert Certificate.objects.count() == 1
