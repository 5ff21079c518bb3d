"""Staff admin for the event catalog (PRODUCT.md §6).

The event form follows the event page: what it is, when and where, presenters
and outcomes, registration settings, publication. Times are entered and shown
on the wall clock of the event's own time zone, not the server's.

Only the catalog: ``registrations.admin`` registers a subclass of
``EventAdmin`` in its place that adds the seats, the roster and what a change
of seats or status means for registrants.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db import models
from django.db.models import Case, Count, F, IntegerField, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Category,
    Event,
    EventPresenter,
    LearningOutcome,
    Organizer,
    Presenter,
    Series,
)
from .services import duplicate_event
from .timezones import is_valid_time_zone, time_zone_choices

# Entered as wall-clock times in the event's zone.
LOCAL_DATETIME_FIELDS = (
    "start",
    "end",
    "registration_opens",
    "registration_closes",
    "open_to_everyone_at",
)


def format_local(moment: datetime) -> str:
    """'Tue Oct 21, 2031, 2:00pm', the way the event pages write times."""
    hour = moment.hour % 12 or 12
    meridiem = "am" if moment.hour < 12 else "pm"
    return f"{moment:%a %b} {moment.day}, {moment.year}, {hour}:{moment:%M}{meridiem}"


def zone_or_default(name: str | None) -> ZoneInfo:
    if name and is_valid_time_zone(name):
        return ZoneInfo(name)
    return ZoneInfo(settings.TIME_ZONE)


class EventAdminForm(forms.ModelForm):
    """Reads and shows start, end and the registration window in the event's zone.

    Django interprets a naive datetime from a form in the *active* time zone
    (settings.TIME_ZONE), so 12:00 for a Los Angeles event would be stored as
    noon Eastern. Here the form activates the zone chosen on the form itself
    while it cleans, and shows stored times converted to that zone.
    """

    class Meta:
        model = Event
        # The admin passes the fields of its fieldsets; this is the fallback.
        fields = "__all__"  # noqa: DJ007
        widgets = {"time_zone": forms.Select(choices=time_zone_choices)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = zone_or_default(self.instance.time_zone)
        for name in LOCAL_DATETIME_FIELDS:
            if name not in self.fields:
                continue
            note = _("On the clock of the event's time zone.")
            self.fields[
                name
            ].help_text = f"{self.fields[name].help_text} {note}".strip()
            value = self.initial.get(name)
            # Naive on purpose: the widget shows a naive value unchanged.
            if isinstance(value, datetime) and timezone.is_aware(value):
                self.initial[name] = timezone.localtime(value, zone).replace(
                    tzinfo=None
                )

    def entry_time_zone(self) -> str:
        """The zone the submitted wall-clock times are meant in."""
        submitted = self.data.get(self.add_prefix("time_zone")) if self.is_bound else ""
        if submitted and is_valid_time_zone(submitted):
            return submitted
        return zone_or_default(self.instance.time_zone).key

    def full_clean(self):
        with timezone.override(self.entry_time_zone()):
            super().full_clean()

    def clean(self):
        # Said on the End field, in words; otherwise the database's check
        # (event_ends_after_start) would stop it with "Constraint … is
        # violated" above the form. The error also spares the model's own
        # check of that constraint, which skips fields already in error.
        cleaned_data = super().clean()
        start, end = cleaned_data.get("start"), cleaned_data.get("end")
        if start and end and end <= start:
            self.add_error(
                "end",
                forms.ValidationError(
                    _("The event must end after it starts."), code="end_before_start"
                ),
            )
        members_first = (
            cleaned_data.get("who_may_register") == Event.WhoMayRegister.MEMBERS_FIRST
        )
        if members_first and not cleaned_data.get("open_to_everyone_at"):
            self.add_error(
                "open_to_everyone_at",
                forms.ValidationError(
                    _("Say when the event opens to everyone."),
                    code="members_first_without_date",
                ),
            )
        return cleaned_data


class UpcomingOrPastFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        # Plain filters: the QuerySet helpers also reorder, which would undo
        # the ordering chosen in the changelist.
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(end__gt=now)
        if self.value() == "past":
            return queryset.filter(end__lte=now)
        return queryset


class UpcomingFirstChangeList(ChangeList):
    """The event list: upcoming events first, the soonest at the top (what
    staff work on), then the past ones, the latest first. A column header
    clicked sorts by that column instead. Ordered by the keys
    ``EventAdmin.get_queryset`` annotates."""

    def get_ordering(self, request, queryset):
        if self.params.get(ORDER_VAR):
            return super().get_ordering(request, queryset)
        return [
            "over_rank",
            F("upcoming_start").asc(nulls_last=True),
            "-start",
            "-pk",
        ]

    def get_ordering_field_columns(self):
        # No column's arrow: none of them is the order shown.
        if ORDER_VAR not in self.params:
            return {}
        return super().get_ordering_field_columns()


class EventPresenterInline(admin.TabularInline):
    model = EventPresenter
    fields = ["presenter", "order"]
    autocomplete_fields = ["presenter"]
    ordering = ["order", "pk"]
    extra = 1


class LearningOutcomeInline(admin.TabularInline):
    model = LearningOutcome
    fields = ["text", "order"]
    ordering = ["order", "pk"]
    extra = 1
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})}
    }


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    # The change form template places these inlines after "When and where".
    inlines = [EventPresenterInline, LearningOutcomeInline]
    fieldsets = [
        (
            _("What it is"),
            {
                "fields": [
                    "title",
                    "slug",
                    "description",
                    "outcomes_intro",
                    "who_should_attend",
                    "categories",
                    "series",
                    "organizer",
                ]
            },
        ),
        (
            _("When and where"),
            {
                "fields": [
                    ("start", "end"),
                    "time_zone",
                    "format",
                    "location",
                    "join_url",
                    "recording_url",
                    ("accessibility_email", "accessibility_phone"),
                ]
            },
        ),
        (
            _("Registration settings"),
            {
                "fields": [
                    "registration_required",
                    "registration_note",
                    "capacity",
                    ("waitlist_enabled", "waitlist_limit"),
                    ("registration_opens", "registration_closes"),
                    ("who_may_register", "open_to_everyone_at"),
                    "non_member_note",
                    "external_registration_url",
                ]
            },
        ),
        (
            _("Attendance and CE credit"),
            {
                "description": _(
                    "Leave CE hours and certificates empty to use the "
                    "event's category's."
                ),
                "fields": [
                    ("ce_hours", "certificate_policy"),
                    ("attendance_code", "attendance_code_hours"),
                    "attendance_minimum_share",
                    "attendance_final_at",
                ],
            },
        ),
        (_("Publication"), {"fields": ["status", "is_published"]}),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["uid", "sequence", "created_at", "updated_at"],
            },
        ),
    ]
    readonly_fields = [
        "uid",
        "sequence",
        "created_at",
        "updated_at",
        "attendance_final_at",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories", "series", "organizer"]
    list_display = ["title", "local_start", "format", "status", "is_published"]
    list_filter = [
        UpcomingOrPastFilter,
        "status",
        "categories",
        "format",
        "is_published",
    ]
    search_fields = ["title", "description", "presenter_slots__presenter__name"]
    date_hierarchy = "start"
    # Elsewhere (the roster's filter by event, say); the list itself puts
    # upcoming events first, see UpcomingFirstChangeList.
    ordering = ["-start", "-pk"]
    actions = ["duplicate_events"]

    def get_queryset(self, request):
        # The sort keys of UpcomingFirstChangeList, as columns: a filter on
        # categories makes the list SELECT DISTINCT, and PostgreSQL orders
        # such a query only by what it selects.
        upcoming = Q(end__gt=timezone.now())
        return (
            super()
            .get_queryset(request)
            .annotate(
                over_rank=Case(
                    When(upcoming, then=0), default=1, output_field=IntegerField()
                ),
                # Past events have none and fall through to the next key.
                upcoming_start=Case(When(upcoming, then=F("start"))),
            )
        )

    def get_changelist(self, request, **kwargs):
        return UpcomingFirstChangeList

    def get_search_results(self, request, queryset, search_term):
        # Searching presenters joins a multi-valued relation, which would
        # multiply the rows and any count annotated on them (a subclass adds
        # the seats); match the ids on their own instead.
        if not search_term:
            return queryset, False
        matches, _duplicates = super().get_search_results(
            request, Event.objects.all(), search_term
        )
        return queryset.filter(pk__in=matches.values("pk")), False

    @admin.display(description=_("starts"), ordering="start")
    def local_start(self, event):
        return f"{format_local(event.local_start)} · {event.time_zone_label}"

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        # The admin's "Now" shortcut and its "you are N hours behind" note
        # work from the active zone's UTC offset: make it the event's zone.
        with timezone.override(context["adminform"].form.entry_time_zone()):
            return response.render()

    def duplicate(self, *, event_id: int) -> Event:
        """One event's copy, for the duplicate action. An app that adds to
        events (registration questions) overrides it to copy its part too."""
        return duplicate_event(event_id=event_id)

    @admin.action(
        description=_("Duplicate selected events (as drafts)"),
        permissions=["add"],
    )
    def duplicate_events(self, request, queryset):
        copies = [self.duplicate(event_id=event.pk) for event in queryset]
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:events_event_change", args=[copy.pk]), copy.slug)
                for copy in copies
            ),
        )
        summary = ngettext(
            "Created %(count)d unpublished copy:",
            "Created %(count)d unpublished copies:",
            len(copies),
        ) % {"count": len(copies)}
        self.message_user(
            request, format_html("{} {}", summary, links), messages.SUCCESS
        )


@admin.register(Presenter)
class PresenterAdmin(admin.ModelAdmin):
    list_display = ["name", "pronouns", "role", "affiliation"]
    search_fields = ["name", "affiliation", "role"]


class EventCountMixin:
    """An "events" column counted in the changelist's one query."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("events"))

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count


@admin.register(Category)
class CategoryAdmin(EventCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "ce_hours", "certificate_policy", "event_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Organizer)
class OrganizerAdmin(EventCountMixin, admin.ModelAdmin):
    list_display = ["name", "email", "phone", "certificate_signature", "event_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "email"]


@admin.register(Series)
class SeriesAdmin(EventCountMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "event_count"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "description"]
