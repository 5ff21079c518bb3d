"""The evaluation page at /registrations/<token>/evaluation/: the form for
an attendee once attendance is final, what a POST stores, what comes back
when something needs fixing, and a clear page for everyone else."""

import pytest
from django.test import Client
from django.urls import reverse

from registrations import services
from registrations.evaluations import field_name
from registrations.models import EvaluationAnswer, EvaluationResponse, Registration
from tests import dom
from tests.builders import make_event
from tests.credit import past_webinar_with_attendees, token_of

pytestmark = pytest.mark.django_db

KEPT_APART = "Your answers are kept apart from your name"


def url(registration: Registration) -> str:
    return reverse("registrations:evaluation", kwargs={"token": token_of(registration)})


def questions_of(event) -> dict:
    """The default evaluation's questions by kind and place:
    overall, content, presenter (ratings), recommend (yes/no), other (text)."""
    names = ("overall", "content", "presenter", "recommend", "other")
    return dict(zip(names, event.evaluation_questions.all(), strict=True))


def form_data(event, **values) -> dict[str, str]:
    """A POST answering every question (4, 4, 4, Yes, some words), with
    ``values`` by the names ``questions_of`` gives."""
    answers = {
        "overall": "4",
        "content": "4",
        "presenter": "4",
        "recommend": "Yes",
        "other": "More examples, please.",
    } | values
    questions = questions_of(event)
    return {
        field_name(questions[key]): value
        for key, value in answers.items()
        if value is not None
    }


def assert_private(response):
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


def form_of(response):
    return dom.find(dom.parse(response), "form", class_="evaluation-form")


# The form


def test_an_attendee_sees_the_form(client, final_webinar):
    """Each question in order: the ratings and the yes/no as radios in a
    fieldset whose legend is the question (each radio saying what its number
    means), the free text as a textarea of at most 2,000 characters; the
    page says the answers are kept apart from the name, is private, and
    carries the CSRF token."""
    event, (pat, _sam) = final_webinar
    response = client.get(url(pat))
    assert response.status_code == 200
    assert_private(response)
    assert KEPT_APART in dom.text_of(response)
    form = form_of(response)
    assert dom.attribute(form, "method") == "post"
    assert dom.find_all(form, "input", name="csrfmiddlewaretoken")
    legends = [dom.text(legend) for legend in dom.find_all(form, "legend")]
    assert [legend.rstrip("*").strip() for legend in legends] == [
        "Overall, how would you rate this event?",
        "How useful was the content?",
        "How would you rate the presenter?",
        "Would you recommend this event to a colleague?",
    ]
    questions = questions_of(event)
    overall = field_name(questions["overall"])
    radios = dom.find_all(form, "input", type="radio", name=overall)
    assert [dom.attribute(radio, "value") for radio in radios] == list("12345")
    labels = [
        dom.text(dom.find(form, "label", for_=dom.attribute(radio, "id")))
        for radio in radios
    ]
    assert labels[0] == "1 (poor)"
    assert labels[-1] == "5 (excellent)"
    recommend = field_name(questions["recommend"])
    assert [
        dom.attribute(radio, "value")
        for radio in dom.find_all(form, "input", type="radio", name=recommend)
    ] == ["Yes", "No"]
    textarea = dom.find(form, "textarea", name=field_name(questions["other"]))
    assert dom.attribute(textarea, "maxlength") == "2000"
    # Optional: not required, and its label says so by having no asterisk.
    assert dom.attribute(textarea, "required") is None
    assert dom.submit_labels(form) == ["Send my evaluation"]


def test_an_optional_rating_can_be_left_out(client, final_webinar):
    """An optional rating starts on "No answer", which a radio once chosen
    could not return to otherwise."""
    event, (pat, _sam) = final_webinar
    question = questions_of(event)["presenter"]
    question.required = False
    question.save()
    form = form_of(client.get(url(pat)))
    radios = dom.find_all(form, "input", type="radio", name=field_name(question))
    assert [dom.attribute(radio, "value") for radio in radios] == ["", *"12345"]


# Sending it


def test_a_good_post_stores_the_answers_and_goes_back_to_the_page(
    client, final_webinar
):
    """The answers are stored (ratings as numbers), the registration says it
    was sent, and the browser goes to the registrant's page, which thanks
    them."""
    event, (pat, _sam) = final_webinar
    response = client.post(url(pat), form_data(event, overall="5", other=None))
    manage = reverse("registrations:manage", kwargs={"token": token_of(pat)})
    assert response.status_code == 302
    assert response["Location"] == f"{manage}?evaluated=1"
    assert_private(response)
    pat.refresh_from_db()
    assert pat.evaluation_completed
    kept = [
        (a.question.kind, a.rating, a.text)
        for a in EvaluationAnswer.objects.select_related("question")
    ]
    assert kept == [
        ("rating", 5, ""),
        ("rating", 4, ""),
        ("rating", 4, ""),
        ("yes_no", None, "Yes"),
    ]
    page = client.get(response["Location"])
    assert "Thank you for your evaluation." in dom.text_of(page)


def test_a_refused_post_keeps_what_was_typed_with_errors_on_the_fields(
    client, final_webinar
):
    """A required rating left out: the form comes back (200) with the
    message on that question, linked from the summary to its first radio,
    the text as typed and the radios as chosen; nothing is stored."""
    event, (pat, _sam) = final_webinar
    questions = questions_of(event)
    words = "The slides were <great> & clear."
    response = client.post(url(pat), form_data(event, content=None, other=words))
    assert response.status_code == 200
    assert_private(response)
    assert not EvaluationResponse.objects.exists()
    pat.refresh_from_db()
    assert not pat.evaluation_completed
    form = form_of(response)
    content = field_name(questions["content"])
    summary = dom.find(form, "div", data_error_summary=True)
    assert dom.hrefs(summary) == [f"#id_{content}_0"]
    assert "This field is required." in dom.text(summary)
    # The message sits with the question, and its fieldset names it.
    fieldset = dom.find(form, "fieldset", aria_describedby=True)
    error_id = dom.attribute(fieldset, "aria-describedby").split()[0]
    assert dom.text(dom.find(form, id=error_id)) == "This field is required."
    assert dom.find_all(fieldset, "input", name=content)
    # What was typed and chosen is still there.
    textarea = dom.find(form, "textarea", name=field_name(questions["other"]))
    assert dom.text(textarea) == words
    chosen = dom.find(
        form, "input", name=field_name(questions["recommend"]), checked=True
    )
    assert dom.attribute(chosen, "value") == "Yes"


@pytest.mark.parametrize("rating", ["6", "0", "4.5", "five"])
def test_a_rating_out_of_range_is_refused(client, final_webinar, rating):
    """Only 1 to 5: anything else is refused on its question, not stored."""
    event, (pat, _sam) = final_webinar
    response = client.post(url(pat), form_data(event, overall=rating))
    assert response.status_code == 200
    assert not EvaluationResponse.objects.exists()
    summary = dom.find(form_of(response), "div", data_error_summary=True)
    assert "Select a valid choice" in dom.text(summary)


def test_too_long_a_text_is_refused(client, final_webinar):
    """A written answer over 2,000 characters is refused with a message saying
    "at most 2000 characters", and nothing is stored."""
    event, (pat, _sam) = final_webinar
    response = client.post(url(pat), form_data(event, other="x" * 2001))
    assert response.status_code == 200
    assert not EvaluationResponse.objects.exists()
    assert "at most 2000 characters" in dom.text_of(response)


def test_the_post_needs_the_csrf_token(final_webinar):
    """A POST from another site (no CSRF token) is refused and stores
    nothing."""
    event, (pat, _sam) = final_webinar
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(pat), form_data(event))
    assert response.status_code == 403
    assert not EvaluationResponse.objects.exists()


# Everyone else


def test_once_sent_the_page_says_so_instead_of_the_form(client, final_webinar):
    """After sending it, the page thanks them and shows no form; a second
    POST stores nothing."""
    event, (pat, _sam) = final_webinar
    client.post(url(pat), form_data(event))
    response = client.get(url(pat))
    assert response.status_code == 200
    assert "you have already sent your evaluation" in dom.text_of(response)
    assert dom.find_all(dom.parse(response), "form", class_="evaluation-form") == []
    again = client.post(url(pat), form_data(event))
    assert again.status_code == 200
    assert EvaluationResponse.objects.count() == 1


def test_someone_who_did_not_attend_is_refused(client, clock):
    """A confirmed registrant not marked attended gets a page that says
    why there is no form, and a POST stores nothing."""
    event, (_pat, absent) = past_webinar_with_attendees(
        clock, names=("Pat Reader", "Alex Absent")
    )
    services.mark_attended(registration_id=absent.pk, attended=False)
    services.add_default_evaluation(event=event)
    services.mark_attendance_final(event_id=event.pk)
    response = client.get(url(absent))
    assert response.status_code == 200
    assert_private(response)
    assert "The evaluation is for people who attended the event" in dom.text_of(
        response
    )
    assert dom.find_all(dom.parse(response), "form", class_="evaluation-form") == []
    again = client.post(url(absent), form_data(event))
    assert "The evaluation is for people" in dom.text_of(again)
    assert not EvaluationResponse.objects.exists()


def test_not_before_attendance_is_final(client, clock):
    """While staff may still correct the roster, the page says the
    evaluation opens later; a POST stores nothing."""
    event, (pat,) = past_webinar_with_attendees(clock)
    services.add_default_evaluation(event=event)
    response = client.get(url(pat))
    assert response.status_code == 200
    assert "The evaluation opens once" in dom.text_of(response)
    assert dom.find_all(dom.parse(response), "form", class_="evaluation-form") == []
    client.post(url(pat), form_data(event))
    assert not EvaluationResponse.objects.exists()
    pat.refresh_from_db()
    assert not pat.evaluation_completed


def test_an_event_without_an_evaluation_says_so(client, clock):
    """Final gives an event the default evaluation; if staff then delete
    every question, the page says there is none to fill in."""
    event, (pat,) = past_webinar_with_attendees(clock)
    services.mark_attendance_final(event_id=event.pk)
    event.evaluation_questions.all().delete()
    response = client.get(url(pat))
    assert response.status_code == 200
    assert "This event has no evaluation" in dom.text_of(response)
    assert dom.find_all(dom.parse(response), "form", class_="evaluation-form") == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_link_gets_the_unknown_link_page(client, method):
    """Opening or sending an evaluation link that matches no registration gives
    the private (not cached, not indexed) 404 "We don't recognize this link"
    page."""
    make_event()
    path = reverse("registrations:evaluation", kwargs={"token": "not-a-real-token"})
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert_private(response)
    assert "We don't recognize this link" in dom.text_of(response)


def test_the_registrants_page_links_to_it(client, final_webinar):
    """The registrant's page links an attendee to the evaluation until it is
    sent."""
    event, (pat, _sam) = final_webinar
    manage = reverse("registrations:manage", kwargs={"token": token_of(pat)})
    assert url(pat) in dom.hrefs(dom.parse(client.get(manage)))
    client.post(url(pat), form_data(event))
    assert url(pat) not in dom.hrefs(dom.parse(client.get(manage)))


def test_a_correction_between_page_and_post_is_refused(client, final_webinar, clock):
    """Staff untick the attendee while the form is open: the POST gets the
    refusal, and nothing is stored."""
    event, (pat, _sam) = final_webinar
    assert client.get(url(pat)).status_code == 200
    clock.advance(minutes=5)
    services.mark_attended(registration_id=pat.pk, attended=False)
    response = client.post(url(pat), form_data(event))
    assert "The evaluation is for people" in dom.text_of(response)
    assert not EvaluationResponse.objects.exists()


def test_the_service_refusal_is_shown_when_it_comes_late(
    client, final_webinar, monkeypatch
):
    """Sent from another tab between the page's read and the service's lock:
    the service's refusal becomes the "already sent" page, not an error."""
    event, (pat, _sam) = final_webinar
    real_submit = services.submit_evaluation

    def sent_meanwhile(*, token, answers):
        real_submit(token=token, answers=answers)
        return real_submit(token=token, answers=answers)

    monkeypatch.setattr(services, "submit_evaluation", sent_meanwhile)
    response = client.post(url(pat), form_data(event))
    assert response.status_code == 200
    assert "you have already sent your evaluation" in dom.text_of(response)
    assert EvaluationResponse.objects.count() == 1


def test_head_and_other_methods(client, final_webinar):
    """A HEAD request for the evaluation page works (200); a PUT is refused as
    not allowed (405)."""
    _event, (pat, _sam) = final_webinar
    assert client.head(url(pat)).status_code == 200
    assert client.put(url(pat)).status_code == 405
