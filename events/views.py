"""The public pages: home, lists, month grid, event and series pages."""

import calendar
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import page_cache, search, selectors
from .contacts import public_email
from .forms import EventFilterForm, TimeZoneForm
from .models import Event, Series
from .templatetags.event_tags import EventCard, event_cards, event_when, month_entries
from .timezones import time_zone_label

logger = logging.getLogger(__name__)

HOME_EVENTS = 10
# Beyond these a month either has no neighbour or can't be turned into a
# datetime in every zone; such URLs are simply pages that don't exist.
FIRST_YEAR, LAST_YEAR = 2, 9998


def _form_notices(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


def _chosen_zone(form) -> ZoneInfo | None:
    name = form.cleaned_data.get("tz", "")
    return ZoneInfo(name) if name else None


def _tz_param(zone: ZoneInfo | None) -> str:
    """'tz=Europe%2FLondon', appended to links so the choice follows the viewer."""
    return urlencode({"tz": zone.key}) if zone else ""


def _group_by_day(
    events, zone: ZoneInfo | None, tz_param: str = ""
) -> list[tuple[date, list[EventCard]]]:
    """[(day, cards)], each event on its day in the zone its time is shown in."""

    def day(card: EventCard) -> date:
        return card.when.start.date()

    cards = event_cards(events, zone, tz_param)
    return [(key, list(group)) for key, group in groupby(cards, key=day)]


def _page(request, queryset, notices: list[str], *, by_ids: bool = False):
    """The requested page of ``queryset``, or the nearest one with a notice.

    ``by_ids`` reads the matching ids once, in order: they give the count and
    the page. For a text search, ranked best first, that order means reading
    every match anyway; the ids come from that one pass, rather than from a
    count that reads every match and a page that reads and ranks them again.
    """
    objects = list(queryset.values_list("pk", flat=True)) if by_ids else queryset
    paginator = Paginator(objects, settings.EVENTS_PER_PAGE)
    number = request.GET.get("page", "1")
    try:
        page = paginator.page(number)
    except PageNotAnInteger:
        notices.append(
            _("“%(page)s” is not a page number; showing page 1.")
            % {"page": number[:20]}
        )
        page = paginator.page(1)
    except EmptyPage:
        last = paginator.num_pages
        notices.append(
            _("There is no page %(page)s; showing page %(last)s.")
            % {"page": number[:20], "last": last}
        )
        page = paginator.page(last)
    if by_ids:
        page.object_list = list(queryset.filter(pk__in=page.object_list))
    return page


def _changes_with(request, events) -> None:
    """A cached page of these events lasts only until one of them opens or
    closes registration, starts or ends (a card's seat line, or its place
    in the upcoming list, changes then)."""
    page_cache.valid_until(
        request, (moment for event in events for moment in event.moments)
    )


def _event_list_page(request, *, past: bool):
    form = EventFilterForm(request.GET)
    form.is_valid()
    notices = _form_notices(form)
    zone = _chosen_zone(form)
    data = form.cleaned_data

    events = selectors.listed_events()
    events = events.past() if past else events.upcoming()
    events = selectors.filter_events(
        events,
        q=data.get("q", ""),
        category=data.get("category"),
        format=data.get("format", ""),
    )
    searching = bool(data.get("q"))
    page_obj = _page(request, events, notices, by_ids=searching)
    _changes_with(request, page_obj.object_list)
    tz_param = _tz_param(zone)
    filtering = any(data.get(name) for name in ("q", "category", "format"))
    # Matches come in order of relevance, each card with its date; grouping
    # them by day would scatter the best ones.
    if searching:
        search_cards, days = event_cards(page_obj.object_list, zone, tz_param), []
    else:
        search_cards, days = [], _group_by_day(page_obj.object_list, zone, tz_param)
    return render(
        request,
        "events/event_list.html",
        {
            "past": past,
            "form": form,
            "page_obj": page_obj,
            "page_numbers": page_obj.paginator.get_elided_page_range(page_obj.number),
            "events": page_obj.object_list,
            "days": days,
            "searching": searching,
            "search_cards": search_cards,
            "best_first": search.ranks_matches(),
            "display_tz": zone,
            "tz_param": tz_param,
            "filtering": filtering,
            "category": data.get("category"),
            "notices": notices,
        },
    )


@require_safe
@page_cache.cached_page(page_cache.site_wide)
def home(request):
    events = list(selectors.listed_events(Event.objects.upcoming())[:HOME_EVENTS])
    _changes_with(request, events)
    return render(
        request,
        "events/home.html",
        {"events": events, "days": _group_by_day(events, None), "display_tz": None},
    )


@require_safe
@page_cache.cached_page(page_cache.site_wide)
def event_list(request):
    return _event_list_page(request, past=False)


@require_safe
@page_cache.cached_page(page_cache.site_wide)
def past_events(request):
    return _event_list_page(request, past=True)


@require_safe
def this_month(request):
    today = timezone.now().astimezone(ZoneInfo(settings.TIME_ZONE))
    url = f"{request.path}{today.year}/{today.month:02d}/"
    if request.GET.get("tz"):
        url += "?" + urlencode({"tz": request.GET["tz"]})
    return redirect(url)


@dataclass
class Day:
    date: date
    in_month: bool
    events: list = field(default_factory=list)


def _month_link(year: int, month: int) -> date | None:
    """The first day of a month next to this one, if that month has a page."""
    if month == 0:
        year, month = year - 1, 12
    elif month == 13:
        year, month = year + 1, 1
    return date(year, month, 1) if FIRST_YEAR <= year <= LAST_YEAR else None


@require_safe
@page_cache.cached_page(page_cache.no_seats)
def month(request, year: int, month: int):
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404(_("There is no such month."))
    form = TimeZoneForm(request.GET, own_zone_label=time_zone_label(settings.TIME_ZONE))
    form.is_valid()
    notices = _form_notices(form)
    chosen = _chosen_zone(form)
    zone = chosen or ZoneInfo(settings.TIME_ZONE)

    first = datetime(year, month, 1, tzinfo=zone)
    following = date(year + month // 12, month % 12 + 1, 1)
    after = datetime(following.year, following.month, 1, tzinfo=zone)
    tz_param = _tz_param(chosen)
    by_day = month_entries(
        selectors.events_starting_between(first, after), zone, tz_param
    )

    weeks = [
        [Day(day, day.month == month, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=calendar.SUNDAY).monthdatescalendar(
            year, month
        )
    ]
    return render(
        request,
        "events/month.html",
        {
            "month_start": first.date(),
            "weeks": weeks,
            # (short, full) names in the reader's language, Sunday first.
            "weekdays": [
                (WEEKDAYS_ABBR[(i + 6) % 7], WEEKDAYS[(i + 6) % 7]) for i in range(7)
            ],
            "month_days": sorted(by_day.items()),
            "previous_month": _month_link(year, month - 1),
            "next_month": _month_link(year, month + 1),
            "today": timezone.now().astimezone(zone).date(),
            "grid_tz": zone,
            "display_tz": zone,
            "tz_param": tz_param,
            "form": form,
            "notices": notices,
        },
    )


@require_safe
@page_cache.cached_page(page_cache.one_event)
def event_detail(request, slug: str):
    return render_event_page(request, slug)


def render_event_page(request, slug: str, *, status: int = 200):
    """The event page; the registration view re-renders it (after a POST)
    with the form as typed and its errors."""
    is_staff = request.user.is_authenticated and request.user.is_staff
    event = selectors.event_for_page(slug, include_drafts=is_staff)
    if event is None:
        raise Http404(_("There is no published event at this address."))
    form = TimeZoneForm(request.GET)
    form.is_valid()
    zone = _chosen_zone(form)
    presenters = [slot.presenter for slot in event.presenter_slots.all()]
    tz_param = _tz_param(zone)
    related_events = selectors.related_upcoming_events(event)
    page_cache.valid_until(request, event.moments)
    # Related events leave the list when they end.
    page_cache.valid_until(request, (related.end for related in related_events))
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "when": event_when(event, zone),
            "presenters": presenters,
            "outcomes": list(event.outcomes.all()),
            "categories": list(event.categories.all()),
            "related_events": related_events,
            "display_tz": zone,
            "tz_param": tz_param,
            "form": form,
            "notices": _form_notices(form),
            "csrf_token": page_cache.csrf_token(request),
        },
        status=status,
    )


@require_safe
@page_cache.cached_page(page_cache.site_wide)
def series_detail(request, slug: str):
    series = get_object_or_404(Series, slug=slug)
    events = list(selectors.listed_events(series.events.order_by("start", "pk")))
    _changes_with(request, events)
    now = timezone.now()
    return render(
        request,
        "events/series_detail.html",
        {
            "series": series,
            "events": events,
            "upcoming_events": event_cards([e for e in events if e.end > now]),
            "past_events": event_cards([e for e in reversed(events) if e.end <= now]),
            "display_tz": None,
        },
    )


@require_safe
def accessibility_statement(request):
    return render(
        request,
        "pages/accessibility.html",
        {
            "contact_email": public_email(settings.ALMANAC_ACCESSIBILITY_EMAIL),
            "contact_phone": settings.ALMANAC_ACCESSIBILITY_PHONE,
        },
    )


@require_safe
def privacy(request):
    return render(
        request,
        "pages/privacy.html",
        {
            "retention_days": getattr(settings, "PERSONAL_DATA_RETENTION_DAYS", 90),
            "certificate_retention_days": getattr(
                settings, "CERTIFICATE_RETENTION_DAYS", 1095
            ),
            "contact_email": public_email(settings.ALMANAC_ACCESSIBILITY_EMAIL),
        },
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page, rendered without the request: the database may be down."""
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:  # the error page itself must never fail
        logger.exception("The 500 template could not be rendered")
        return HttpResponseServerError(
            format_html(
                "<!doctype html><title>{}</title><h1>{}</h1><p>{}</p>",
                _("Server error"),
                _("Something went wrong"),
                _("Please try again in a few minutes."),
            )
        )
