"""The reports' tables, defined once for the page and for its CSV download:
which columns each has, what each cell holds, and which figure its chart
draws."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from registrations.models import format_hours

from . import evaluations, figures
from .annual import AnnualReport, TrainedRow
from .evaluations import RatingAverage
from .figures import Figures, ReportFilters

# How a cell reads: a whole number, a share (0.125, shown as 12.5%), an
# average rating, CE hours, or words.
COUNT, RATE, AVERAGE, HOURS, TEXT = "count", "rate", "average", "hours", "text"


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable
    kind: str = COUNT


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str

    @property
    def csv(self) -> object:
        """As a spreadsheet reads it: a share as a percentage number, an
        average with two decimals, nothing for a figure there is none of."""
        if self.value is None:
            return ""
        if self.kind == RATE:
            return f"{self.value * 100:.1f}"
        if self.kind == AVERAGE:
            return f"{self.value:.2f}"
        if self.kind == HOURS:
            return format_hours(self.value)
        return self.value

    @property
    def text(self) -> str:
        """As the page shows it, in the page's language: "12.5%", "4.25"."""
        if self.value is None:
            return "—"
        if self.kind == RATE:
            return f"{formats.number_format(self.value * 100, 1)}%"
        if self.kind == AVERAGE:
            return formats.number_format(self.value, 2)
        if self.kind == HOURS:
            return format_hours(self.value)
        return str(self.value)


@dataclass(frozen=True)
class Table:
    name: str
    caption: str
    columns: list[Column]
    items: list
    # The chart beside it: its title, and the figure each bar is.
    chart_title: str = ""
    chart_value: Callable | None = None
    chart_unit: str = ""
    # The bars, when not one per row (the annual report's total row is
    # not a library).
    chart_items: list | None = None
    # On the page, at most this many rows (a decade has 10,000 events);
    # the CSV has them all.
    shown_at_most: int | None = None

    @property
    def cut_short(self) -> bool:
        return self.shown_at_most is not None and len(self.items) >= self.shown_at_most

    @property
    def headers(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    @property
    def rows(self) -> list[list[Cell]]:
        return [
            [Cell(column.value(item), column.kind) for column in self.columns]
            for item in self.items
        ]

    @property
    def lines(self) -> list[tuple[str, list[str]]]:
        """The rows as the page prints them: the first cell's text (the row's
        header), then the others'. Worked out here rather than cell by cell
        in the template, which a decade's tables of thousands of cells make
        the page's slowest part."""
        return [
            (head.text, [cell.text for cell in cells]) for head, *cells in self.rows
        ]

    def points(self) -> list[tuple[str, float]]:
        """The chart's bars: the first column names each, ``chart_value``
        gives its height (a share as a percentage)."""
        label = self.columns[0].value
        items = self.items if self.chart_items is None else self.chart_items
        return [
            (str(label(item)), float(self.chart_value(item) or 0)) for item in items
        ]


def _rate_percent(rate: float | None) -> float:
    return 0.0 if rate is None else round(rate * 100, 1)


REGISTRATION_COLUMNS = [
    Column(_("Registrations"), lambda f: f.registrations),
    Column(_("Confirmed"), lambda f: f.confirmed),
    Column(_("Attended"), lambda f: f.attended),
    Column(_("No-show rate"), lambda f: f.no_show_rate, RATE),
    Column(_("Left waiting"), lambda f: f.left_waiting),
    Column(_("Turned away"), lambda f: f.turned_away),
    Column(_("Awaiting approval"), lambda f: f.awaiting_approval),
]
SEAT_COLUMNS = [
    Column(_("Seats"), lambda f: f.seats),
    Column(_("Fill rate"), lambda f: f.fill_rate, RATE),
]


def month_label(month: date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def range_label(filters: ReportFilters) -> str:
    return _("%(start)s to %(end)s") % {
        "start": formats.date_format(filters.start, "DATE_FORMAT"),
        "end": formats.date_format(filters.end, "DATE_FORMAT"),
    }


def totals_table(total: Figures, filters: ReportFilters) -> Table:
    return Table(
        name="totals",
        caption=_("Totals"),
        columns=[
            Column(_("Events starting"), lambda f: range_label(filters), TEXT),
            Column(_("Events"), lambda f: f.events),
            *REGISTRATION_COLUMNS,
            *SEAT_COLUMNS,
        ],
        items=[total],
    )


def month_table(rows: list[Figures]) -> Table:
    return Table(
        name="month",
        caption=_("By month"),
        columns=[
            Column(_("Month"), lambda f: month_label(f.key), TEXT),
            Column(_("Events"), lambda f: f.events),
            *REGISTRATION_COLUMNS,
            *SEAT_COLUMNS,
        ],
        items=rows,
        chart_title=_("Registrations by month"),
        chart_value=lambda f: f.registrations,
    )


def library_table(rows: list[Figures]) -> Table:
    return Table(
        name="library",
        caption=_("By member library"),
        columns=[
            Column(_("Member library"), lambda f: f.label, TEXT),
            *REGISTRATION_COLUMNS,
        ],
        items=rows,
        chart_title=_("Attended by member library"),
        chart_value=lambda f: f.attended,
    )


def category_table(rows: list[Figures]) -> Table:
    return Table(
        name="category",
        caption=_("By category"),
        columns=[
            Column(_("Category"), lambda f: f.label, TEXT),
            Column(_("Events"), lambda f: f.events),
            *REGISTRATION_COLUMNS,
            *SEAT_COLUMNS,
        ],
        items=rows,
        chart_title=_("Registrations by category"),
        chart_value=lambda f: f.registrations,
    )


FULLEST_EVENTS = 20
# The most rows of one event per row a page shows; the CSV has them all.
PAGE_ROWS = 100


def _starts(f: Figures) -> str:
    local = f.start.astimezone(figures.site_time_zone())
    return formats.date_format(local, "Y-m-d H:i")


def event_table(rows: list[Figures], shown_at_most: int | None = None) -> Table:
    return Table(
        name="event",
        caption=_("By event"),
        columns=[
            Column(_("Event"), lambda f: f.label, TEXT),
            Column(_("Starts"), _starts, TEXT),
            *REGISTRATION_COLUMNS,
            *SEAT_COLUMNS,
        ],
        items=rows,
        shown_at_most=shown_at_most,
    )


def fullest_table(rows: list[Figures]) -> Table:
    """The fullest events (of those with a capacity), drawn and listed:
    hundreds of bars would be unreadable, and the chart's table holds
    exactly its bars."""
    return Table(
        name="fullest",
        caption=_("The %(count)d fullest events") % {"count": FULLEST_EVENTS},
        columns=[
            Column(_("Event"), lambda f: f.label, TEXT),
            Column(_("Starts"), _starts, TEXT),
            Column(_("Seats taken"), lambda f: f.seats_taken),
            *SEAT_COLUMNS,
        ],
        items=rows,
        chart_title=_("Fill rate of the %(count)d fullest events")
        % {"count": FULLEST_EVENTS},
        chart_value=lambda f: _rate_percent(f.fill_rate),
        chart_unit="%",
    )


def evaluation_table(rows: list[RatingAverage]) -> Table:
    return Table(
        name="evaluation",
        caption=_("Evaluation averages by question"),
        columns=[
            Column(_("Question"), lambda r: r.label, TEXT),
            Column(_("Average rating (1 to 5)"), lambda r: r.average, AVERAGE),
            Column(_("Answers"), lambda r: r.answers),
        ],
        items=rows,
        chart_title=_("Average rating by question"),
        chart_value=lambda r: round(r.average or 0, 2),
    )


def evaluation_event_table(
    rows: list[RatingAverage], shown_at_most: int | None = None
) -> Table:
    return Table(
        name="evaluation_event",
        caption=_("Evaluation averages by event"),
        columns=[
            Column(_("Event"), lambda r: r.label, TEXT),
            Column(_("Average rating (1 to 5)"), lambda r: r.average, AVERAGE),
            Column(_("Answers"), lambda r: r.answers),
        ],
        items=rows,
        shown_at_most=shown_at_most,
    )


def annual_table(report: AnnualReport) -> Table:
    total = TrainedRow(
        label=str(_("Everyone (each person once)")),
        people=report.total.people,
        attendances=report.total.attendances,
        certificates=report.total.certificates,
        ce_hours=report.total.ce_hours,
    )
    return Table(
        name="annual",
        caption=_("Library staff trained in %(year)s") % {"year": report.year},
        columns=[
            Column(_("Member library"), lambda r: r.label, TEXT),
            Column(_("People trained"), lambda r: r.people),
            Column(_("Attendances"), lambda r: r.attendances),
            Column(_("Certificates"), lambda r: r.certificates),
            Column(_("CE hours on certificates"), lambda r: r.ce_hours, HOURS),
        ],
        items=[*report.libraries, total],
        chart_title=_("People trained by member library"),
        chart_value=lambda r: r.people,
        chart_items=report.libraries,
    )


# What each table is built from, for the page and the CSV download alike.
NO_LIBRARY = _("No member library")
NO_CATEGORY = _("No category")


TABLE_BUILDERS = {
    "totals": lambda f: totals_table(figures.totals(f), f),
    "month": lambda f: month_table(figures.by_month(f)),
    "library": lambda f: library_table(
        figures.by_library(f, none_label=str(NO_LIBRARY))
    ),
    "category": lambda f: category_table(
        figures.by_category(f, none_label=str(NO_CATEGORY))
    ),
    "event": lambda f: event_table(figures.by_event(f)),
    "fullest": lambda f: fullest_table(
        figures.by_event(f, limit=FULLEST_EVENTS, fullest=True)
    ),
    "evaluation": lambda f: evaluation_table(evaluations.evaluation_by_question(f)),
    "evaluation_event": lambda f: evaluation_event_table(
        evaluations.evaluation_by_event(f)
    ),
}


# The page's own builders where it shows less than the CSV: the first
# PAGE_ROWS events, limited in the database, so a decade's report costs
# what a year's does.
PAGE_BUILDERS = {
    **TABLE_BUILDERS,
    "event": lambda f: event_table(
        figures.by_event(f, limit=PAGE_ROWS), shown_at_most=PAGE_ROWS
    ),
    "evaluation_event": lambda f: evaluation_event_table(
        evaluations.evaluation_by_event(f, limit=PAGE_ROWS), shown_at_most=PAGE_ROWS
    ),
}


def report_tables(filters: ReportFilters) -> dict[str, Table]:
    """Every table of the reports page, by name: a fixed number of queries
    (two for the months, which the totals add up, two for the categories,
    one for each other table)."""
    months = figures.by_month(filters)
    from_months = {
        "totals": lambda f: totals_table(figures.total_of(months), f),
        "month": lambda f: month_table(months),
    }
    return {
        name: from_months.get(name, build)(filters)
        for name, build in PAGE_BUILDERS.items()
    }


def chart_summary(table: Table, points: list[tuple[str, float]]) -> str:
    """The sentence a screen reader says for a chart: its highest and
    lowest bar; the table beside it has every figure."""
    if not points:
        return str(_("No data for this range."))
    unit = table.chart_unit
    high = max(points, key=lambda point: point[1])
    low = min(points, key=lambda point: point[1])
    return str(
        _(
            "%(count)d bars. Highest: %(high)s, %(high_value)s%(unit)s. "
            "Lowest: %(low)s, %(low_value)s%(unit)s. Every figure is in the "
            "table beside the chart."
        )
        % {
            "count": len(points),
            "high": high[0],
            "high_value": formats.number_format(high[1], decimal_pos=None),
            "low": low[0],
            "low_value": formats.number_format(low[1], decimal_pos=None),
            "unit": unit,
        }
    )
