"""The "Show times in" menu: the event's own zone first, then zones by
region, each named the same way."""

import re

import pytest
from django.urls import reverse

from events.timezones import MENU_TIME_ZONES, time_zone_label
from tests.builders import eastern, make_event
from tests.dom import attribute, find, find_all, parse, text

pytestmark = pytest.mark.django_db

# "<name> Time - <where>", as the seeds write "Eastern Time - US & Canada".
CONSISTENT_LABEL = re.compile(r"^[A-Z][A-Za-z ]* Time - [A-Z][A-Za-z&.' ]+$")


def zone_menu(response):
    return find(parse(response), "select", name="tz")


def groups_of(select) -> dict[str, list[tuple[str, str]]]:
    """Each <optgroup>'s label and its options' (value, text), in order."""
    return {
        attribute(group, "label"): [
            (attribute(option, "value"), text(option))
            for option in find_all(group, "option")
        ]
        for group in find_all(select, "optgroup")
    }


def test_the_menu_starts_with_the_events_own_zone_then_regions(client):
    """On an event page the first choice reads "Event's own time zone" and
    the zones follow under region headings, the event's own region first."""
    event = make_event(start=eastern(2031, 10, 21))
    select = zone_menu(client.get(event.get_absolute_url()))
    first = find_all(select, "option")[0]
    assert (attribute(first, "value"), text(first)) == ("", "Event's own time zone")
    assert attribute(first, "selected") == ""
    groups = groups_of(select)
    regions = ["Americas", "Europe", "Asia", "Australia & Pacific", "Other"]
    assert list(groups) == regions
    assert groups["Americas"][0] == ("America/New_York", "Eastern Time - US & Canada")
    assert ("Europe/Berlin", "Central European Time - Berlin") in groups["Europe"]
    assert [value for value, _label in groups["Other"]] == ["UTC"]
    assert sorted(value for zones in groups.values() for value, _ in zones) == sorted(
        MENU_TIME_ZONES
    )


def test_the_event_list_says_events_own_time_zone_too(client):
    """The list's menu starts the same way, and groups its zones too."""
    select = zone_menu(client.get(reverse("events:list")))
    assert text(find_all(select, "option")[0]) == "Event's own time zone"
    assert "Europe" in groups_of(select)


def test_every_zone_in_the_menu_is_named_the_same_way():
    """No IANA names ("Europe/Paris") or bare places ("London") beside
    "Eastern Time - US & Canada": each menu zone is "<name> Time - <where>"."""
    for name in MENU_TIME_ZONES:
        label = time_zone_label(name)
        assert CONSISTENT_LABEL.match(label), (name, label)
    assert time_zone_label("Europe/London") == "UK Time - London"


def test_a_chosen_zone_is_selected_inside_its_region(client):
    """?tz=Europe/Berlin selects Berlin in the Europe group; a zone outside
    the menu joins the group of its region, selected."""
    event = make_event()
    select = zone_menu(client.get(event.get_absolute_url(), {"tz": "Europe/Berlin"}))
    europe = find(select, "optgroup", label="Europe")
    assert attribute(find(europe, "option", value="Europe/Berlin"), "selected") == ""
    assert find_all(select, "option", selected=True) == [
        find(europe, "option", value="Europe/Berlin")
    ]

    select = zone_menu(client.get(event.get_absolute_url(), {"tz": "Africa/Nairobi"}))
    africa = find(select, "optgroup", label="Africa")
    assert attribute(find(africa, "option", value="Africa/Nairobi"), "selected") == ""


def test_the_month_grid_keeps_its_own_zone_first(client):
    """The month grid is drawn in the site's zone: its first choice names it,
    and the zones are grouped there too."""
    response = client.get(reverse("events:month", args=[2031, 10]))
    select = zone_menu(response)
    assert text(find_all(select, "option")[0]) == "Eastern Time - US & Canada"
    assert "Americas" in groups_of(select)
