// Parse an iCalendar stream from stdin with Mozilla's ical.js (the parser
// inside Thunderbird), strictly, and print each VEVENT's UID and its start
// and end in UTC as JSON. Exits non-zero on any parse error or when a TZID
// has no VTIMEZONE in the file (ical.js would then quietly use floating
// time, which is exactly the bug this check exists to catch).
//
// Usage: node tests/icaljs/parse.mjs < feed.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

ICAL.design.strict = true;

const text = readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
if (root.name !== "vcalendar") {
  throw new Error(`expected a VCALENDAR, got ${root.name}`);
}

const utc = (prop) => {
  const tzid = prop.getParameter("tzid");
  if (tzid && !root.getTimeZoneByID(tzid)) {
    throw new Error(`TZID ${tzid} has no VTIMEZONE`);
  }
  const time = prop.getFirstValue();
  return time.toJSDate().toISOString();
};

const events = root.getAllSubcomponents("vevent").map((vevent) => ({
  uid: vevent.getFirstPropertyValue("uid"),
  summary: vevent.getFirstPropertyValue("summary"),
  start: utc(vevent.getFirstProperty("dtstart")),
  end: utc(vevent.getFirstProperty("dtend")),
}));
process.stdout.write(JSON.stringify(events));
