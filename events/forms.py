"""The GET forms on public pages: the list filters and the time zone switch."""

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
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


def _html_attrs(attrs: dict) -> str:
    """' name="value"' pairs as Django's ``attrs.html`` writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class MenuSelect(forms.Select):
    """A ``Select`` that writes its options in Python.

    The stock widget renders one template per ``<option>``; a filter menu of
    120 categories made that a third of the list page's time. The context
    (choices, selection, attributes) is Django's own, and the HTML is byte
    for byte what ``select.html`` and ``select_option.html`` produce.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(_html_attrs(widget["attrs"]) + ">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"'
                    f"{_html_attrs(option['attrs'])}>"
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


class TimeZoneForm(forms.Form):
    tz = forms.CharField(
        label=_("Show times in"),
        required=False,
        max_length=64,
        widget=MenuSelect(attrs={"class": "form-select"}),
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
        widget=MenuSelect(attrs={"class": "form-select"}),
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
        widget=MenuSelect(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a format; showing events of every format."
            )
        },
    )

    field_order = ["q", "category", "format", "tz"]
