"""The staff overview in a real Chromium: staff sign in and land on it;
axe-core finds no WCAG violation; each fill bar is a meter named by its
words ("3 of 5 seats"), and the words are on the page for everyone; the
event's title leads to its roster."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event
from registrations.models import OutboundEmail
from tests.builders import make_event
from tests.registrations.conftest import register

from .conftest import format_violations, sign_in_as_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_week():
    """An event tomorrow, 3 of 5 seats taken; a full one with someone
    waiting; one over with no attendance taken; an email that failed."""
    now = timezone.now()
    genealogy = make_event(
        "Genealogy Basics", start=now + timedelta(days=1), capacity=5
    )
    for n in range(3):
        register(genealogy, n)
    full = make_event("Full Webinar", start=now + timedelta(days=2), capacity=1)
    register(full, 1)
    register(full, 2)
    past = make_event("Past Webinar", start=now + timedelta(days=3))
    register(past, 1)
    start = now - timedelta(days=2)
    Event.objects.filter(pk=past.pk).update(start=start, end=start + timedelta(hours=1))
    OutboundEmail.objects.filter(pk=OutboundEmail.objects.first().pk).update(
        status=OutboundEmail.Status.FAILED
    )
    return genealogy


def test_the_overview_is_accessible_and_its_bars_have_words(
    page, busy_week, axe_violations
):
    """Staff who sign in see "Needs attention"; the fill bar is a meter named
    "3 of 5 seats", words also shown on the page; the failed email has its
    link; axe finds no violation; the event's title leads to its roster."""
    sign_in_as_staff(page)
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    meter = page.get_by_role("meter", name="3 of 5 seats")
    expect(meter).to_be_visible()
    assert meter.get_attribute("value") == "3"
    expect(page.get_by_text("3 of 5 seats", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="1 email could not be sent")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    page.get_by_role("link", name="Genealogy Basics").first.click()
    expect(page).to_have_url(re.compile(rf"event__id__exact={busy_week.pk}$"))
