"""The reports pages of the staff admin: the figures for a date range, and
the annual report; every table also as CSV.

Roster viewers see reports: the pages need a staff login with permission
to view registrations. Figures only, never a person's name or address.
"""

import csv
from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from events.models import Event
from registrations.roster import EXCEL_UTF8, spreadsheet_safe

from . import annual, charts, figures, tables
from .forms import EARLIEST, LATEST, ReportFilterForm, this_year
from .planning import planned_for_their_range

PERMISSION = "registrations.view_registration"


def staff_with_reports(view):
    """Signed-out visitors go to the admin's sign-in; a signed-in user who
    isn't staff allowed to view registrations gets 403. The view's queries
    are planned for the range they ask about (``reports.planning``)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff and user.has_perm(PERMISSION)):
            raise PermissionDenied
        with planned_for_their_range():
            return view(request, *args, **kwargs)

    return checked


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def _with_chart(table: tables.Table) -> dict:
    """A table and, when it has one, the chart drawn beside it."""
    chart = None
    if table.chart_value is not None:
        points = table.points()
        chart = charts.bar_chart(
            title=str(table.chart_title),
            summary=tables.chart_summary(table, points),
            points=points,
            unit=table.chart_unit,
        )
    return {"table": table, "chart": chart}


@staff_with_reports
def report(request):
    """The filter form, the totals, and a section per breakdown. Bad input
    (a date that isn't one, an end before the start) is a message on its
    field, and no figures."""
    form = ReportFilterForm.from_query(request.GET)
    context = _context(request, _("Reports"), form=form, time_zone=settings.TIME_ZONE)
    if form.is_valid():
        built = tables.report_tables(form.filters())
        context.update(
            totals=built.pop("totals"),
            sections=[_with_chart(table) for table in built.values()],
            query=request.GET.urlencode(),
        )
    return TemplateResponse(request, "reports/report.html", context)


def _csv_response(table: tables.Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(EXCEL_UTF8)
    writer = csv.writer(response)
    writer.writerow([spreadsheet_safe(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([spreadsheet_safe(cell.csv) for cell in row])
    return response


@staff_with_reports
def report_csv(request, table: str):
    """One table of the reports page, for the same filters, as CSV named by
    the table and the range. Filters that don't hold show the page with
    their messages."""
    build = tables.TABLE_BUILDERS.get(table)
    if build is None:
        raise Http404
    form = ReportFilterForm.from_query(request.GET)
    if not form.is_valid():
        context = _context(
            request, _("Reports"), form=form, time_zone=settings.TIME_ZONE
        )
        return TemplateResponse(request, "reports/report.html", context)
    filters = form.filters()
    filename = f"almanac-{table}-{filters.start:%Y-%m-%d}-to-{filters.end:%Y-%m-%d}.csv"
    return _csv_response(build(filters), filename)


def _known_year(year: int) -> int:
    if not EARLIEST.year <= year <= LATEST.year:
        raise Http404
    return year


def _report_years() -> list[int]:
    """From the first event's year to this year (or the last event's)."""
    span = Event.objects.aggregate(first=Min("start"), last=Max("start"))
    now = this_year()
    tz = figures.site_time_zone()
    first = span["first"].astimezone(tz).year if span["first"] else now
    last = max(now, span["last"].astimezone(tz).year if span["last"] else now)
    return list(range(last, first - 1, -1))


@staff_with_reports
def annual_index(request):
    return redirect("reports:annual", year=this_year())


@staff_with_reports
def annual_report(request, year: int):
    """Unique library staff trained in ``year``, by member library."""
    report = annual.annual_report(_known_year(year), none_label=_("No member library"))
    context = _context(
        request,
        _("Annual report %(year)d") % {"year": year},
        year=year,
        years=_report_years(),
        report=report,
        **_with_chart(tables.annual_table(report)),
    )
    return TemplateResponse(request, "reports/annual_report.html", context)


@staff_with_reports
def annual_csv(request, year: int):
    report = annual.annual_report(_known_year(year), none_label=_("No member library"))
    return _csv_response(
        tables.annual_table(report), f"almanac-annual-report-{year}.csv"
    )
