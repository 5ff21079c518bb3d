"""The GET forms on public pages: the list filters and the time zone switch."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Event
from .timezones import is_valid_time_zone, time_zone_label

# Offered in the time zone menu: the zones members of a US consortium use,
# and a few abroad for presenters. Any IANA name still works in ?tz=.
COMMON_TIME_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/St_Johns",
    "America/Puerto_Rico",
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)


class TimeZoneForm(forms.Form):
    tz = forms.CharField(
        label=_("Show times in"),
        required=False,
        max_length=64,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, own_zone_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # A valid zone typed into the URL stays selectable in the menu.
        names = list(COMMON_TIME_ZONES)
        requested = str(self.data.get("tz", "")).strip()
        if is_valid_time_zone(requested) and requested not in names:
            names.append(requested)
        self.fields["tz"].widget.choices = [
            ("", own_zone_label or _("Each event's own time zone")),
            *((name, time_zone_label(name)) for name in names),
        ]

    def clean_tz(self) -> str:
        name = self.cleaned_data["tz"].strip()
        if name and not is_valid_time_zone(name):
            raise forms.ValidationError(
                _(
                    "“%(name)s” is not a time zone we know, so times are shown "
                    "in the usual zone."
                ),
                params={"name": name},
            )
        return name


class EventFilterForm(TimeZoneForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"class": "form-control"}),
        help_text=_("Words in the title, description or a presenter's name."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": _(
                "There is no category “%(value)s”; showing events in all categories."
            )
        },
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Any format")), *Event.Format.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a format; showing events of every format."
            )
        },
    )

    field_order = ["q", "category", "format", "tz"]
