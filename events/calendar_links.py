"""Add-to-calendar and subscribe links, built from the event's own times.

Google and Outlook take the instant in UTC (``Z``), which no reader can
misplace; Google also gets ``ctz`` so it shows the event in its own zone.
"""

from datetime import UTC, datetime
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse

from .ical import event_details, event_location, event_summary
from .models import Event

GOOGLE_RENDER = "https://calendar.google.com/calendar/render"
GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r"
OUTLOOK_WORK = "https://outlook.office.com/calendar/deeplink/compose"
OUTLOOK_PERSONAL = "https://outlook.live.com/calendar/deeplink/compose"
# Long query strings get cut by some browsers and by Outlook; the full text
# is one click away on the event page.
MAX_DETAILS = 1000


def _query(params: dict[str, str]) -> str:
    # %20 rather than "+", which not every calendar reads as a space.
    return urlencode(params, quote_via=lambda value, *_: quote(value, safe=""))


def feed_url(*, category: str = "") -> str:
    url = settings.SITE_URL + reverse("events:feed_ics")
    return f"{url}?{_query({'category': category})}" if category else url


def webcal_url(url: str) -> str:
    """The same feed with the scheme calendar apps open as a subscription."""
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))


def google_subscribe_url(url: str) -> str:
    return f"{GOOGLE_SUBSCRIBE}?{_query({'cid': webcal_url(url)})}"


def _details(event: Event, join_url: str) -> str:
    text = event_details(event, join_url=join_url)
    if len(text) <= MAX_DETAILS:
        return text
    # Keep the join link and the page link, shorten the prose between them.
    page = event_details(event, join_url="").rsplit("\n\n", 1)[-1]
    head = text[: MAX_DETAILS - len(page) - 5].rstrip()
    return f"{head}…\n\n{page}"


def _utc(moment: datetime, fmt: str) -> str:
    return moment.astimezone(UTC).strftime(fmt)


def google_calendar_url(event: Event, *, join_url: str = "") -> str:
    dates = "{}/{}".format(
        _utc(event.start, "%Y%m%dT%H%M%SZ"), _utc(event.end, "%Y%m%dT%H%M%SZ")
    )
    query = {
        "action": "TEMPLATE",
        "text": event_summary(event),
        "dates": dates,
        "ctz": event.time_zone,
        "details": _details(event, join_url),
        "location": event_location(event),
    }
    return f"{GOOGLE_RENDER}?{_query(query)}"


def outlook_calendar_url(
    event: Event, *, personal: bool = False, join_url: str = ""
) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "startdt": _utc(event.start, "%Y-%m-%dT%H:%M:%SZ"),
        "enddt": _utc(event.end, "%Y-%m-%dT%H:%M:%SZ"),
        "subject": event_summary(event),
        "body": _details(event, join_url),
        "location": event_location(event),
    }
    base = OUTLOOK_PERSONAL if personal else OUTLOOK_WORK
    return f"{base}?{_query(query)}"


def calendar_links(event: Event, *, private_ics_url: str = "") -> dict[str, str]:
    """Every link the add-to-calendar block shows.

    ``private_ics_url`` is the registrant's own file; given it, the Google
    and Outlook links carry the join URL too, so pass it only where the join
    URL may be shown (a confirmed registrant's page).
    """
    join_url = event.join_url if private_ics_url else ""
    feed = feed_url()
    return {
        "webcal": webcal_url(feed),
        "google_subscribe": google_subscribe_url(feed),
        "ics": private_ics_url
        or reverse("events:event_ics", kwargs={"slug": event.slug}),
        "google": google_calendar_url(event, join_url=join_url),
        "outlook_work": outlook_calendar_url(event, join_url=join_url),
        "outlook_personal": outlook_calendar_url(
            event, personal=True, join_url=join_url
        ),
    }
