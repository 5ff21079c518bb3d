"""A roster as CSV: the columns staff open in a spreadsheet, streamed, then
one column per question the events asked."""

import csv
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch
from django.http import StreamingHttpResponse

from .models import Answer, Question
from .selectors import with_waitlist_positions

ROSTER_COLUMNS = (
    "Event",
    "Name",
    "Email",
    "Library or organization",
    "Member library",
    "Accessibility or accommodation request",
    "Status",
    "Waitlist position",
    "Attended",
    "Registered",
    "Promoted",
    "Cancelled",
)

# A file's first character, so that Excel reads a CSV as UTF-8 (it reads
# one without as the computer's local code page, garbling "Montréal").
EXCEL_UTF8 = "\ufeff"


class Echo:
    """A file-like object that hands back what is written: csv.writer into
    a streamed response, one row at a time."""

    def write(self, value):
        return value


def spreadsheet_safe(value) -> str:
    """Members type these fields; a leading = + - @ would run as a formula
    when staff open the roster in a spreadsheet."""
    text = "" if value is None else str(value)
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + text
    return text


def local_time(moment, event) -> str:
    """On the event's clock, saying which: "2031-10-21 14:00 EDT (UTC-04:00)".
    One roster may hold events in several zones, and a bare "14:00" read in
    another office would pass for its own time."""
    if moment is None:
        return ""
    local = moment.astimezone(event.tz)
    offset = f"UTC{local:%:z}"
    abbreviation = local.tzname() or ""
    # Some zones have no letters of their own ("+03"): the offset says it.
    if abbreviation[:1] in {"+", "-"} or not abbreviation:
        return f"{local:%Y-%m-%d %H:%M} {offset}"
    return f"{local:%Y-%m-%d %H:%M} {abbreviation} ({offset})"


def answer_text(answer: Answer, question: Question) -> str:
    """An answer as a person reads it: several choices on one line,
    "Minutes; Agenda", the other kinds as they were given."""
    if question.kind == Question.Kind.SEVERAL_CHOICES:
        return "; ".join(
            line.strip() for line in answer.value.splitlines() if line.strip()
        )
    return answer.value


class QuestionColumns:
    """The roster's question columns, one per question, in the events'
    order then the questions' own.

    A roster may hold several events (an export of rows picked across the
    list): questions of the same label in different events share a column,
    so "Your role" asked at every webinar is one column to sort, not one
    per event. Two questions of one event with the same label still get a
    column each."""

    def __init__(self, questions: Iterable[Question]):
        self.headers: list[str] = []
        self.questions: dict[int, Question] = {}
        self.index: dict[int, int] = {}
        column_of_key: dict[tuple[str, int], int] = {}
        seen_in_event: dict[tuple[int, str], int] = {}
        for question in questions:
            nth = seen_in_event.get((question.event_id, question.label), 0)
            seen_in_event[(question.event_id, question.label)] = nth + 1
            key = (question.label, nth)
            if key not in column_of_key:
                column_of_key[key] = len(self.headers)
                self.headers.append(question.label)
            self.questions[question.pk] = question
            self.index[question.pk] = column_of_key[key]

    def cells(self, registration) -> list[str]:
        """The registration's answers in their columns ("" where none)."""
        cells = [""] * len(self.headers)
        for answer in registration.answers.all():
            question = self.questions.get(answer.question_id)
            if question is not None:
                cells[self.index[answer.question_id]] = answer_text(answer, question)
        return cells


def roster_rows(registrations, columns: QuestionColumns) -> Iterator[list[str]]:
    for r in registrations:
        yield [
            spreadsheet_safe(v)
            for v in (
                r.event.title,
                r.name,
                r.email,
                r.organization,
                r.library.name if r.library else "",
                r.accommodation_request,
                r.get_status_display(),
                r.position or "",
                "yes" if r.attended else "no",
                local_time(r.created_at, r.event),
                local_time(r.promoted_at, r.event),
                local_time(r.cancelled_at, r.event),
                *columns.cells(r),
            )
        ]


def roster_response(queryset, filename: str) -> StreamingHttpResponse:
    """A roster as CSV, streamed so that a big event never sits in memory.

    Three queries whatever the number of people and questions: the events'
    questions, then the registrations and their answers by chunks of 500."""
    writer = csv.writer(Echo())
    rows = (
        with_waitlist_positions(queryset.select_related("event", "library"))
        .prefetch_related(
            # No ordering: the cells are placed by question, and the model's
            # ordering would join the questions for nothing.
            Prefetch("answers", queryset=Answer.objects.order_by())
        )
        .order_by("event__start", "event_id", "pk")
    )
    questions = Question.objects.filter(
        event__in=queryset.order_by().values("event_id")
    ).order_by("event__start", "event_id", "order", "pk")

    def lines():
        yield EXCEL_UTF8
        columns = QuestionColumns(questions)
        yield writer.writerow(
            [*ROSTER_COLUMNS, *(spreadsheet_safe(h) for h in columns.headers)]
        )
        for row in roster_rows(rows.iterator(chunk_size=500), columns):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
