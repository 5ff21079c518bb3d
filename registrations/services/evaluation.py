"""The evaluation attendees fill in after an event: one per registration,
its answers stored apart from who gave them (``models/evaluation.py``)."""

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from events.models import Event

from ..models import (
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Registration,
)
from . import locking
from .certificates import settle_certificate
from .errors import RegistrationError

Kind = EvaluationQuestion.Kind

ALREADY_EVALUATED = "already_evaluated"
NOT_ATTENDED = "not_attended"


def add_default_evaluation(*, event: Event) -> list[EvaluationQuestion]:
    """Give an event the default evaluation, unless it has questions of its
    own already; staff then edit them in the event's admin."""
    EvaluationQuestion.objects.add_defaults(event=event)
    return list(event.evaluation_questions.all())


def may_evaluate(registration: Registration) -> bool:
    """Attendees may send the evaluation, once."""
    return (
        registration.status == Registration.Status.CONFIRMED
        and registration.attended
        and not registration.evaluation_completed
    )


def evaluation_is_open(registration: Registration) -> bool:
    """Whether the registrant's page offers them the evaluation: to an
    attendee who has not sent it, once attendance is final (the roster is
    settled; that is also when it is emailed)."""
    return registration.event.attendance_final_at is not None and may_evaluate(
        registration
    )


def submit_evaluation(*, token: str, answers: Mapping[int, int | str]) -> Registration:
    """Store an attendee's evaluation: ``answers`` maps each question's id
    to a rating (1 to 5) or words ("Yes", "No", free text), as the form
    cleaned them. The registration only learns that it was sent; the
    answers go to a response that names the event and nothing else. If the
    certificate waits for the evaluation, it is issued now."""
    with transaction.atomic(durable=True):
        registration, event = locking.lock_registration(token=token)
        if registration.evaluation_completed:
            raise RegistrationError(
                _("Thank you: you have already sent your evaluation."),
                code=ALREADY_EVALUATED,
            )
        if not may_evaluate(registration):
            raise RegistrationError(
                _("The evaluation is for people who attended the event."),
                code=NOT_ATTENDED,
            )
        questions = {q.pk: q for q in event.evaluation_questions.all()}
        response = EvaluationResponse.objects.create(event=event)
        EvaluationAnswer.objects.bulk_create(
            _answer(response, questions[pk], value)
            for pk, value in answers.items()
            if pk in questions and value not in ("", None)
        )
        registration.evaluation_completed = True
        registration.save(update_fields=["evaluation_completed"])
        settle_certificate(registration=registration, event=event)
        return registration


def _answer(response, question: EvaluationQuestion, value) -> EvaluationAnswer:
    if question.kind == Kind.RATING:
        return EvaluationAnswer(response=response, question=question, rating=int(value))
    return EvaluationAnswer(response=response, question=question, text=str(value))
