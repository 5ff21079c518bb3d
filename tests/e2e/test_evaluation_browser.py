"""The evaluation in a real Chromium, by keyboard alone: each question is a
group named by its question, the radios are chosen with the arrow keys, a
missed question comes back in the error summary, and every state of the
page passes axe-core (WCAG 2.2 A and AA)."""

import pytest
from playwright.sync_api import expect

from registrations import services
from registrations.models import EvaluationAnswer, Registration
from tests.credit import past_webinar_with_attendees, token_of
from tests.e2e.conftest import format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERALL = "Overall, how would you rate this event?"
CONTENT = "How useful was the content?"
PRESENTER = "How would you rate the presenter?"
RECOMMEND = "Would you recommend this event to a colleague?"
OTHER = "Anything else you would like to tell us?"


@pytest.fixture
def attendees(clock):
    """An ended webinar with the default evaluation, attendance final, and
    two attendees: one to fill it in, one who has sent it already."""
    event, people = past_webinar_with_attendees(clock, names=("Pat Reader", "Sam Lee"))
    services.add_default_evaluation(event=event)
    services.mark_attendance_final(event_id=event.pk)
    pat, sam = people
    services.submit_evaluation(
        token=token_of(sam),
        answers={q.pk: 3 for q in event.evaluation_questions.filter(kind="rating")},
    )
    return event, pat, sam


def assert_no_violation(page, axe_violations):
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def focused_name(page) -> str:
    return page.evaluate("() => document.activeElement.name || ''")


def tab_to(page, name: str) -> None:
    """Press Tab until the focus is on the control named ``name``."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused_name(page) == name:
            return
    raise AssertionError(f"Tab never reached {name}")


def test_an_attendee_fills_in_the_evaluation_by_keyboard(
    page, attendees, axe_violations
):
    """From the top of the page, Tab reaches each question; the arrow keys
    choose a rating (5 for the first, 4 for the third), Space chooses "Yes",
    and the text is typed. The content rating is skipped first: the form
    comes back with the focus on the error summary, whose link goes to that
    question's first radio. Then the answers are sent and the registrant's
    page thanks them. axe finds nothing at each step."""
    event, pat, _sam = attendees
    page.goto(f"/registrations/{token_of(pat)}/evaluation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation")
    expect(
        page.get_by_text("Your answers are kept apart from your name")
    ).to_be_visible()
    assert_no_violation(page, axe_violations)

    # Each group of radios is named by its question; each radio by its scale.
    overall = page.get_by_role("group", name=OVERALL)
    expect(overall.get_by_role("radio", name="1 (poor)")).to_be_visible()
    expect(overall.get_by_role("radio", name="5 (excellent)")).to_be_visible()
    expect(page.get_by_role("group", name=RECOMMEND)).to_be_visible()

    names = {q.label: f"question_{q.pk}" for q in event.evaluation_questions.all()}
    # Let the server, not the browser, say what is missing.
    page.locator("form.evaluation-form").evaluate("form => form.noValidate = true")
    tab_to(page, names[OVERALL])
    page.keyboard.press("Space")  # 1
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # on to 5
    tab_to(page, names[PRESENTER])  # past the content rating
    page.keyboard.press("Space")  # 1
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # on to 4
    page.keyboard.press("Tab")
    assert focused_name(page) == names[RECOMMEND]
    page.keyboard.press("Space")  # Yes
    page.keyboard.press("Tab")
    assert focused_name(page) == names[OTHER]
    page.keyboard.type("More examples, please.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(f"{CONTENT}: This field is required.")
    expect(
        page.get_by_role("group", name=OVERALL).get_by_role(
            "radio", name="5 (excellent)"
        )
    ).to_be_checked()
    expect(page.get_by_label(OTHER)).to_have_value("More examples, please.")
    assert_no_violation(page, axe_violations)

    page.keyboard.press("Tab")  # the summary's link
    page.keyboard.press("Enter")
    assert focused_name(page) == names[CONTENT]
    page.keyboard.press("Space")  # 1
    page.keyboard.press("ArrowRight")  # 2
    page.keyboard.press("Tab")
    assert focused_name(page) == names[PRESENTER]
    for _ in range(3):  # past the presenter, the yes/no and the text
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("Thank you for your evaluation.")
    assert_no_violation(page, axe_violations)
    pat.refresh_from_db()
    assert pat.evaluation_completed
    # Sam sent 3s; Pat's ratings are the only 5, 2 and 4 stored.
    assert set(
        EvaluationAnswer.objects.exclude(rating=3)
        .exclude(rating=None)
        .values_list("question__label", "rating")
    ) == {(OVERALL, 5), (CONTENT, 2), (PRESENTER, 4)}


@pytest.mark.parametrize("who", ["sent already", "not an attendee"])
def test_the_pages_without_the_form_pass_axe(page, attendees, axe_violations, who):
    """Sent already, and refused: a clear page, no form, nothing for axe."""
    _event, pat, sam = attendees
    if who == "not an attendee":
        services.mark_attended(registration_id=pat.pk, attended=False)
        registration = Registration.objects.get(pk=pat.pk)
    else:
        registration = sam
    page.goto(f"/registrations/{token_of(registration)}/evaluation/")
    expect(page.locator("form.evaluation-form")).to_have_count(0)
    assert_no_violation(page, axe_violations)
