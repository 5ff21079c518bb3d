"""A roster as CSV: the columns staff open in a spreadsheet, streamed."""

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse

from .selectors import with_waitlist_positions

ROSTER_COLUMNS = (
    "Event",
    "Name",
    "Email",
    "Library or organization",
    "Accessibility or accommodation request",
    "Status",
    "Waitlist position",
    "Attended",
    "Registered",
    "Promoted",
    "Cancelled",
)


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


def roster_rows(registrations) -> Iterator[list[str]]:
    def local(moment, event):
        return moment.astimezone(event.tz).strftime("%Y-%m-%d %H:%M") if moment else ""

    for r in registrations:
        yield [
            spreadsheet_safe(v)
            for v in (
                r.event.title,
                r.name,
                r.email,
                r.organization,
                r.accommodation_request,
                r.get_status_display(),
                r.position or "",
                "yes" if r.attended else "no",
                local(r.created_at, r.event),
                local(r.promoted_at, r.event),
                local(r.cancelled_at, r.event),
            )
        ]


def roster_response(queryset, filename: str) -> StreamingHttpResponse:
    """A roster as CSV, streamed so that a big event never sits in memory."""
    writer = csv.writer(Echo())
    rows = with_waitlist_positions(queryset.select_related("event")).order_by(
        "event__start", "event_id", "pk"
    )

    def lines():
        yield "\ufeff"  # so Excel reads the file as UTF-8
        yield writer.writerow(ROSTER_COLUMNS)
        for row in roster_rows(rows.iterator(chunk_size=500)):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
