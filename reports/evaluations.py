"""The evaluation averages of a report (PRODUCT.md §12), each computed by
the database: the rating answers to the range's events, averaged per
question and per event. Evaluations are anonymous (a response names only
its event), so the member-library filter does not apply to them."""

from dataclasses import dataclass

from django.db.models import Avg, Count

from registrations.models import EvaluationAnswer, EvaluationQuestion

from .figures import ReportFilters, event_q


@dataclass(frozen=True)
class RatingAverage:
    label: str
    average: float | None
    answers: int
    key: object = None


def _rating_answers(filters: ReportFilters):
    """Rating answers to the range's events. Evaluations are anonymous
    (they name only their event), so the library filter can't apply."""
    return EvaluationAnswer.objects.filter(
        event_q(filters, prefix="response__event__", outer="response__event_id"),
        question__kind=EvaluationQuestion.Kind.RATING,
        rating__isnull=False,
    )


def evaluation_by_question(filters: ReportFilters) -> list[RatingAverage]:
    """The average rating and number of answers per question, questions
    of the same wording taken together across events (one query)."""
    rows = (
        _rating_answers(filters)
        .values("question__label")
        .annotate(average=Avg("rating"), answers=Count("pk"))
        .order_by("question__label")
    )
    return [
        RatingAverage(row["question__label"], row["average"], row["answers"])
        for row in rows
    ]


def evaluation_by_event(
    filters: ReportFilters, *, limit: int | None = None
) -> list[RatingAverage]:
    """Each evaluated event's average over all its rating answers, at most
    ``limit`` of them (one query)."""
    rows = (
        _rating_answers(filters)
        .values(
            "response__event_id", "response__event__title", "response__event__start"
        )
        .annotate(average=Avg("rating"), answers=Count("pk"))
        .order_by("response__event__start", "response__event_id")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        RatingAverage(
            row["response__event__title"],
            row["average"],
            row["answers"],
            key=row["response__event_id"],
        )
        for row in rows
    ]
