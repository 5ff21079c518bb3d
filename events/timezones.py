"""Time zone names: validation, and the labels people read on event pages."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every zone members pick from is named the same way, "<name> Time - <where>",
# as the seeds name theirs ("Eastern Time - US & Canada"); a zone with no
# name here (one typed into ?tz=) shows its IANA name ("Africa/Nairobi").
FRIENDLY_NAMES = {
    "America/New_York": _("Eastern Time - US & Canada"),
    "America/Detroit": _("Eastern Time - US & Canada"),
    "America/Chicago": _("Central Time - US & Canada"),
    "America/Denver": _("Mountain Time - US & Canada"),
    "America/Phoenix": _("Mountain Time - Arizona"),
    "America/Los_Angeles": _("Pacific Time - US & Canada"),
    "America/Anchorage": _("Alaska Time - Anchorage"),
    "Pacific/Honolulu": _("Hawaii Time - Honolulu"),
    "America/Halifax": _("Atlantic Time - Canada"),
    "America/St_Johns": _("Newfoundland Time - St. John's"),
    "America/Puerto_Rico": _("Atlantic Time - Puerto Rico"),
    "UTC": _("Universal Time - UTC"),
    "Etc/UTC": _("Universal Time - UTC"),
    "Europe/London": _("UK Time - London"),
    "Europe/Paris": _("Central European Time - Paris"),
    "Europe/Berlin": _("Central European Time - Berlin"),
    "Asia/Kolkata": _("India Time - Kolkata"),
    "Asia/Tokyo": _("Japan Time - Tokyo"),
    "Australia/Sydney": _("Eastern Australia Time - Sydney"),
}

# The "Show times in" menu: the zones members of a US consortium use, and a
# few abroad for presenters, in the order they are listed within a region.
# Any IANA name still works in ?tz=.
MENU_TIME_ZONES = (
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
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)

# The menu's headings (<optgroup>), in the order they appear.
REGIONS = {
    "americas": _("Americas"),
    "europe": _("Europe"),
    "africa": _("Africa"),
    "asia": _("Asia"),
    "pacific": _("Australia & Pacific"),
    "atlantic": _("Atlantic"),
    "indian": _("Indian Ocean"),
    "antarctica": _("Antarctica"),
    "other": _("Other"),
}
# The heading an IANA name goes under, by the first part of the name.
REGION_OF_PREFIX = {
    "America": "americas",
    "Europe": "europe",
    "Africa": "africa",
    "Asia": "asia",
    "Australia": "pacific",
    "Pacific": "pacific",
    "Atlantic": "atlantic",
    "Indian": "indian",
    "Antarctica": "antarctica",
}
# Hawaii is a US zone: listed beside Alaska, where US members look for it.
REGION_OF_ZONE = {"Pacific/Honolulu": "americas"}


@cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid_time_zone(name: str) -> bool:
    return name in available_time_zones()


def validate_time_zone(name: str) -> None:
    if not is_valid_time_zone(name):
        raise ValidationError(
            _("%(name)s is not a time zone name such as America/New_York."),
            params={"name": name},
            code="invalid_time_zone",
        )


def time_zone_label(name: str) -> str:
    """'America/New_York' -> 'Eastern Time - US & Canada', in the reader's
    language; a zone without a friendly name reads as its IANA name."""
    label = FRIENDLY_NAMES.get(name)
    return str(label) if label is not None else name.replace("_", " ")


def time_zone_region(name: str) -> str:
    """The key in ``REGIONS`` of the heading a zone is listed under."""
    if name in REGION_OF_ZONE:
        return REGION_OF_ZONE[name]
    return REGION_OF_PREFIX.get(name.split("/", 1)[0], "other")


def time_zone_menu(*, own_zone_label: str = "", also: str = "") -> list:
    """Choices for the "Show times in" menu, as Django's Select takes them:
    first the page's usual zone (``own_zone_label``, or the event's own
    zone), then the menu's zones under their region's heading. ``also``, a
    valid zone asked for in ?tz= but not in the menu, joins its region, so
    it stays selected."""
    names = list(MENU_TIME_ZONES)
    if also and also not in names and is_valid_time_zone(also):
        names.append(also)
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for name in names:
        groups[time_zone_region(name)].append((name, time_zone_label(name)))
    return [
        ("", own_zone_label or _("Event's own time zone")),
        *((REGIONS[region], zones) for region, zones in groups.items() if zones),
    ]


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Choices for a select: the friendly zones first, then every IANA zone."""
    friendly = list(FRIENDLY_NAMES.items())
    seen = {name for name, _label in friendly}
    rest = [
        (name, name.replace("_", " "))
        for name in sorted(available_time_zones())
        if name not in seen
    ]
    return friendly + rest
