"""The GET forms on public pages: the list filters and the time zone switch."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Event
from .timezones import is_valid_time_zone, time_zone_menu


class TimeZoneForm(forms.Form):
    tz = forms.CharField(
        label=_("Show times in"),
        required=False,
        max_length=64,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, own_zone_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # max_length bounds what ?tz= may hold; as an attribute it is not
        # valid HTML on a <select>, where CharField would put it.
        self.fields["tz"].widget.attrs.pop("maxlength", None)
        # A valid zone typed into the URL stays selectable in the menu.
        self.fields["tz"].widget.choices = time_zone_menu(
            own_zone_label=own_zone_label, also=str(self.data.get("tz", "")).strip()
        )

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
        help_text=_(
            "Words in any order, found in the title, description, presenters, "
            "categories or organizer."
        ),
    )
    # A menu of slugs rather than a ModelChoiceField: that one read the
    # categories through a server-side cursor and built a model for each.
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
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
