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


def roster_rows(registrations) -> Iterator[list[str]]:
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
                local_time(r.created_at, r.event),
                local_time(r.promoted_at, r.event),
                local_time(r.cancelled_at, r.event),
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
