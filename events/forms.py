"""The GET forms on public pages: the list filters and the time zone switch."""

from html import escape

from django import forms
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


def _text(value) -> str:
    """``conditional_escape`` without the wrapper Django puts around it for
    lazy strings, which costs more than the escaping: twice per option."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def _html_attrs(attrs: dict) -> str:
    """' name="value"' pairs as Django's ``attrs.html`` writes them."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class SearchBox(forms.SearchInput):
    """A ``SearchInput`` written in Python, as ``input.html`` and
    ``attrs.html`` write it: the stock one renders three templates."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        value = "" if value is None else f' value="{_text(value)}"'
        return mark_safe(  # noqa: S308 - every value escaped
            f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
            f"{value}{_html_attrs(widget['attrs'])}>"
        )


class MenuSelect(forms.Select):
    """A ``Select`` that writes its options in Python.

    The stock widget renders one template per ``<option>``; a filter menu of
    120 categories made that a third of the list page's time. The HTML is
    byte for byte what ``select.html`` and ``select_option.html`` produce,
    options marked selected as ``ChoiceWidget.optgroups`` marks them (once).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # Widget's context (name, value, attributes) without ChoiceWidget's
        # per-option dictionaries, which the loop below replaces.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        values = set(widget["value"])
        parts = [f'<select name="{_text(widget["name"])}"']
        parts.append(_html_attrs(widget["attrs"]) + ">")
        has_selected = False
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                group, options = option_value, option_label
            else:
                group = None
                options = [("" if option_value is None else option_value, option_label)]
            if group:
                parts.append(f'\n  <optgroup label="{_text(group)}">')
            for option, label in options:
                selected = not has_selected and str(option) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{_text(option)}"'
                    f"{' selected' if selected else ''}>{_text(label)}</option>\n"
                )
            if group:
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
        widget=SearchBox(attrs={"class": "form-control"}),
        help_text=_("Words in the title, description or a presenter's name."),
    )
    # A menu of slugs rather than a ModelChoiceField: that one read the
    # categories through a server-side cursor and built a model for each.
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query gives both the menu and the check of ?category=.
        self._categories = {
            slug: (pk, name)
            for pk, slug, name in Category.objects.order_by("name").values_list(
                "pk", "slug", "name"
            )
        }
        self.fields["category"].choices = [
            ("", _("All categories")),
            *((slug, name) for slug, (_pk, name) in self._categories.items()),
        ]

    def clean_category(self) -> Category | None:
        """The chosen category (as ``only("slug", "name")`` would load it), or
        None for all of them."""
        slug = self.cleaned_data["category"]
        if not slug:
            return None
        pk, name = self._categories[slug]
        loaded = {"id": pk, "slug": slug, "name": name}
        fields = [
            f.attname for f in Category._meta.concrete_fields if f.attname in loaded
        ]
        return Category.from_db(
            Category.objects.db, fields, [loaded[field] for field in fields]
        )
