"""The reports page's filters, read from the query string."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Category, Event
from members.models import MemberLibrary

from .figures import ReportFilters, site_time_zone

# Long enough for a decade of annual reports side by side; a range of
# centuries (a typo in the year) would only draw thousands of empty months.
MAX_RANGE_YEARS = 10
# Dates a report can be about: a typo such as year 9999 is a message, not
# an overflow when the day after is worked out.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
DATE_VALIDATORS = [
    MinValueValidator(EARLIEST, _("Enter a date from 1900 on.")),
    MaxValueValidator(LATEST, _("Enter a date before the year 3000.")),
]


def longer_than_years(start: date, end: date, years: int) -> bool:
    """Whether start to end (both included) covers more than ``years``
    years: 2021-01-01 to 2030-12-31 is ten, to 2031-01-01 more."""
    span = end.year - start.year
    return span > years or (
        span == years and (end.month, end.day) >= (start.month, start.day)
    )


def this_year() -> int:
    return timezone.now().astimezone(site_time_zone()).year


class ReportFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Events starting on or after this day."),
        validators=DATE_VALIDATORS,
    )
    end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Events starting on or before this day."),
        validators=DATE_VALIDATORS,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("name"),
        required=False,
        empty_label=_("All categories"),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("All formats")), *Event.Format.choices],
        required=False,
    )
    library = forms.ModelChoiceField(
        label=_("Member library"),
        queryset=MemberLibrary.objects.order_by("name"),
        required=False,
        empty_label=_("All registrants"),
        help_text=_("Counts only the registrations of this library's staff."),
    )

    @classmethod
    def from_query(cls, query) -> "ReportFilterForm":
        """Bound to the query string, this calendar year standing in for a
        date it doesn't give (the page's first visit); a date given but
        empty is an error on its field."""
        data = query.copy()
        year = this_year()
        data.setdefault("start", date(year, 1, 1).isoformat())
        data.setdefault("end", date(year, 12, 31).isoformat())
        return cls(data)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error(
                    "end", _("The end of the range must not be before its start.")
                )
            elif longer_than_years(start, end, MAX_RANGE_YEARS):
                self.add_error(
                    "end",
                    _("Choose a range of at most %(years)d years.")
                    % {"years": MAX_RANGE_YEARS},
                )
        return cleaned

    def filters(self) -> ReportFilters:
        """The filters of a valid form."""
        data = self.cleaned_data
        return ReportFilters(
            start=data["start"],
            end=data["end"],
            category_id=data["category"].pk if data["category"] else None,
            format=data["format"],
            library_id=data["library"].pk if data["library"] else None,
        )
