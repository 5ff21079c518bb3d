"""Read our calendar files with three independent parsers, and check shape.

Each ``*_instants`` function returns ``{uid: (start_utc, end_utc)}``. The two
Python parsers would happily look a TZID up in the system's zoneinfo, so
they are made to convert through the file's own VTIMEZONE instead; ical.js
uses the file's VTIMEZONE by itself.
"""

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import icalendar
from ical.calendar_stream import IcsCalendarStream
from ical.timezone import IcsTimezoneInfo

ROOT = Path(__file__).resolve().parents[2]
PARSE_SCRIPT = Path(__file__).with_name("parse.mjs")
ICALJS = ROOT / "node_modules" / "ical.js" / "package.json"
# The version the Makefile installs; see tests/icaljs/parse.mjs.
ICALJS_VERSION = "2.2.1"


def icalendar_instants(body: bytes) -> dict[str, tuple[datetime, datetime]]:
    cal = icalendar.Calendar.from_ical(body)
    zones = {
        str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")
    }
    found = {}
    for vevent in cal.walk("VEVENT"):
        found[str(vevent["UID"])] = tuple(
            _through_file_zone(vevent[name], zones) for name in ("DTSTART", "DTEND")
        )
    return found


def _through_file_zone(prop, zones) -> datetime:
    moment = prop.dt
    tzid = prop.params.get("TZID")
    if tzid:
        moment = moment.replace(tzinfo=None).replace(tzinfo=zones[tzid])
    return moment.astimezone(UTC)


def ical_instants(body: bytes) -> dict[str, tuple[datetime, datetime]]:
    """The strict ``ical`` package; it refuses what RFC 5545 does not allow.

    It reads a TZID it knows through zoneinfo. Where it can also resolve the
    file's VTIMEZONE, the two readings must agree. (It only sees onsets that
    come from an RRULE or RDATE, so a zone without daylight saving, a single
    STANDARD part, resolves to nothing there; its zoneinfo reading stands.)
    """
    cal = IcsCalendarStream.calendar_from_ics(body.decode())
    zones = {tz.tz_id: tz for tz in cal.timezones}
    found = {}
    for event in cal.events:
        pair = []
        for moment in (event.dtstart, event.dtend):
            zone = zones.get(getattr(moment.tzinfo, "key", None))
            local = moment.replace(tzinfo=None)
            if zone is not None and zone.get_observance(local) is not None:
                via_file = local.replace(tzinfo=IcsTimezoneInfo.from_timezone(zone))
                assert via_file.astimezone(UTC) == moment.astimezone(UTC), moment
            pair.append(moment.astimezone(UTC))
        found[event.uid] = tuple(pair)
    return found


def icaljs_missing() -> str:
    """Why ical.js cannot run here, or "" when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not ICALJS.exists():
        return (
            "ical.js is not installed: npm install --no-save --prefix . "
            f"ical.js@{ICALJS_VERSION}"
        )
    return ""


def icaljs_instants(body: bytes) -> dict[str, tuple[datetime, datetime]]:
    result = subprocess.run(  # noqa: S603 - fixed command, our own script
        ["node", str(PARSE_SCRIPT)],  # noqa: S607
        input=body,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return {
        item["uid"]: (_iso(item["start"]), _iso(item["end"]))
        for item in json.loads(result.stdout)
    }


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def structure_problems(body: bytes) -> list[str]:
    """What breaks RFC 5545's shape: line ends, line length, missing parts."""
    problems = []
    if not body.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    if re.search(rb"(?<!\r)\n", body):
        problems.append("bare LF line end")
    for line in body.split(b"\r\n"):
        if len(line) > 75:
            problems.append(f"line over 75 octets: {line[:40]!r}")
    cal = icalendar.Calendar.from_ical(body)
    defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    used = set(re.findall(rb"TZID=([^:;]+)", unfold(body)))
    for tzid in used:
        if tzid.decode() not in defined:
            problems.append(f"TZID {tzid.decode()} without VTIMEZONE")
    for vevent in cal.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
            if name not in vevent:
                problems.append(f"VEVENT without {name}")
    for name in ("VERSION", "PRODID"):
        if name not in cal:
            problems.append(f"VCALENDAR without {name}")
    return problems


def unfold(body: bytes) -> bytes:
    return body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
