"""Time zone names: validation, and the labels people read on event pages."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The names LibCal and Outlook use, which members recognise; anything else
# shows its IANA name ("Europe/Paris" reads as "Europe/Paris").
FRIENDLY_NAMES = {
    "America/New_York": "Eastern Time - US & Canada",
    "America/Detroit": "Eastern Time - US & Canada",
    "America/Chicago": "Central Time - US & Canada",
    "America/Denver": "Mountain Time - US & Canada",
    "America/Phoenix": "Arizona",
    "America/Los_Angeles": "Pacific Time - US & Canada",
    "America/Anchorage": "Alaska",
    "Pacific/Honolulu": "Hawaii",
    "America/Halifax": "Atlantic Time - Canada",
    "America/St_Johns": "Newfoundland",
    "America/Puerto_Rico": "Atlantic Time - Puerto Rico",
    "UTC": "Coordinated Universal Time (UTC)",
    "Etc/UTC": "Coordinated Universal Time (UTC)",
    "Europe/London": "London",
}


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
    """'America/New_York' -> 'Eastern Time - US & Canada'."""
    return FRIENDLY_NAMES.get(name, name.replace("_", " "))


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
