"""Sending the evaluation through registrations.services: answers stored
apart from who gave them, once per registration, only by attendees, and the
certificate issued when the policy waits for the evaluation."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import models

from events.models import Event
from registrations import services
from registrations.models import (
    DEFAULT_EVALUATION,
    Certificate,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Registration,
)
from tests.builders import make_event
from tests.credit import token_of
from tests.registrations.conftest import register

from .conftest import default_answers

pytestmark = pytest.mark.django_db

Status = Registration.Status

# What a response or an answer may point at: the event, the question, each
# other. Nothing that leads to a person.
ANONYMOUS_TARGETS = {Event, EvaluationQuestion, EvaluationResponse, EvaluationAnswer}


@pytest.mark.parametrize("model", [EvaluationResponse, EvaluationAnswer])
def test_the_stored_answers_lead_to_no_one(model):
    """Neither a response nor an answer has a field that references a
    registration, a user or anything else but the event and its questions,
    and none records a time."""
    for field in model._meta.get_fields():
        if field.is_relation:
            assert field.related_model in ANONYMOUS_TARGETS, field
            assert field.related_model not in {Registration, get_user_model()}
        assert not isinstance(
            field, models.DateField | models.DateTimeField | models.TimeField
        ), field


@pytest.mark.parametrize("model", [EvaluationResponse, EvaluationAnswer])
def test_no_key_puts_the_answers_in_the_order_they_were_sent(model):
    """The keys of responses and answers are random UUIDs, not a sequence:
    a growing number would give the order in which attendees sent their
    evaluations, and that order (next to when each was issued a
    certificate) would tell whose answers are whose."""
    pk = model._meta.pk
    assert isinstance(pk, models.UUIDField)
    assert pk.default is uuid.uuid4
    assert not any(
        isinstance(field, models.AutoField | models.BigAutoField)
        for field in model._meta.get_fields()
    )


def test_two_attendees_answers_cannot_be_matched_to_them(final_webinar):
    """Two attendees send their evaluations one after the other: each
    registration only learns that it sent one; the two responses hold the
    event and the answers, random keys of version 4, and nothing else that
    a registration could be matched with."""
    event, (pat, sam) = final_webinar
    services.submit_evaluation(
        token=token_of(pat), answers=default_answers(event, text="From Pat")
    )
    services.submit_evaluation(
        token=token_of(sam), answers=default_answers(event, text="From Sam")
    )
    responses = list(EvaluationResponse.objects.all())
    assert len(responses) == 2
    for response in responses:
        assert response.event_id == event.pk
        assert response.pk.version == 4
        assert {answer.pk.version for answer in response.answers.all()} == {4}
    stored = EvaluationResponse.objects.values()
    assert {tuple(sorted(row)) for row in stored} == {("event_id", "id")}
    words = EvaluationAnswer.objects.exclude(text="").values_list("text", flat=True)
    assert sorted(words) == [
        "From Pat",
        "From Sam",
        "Yes",
        "Yes",
    ]
    for registration in (pat, sam):
        registration.refresh_from_db()
        assert registration.evaluation_completed


def test_each_answer_is_kept_by_its_kind(final_webinar):
    """Ratings as numbers, yes/no and text as words; an optional question
    left out has no answer."""
    event, (pat, _sam) = final_webinar
    questions = list(event.evaluation_questions.all())
    answers = default_answers(event)
    del answers[questions[-1].pk]  # "Anything else?" is optional
    answers[questions[0].pk] = 5
    services.submit_evaluation(token=token_of(pat), answers=answers)
    kept = [
        (a.question.label, a.rating, a.text) for a in EvaluationAnswer.objects.all()
    ]
    assert kept == [
        (str(DEFAULT_EVALUATION[0][0]), 5, ""),
        (str(DEFAULT_EVALUATION[1][0]), 4, ""),
        (str(DEFAULT_EVALUATION[2][0]), 4, ""),
        (str(DEFAULT_EVALUATION[3][0]), None, "Yes"),
    ]


def test_one_response_per_registration(final_webinar):
    """The second evaluation from the same registration is refused as sent
    already, and stores nothing more."""
    event, (pat, _sam) = final_webinar
    services.submit_evaluation(token=token_of(pat), answers=default_answers(event))
    with pytest.raises(services.RegistrationError) as refused:
        services.submit_evaluation(token=token_of(pat), answers=default_answers(event))
    assert refused.value.code == services.ALREADY_EVALUATED
    assert EvaluationResponse.objects.count() == 1
    assert EvaluationAnswer.objects.count() == 5


@pytest.fixture
def not_attendees(clock):
    """An ended webinar whose attendance is final, with a confirmed
    registrant who did not attend, and a waitlisted and a cancelled one
    ticked attended all the same (by mistake)."""
    event = make_event(
        start=clock.now + timedelta(days=1), capacity=1, waitlist_enabled=True
    )
    absent = register(event, 1).registration
    waiting = register(event, 2).registration
    cancelled = register(event, 3).registration
    services.cancel_registration(registration_id=cancelled.pk, by_staff=True)
    clock.advance(days=1, hours=2)
    for registration in (waiting, cancelled):
        services.mark_attended(registration_id=registration.pk)
    services.add_default_evaluation(event=event)
    services.mark_attendance_final(event_id=event.pk)
    people = {
        r.name: r
        for r in Registration.objects.filter(
            pk__in=[absent.pk, waiting.pk, cancelled.pk]
        )
    }
    assert [people[f"Person {n}"].status for n in (1, 2, 3)] == [
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.CANCELLED,
    ]
    assert [people[f"Person {n}"].attended for n in (1, 2, 3)] == [False, True, True]
    return event, [people[f"Person {n}"] for n in (1, 2, 3)]


@pytest.mark.parametrize("who", [0, 1, 2], ids=["absent", "waitlisted", "cancelled"])
def test_only_confirmed_attendees_may_send_it(not_attendees, who):
    """A confirmed registrant who did not attend, and a waitlisted or
    cancelled one even if ticked attended, are refused: nothing is stored
    and their registration does not say it was sent."""
    event, people = not_attendees
    registration = people[who]
    assert not services.may_evaluate(registration)
    with pytest.raises(services.RegistrationError) as refused:
        services.submit_evaluation(
            token=token_of(registration), answers=default_answers(event)
        )
    assert refused.value.code == services.NOT_ATTENDED
    assert not EvaluationResponse.objects.exists()
    registration.refresh_from_db()
    assert not registration.evaluation_completed


def test_an_unknown_token_is_refused(final_webinar):
    """An evaluation sent with a link that matches no registration is refused as
    not found, and nothing is stored."""
    with pytest.raises(services.RegistrationError) as refused:
        services.submit_evaluation(token="no-such-token", answers={})
    assert refused.value.code == services.NOT_FOUND
    assert not EvaluationResponse.objects.exists()


def test_the_evaluation_earns_the_certificate_when_the_policy_asks(final_webinar):
    """With the policy "attendees who completed the evaluation" and
    attendance final, no attendee has a certificate until they send it;
    sending it issues theirs (to their name, with the event's hours), and
    not the other attendee's."""
    event, (pat, _sam) = final_webinar
    assert not Certificate.objects.exists()
    services.submit_evaluation(token=token_of(pat), answers=default_answers(event))
    certificate = Certificate.objects.get()
    assert certificate.registration_id == pat.pk
    assert certificate.name == "Pat Reader"
    assert certificate.hours == event.ce_credit().hours
    assert certificate.revoked_at is None


def test_the_certificate_pdf_is_made_after_the_commit(
    final_webinar, django_capture_on_commit_callbacks
):
    """Once the evaluation is committed, the certificate's PDF is made."""
    event, (pat, _sam) = final_webinar
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_evaluation(token=token_of(pat), answers=default_answers(event))
    certificate = Certificate.objects.get()
    assert certificate.pdf_made_at is not None
    assert bytes(certificate.pdf).startswith(b"%PDF")


def test_the_default_evaluation_is_added_once(clock):
    """An event without questions gets the default set in order; one that
    has questions keeps them."""
    event = make_event()
    services.add_default_evaluation(event=event)
    services.add_default_evaluation(event=event)
    kept = list(event.evaluation_questions.values_list("label", "kind", "required"))
    assert kept == [(str(label), kind, req) for label, kind, req in DEFAULT_EVALUATION]


def test_the_evaluation_opens_to_attendees_once_attendance_is_final(clock):
    """Not before final, never to someone who did not attend, and no more
    once sent: the one rule the registrant's page and the evaluation page
    both follow."""
    from registrations.models import Registration
    from tests.credit import past_webinar_with_attendees, token_of

    event, (pat, sam) = past_webinar_with_attendees(clock, ["Pat Reader", "Sam Lee"])
    services.mark_attended(registration_id=sam.pk, attended=False)
    assert not services.evaluation_is_open(Registration.objects.get(pk=pat.pk))
    services.mark_attendance_final(event_id=event.pk)
    pat = Registration.objects.get(pk=pat.pk)
    assert services.evaluation_is_open(pat)
    assert not services.evaluation_is_open(Registration.objects.get(pk=sam.pk))
    services.submit_evaluation(
        token=token_of(pat),
        answers={
            q.pk: 5 if q.kind == "rating" else "Yes"
            for q in event.evaluation_questions.all()
        },
    )
    assert not services.evaluation_is_open(Registration.objects.get(pk=pat.pk))
