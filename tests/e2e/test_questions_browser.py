"""The registration form with one question of each kind and the library
list, checked in Chromium with axe-core (WCAG 2.2 A and AA), fresh and sent
back with errors."""

import pytest
from playwright.sync_api import expect

from events.models import Event
from members.models import MemberLibrary
from registrations.models import Question
from tests.builders import make_event
from tests.e2e.conftest import format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Kind = Question.Kind


def test_questions_and_the_library_list_pass_axe(page, axe_violations):
    """Every kind of question, required and optional, and the library field
    with its list: no violation on the page, nor once the form comes back
    with an error on each required question; the summary's link to a
    question of radios moves the focus to its first radio."""
    MemberLibrary.objects.create(name="Springfield Public Library")
    event = make_event(who_may_register=Event.WhoMayRegister.MEMBERS)
    for order, kind in enumerate(Kind):
        question = Question.objects.create(
            event=event,
            label=f"Question {order}",
            kind=kind,
            choices="One\nTwo",
            help_text="Some help.",
            required=order % 2 == 0,
            order=order,
        )
        if kind == Kind.ONE_CHOICE:
            first_radio = f"id_question_{question.pk}_0"
    page.goto(event.get_absolute_url())
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    page.locator("#id_name").fill("Ada")
    page.locator("#id_email").fill("ada@example.org")
    page.locator("form.registration-form").evaluate("form => form.noValidate = true")
    page.locator("form.registration-form [type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    page.locator(f"[data-error-summary] a[href='#{first_radio}']").click()
    expect(page.locator(f"#{first_radio}")).to_be_focused()
