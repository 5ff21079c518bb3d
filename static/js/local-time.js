/* Almanac: show an event's time in the reader's own time zone, beside the
   time in the zone the page shows, when the two differ.

   Markup: <time datetime="2025-10-21T14:00:00-04:00" data-local-time
   data-end="..." data-zone="America/New_York">, followed (as a later
   sibling) by an empty <span data-local-time-output hidden>. Without this
   script, or without Intl, nothing changes on the page.

   The words come from the page, in its language: the script element
   carries the server's own clock and time span patterns and the sentence
   it writes (events.templatetags.event_tags.local_time_script), so the
   reader's time reads like the page's; day and zone names are the
   browser's, in the page's language (<html lang>). */
(function () {
  "use strict";

  var script = document.currentScript;
  var readerZone;
  try {
    readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!readerZone || !document.querySelectorAll) {
    return;
  }

  // The English words, for a page that does not give its own.
  var ENGLISH = {
    "before-noon": "%(hour12)s:%(minute)sam",
    "from-noon": "%(hour12)s:%(minute)spm",
    "time-span": "%(start)s - %(end)s",
    "your-time": "(%(time)s your time, %(zone)s)",
    "place-time": "%(place)s time"
  };

  function pattern(name) {
    var given = script && script.getAttribute("data-" + name);
    return given || ENGLISH[name];
  }

  // "%(time)s" and the like, as Python's % operator fills them.
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  var language = document.documentElement.lang || "en";
  try {
    if (!Intl.DateTimeFormat.supportedLocalesOf([language]).length) {
      language = "en";
    }
  } catch (error) {
    language = "en"; // not a language tag at all
  }

  function twoDigits(number) {
    return (number < 10 ? "0" : "") + number;
  }

  // The clock as the server writes it (event_tags.clock): the hour and
  // minute in the zone, put into the page's pattern.
  function clock(moment, zone) {
    var parts = new Intl.DateTimeFormat("en-US", {
      hour: "numeric",
      minute: "numeric",
      hourCycle: "h23",
      timeZone: zone
    }).formatToParts(moment);
    var hour = 0;
    var minute = 0;
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].type === "hour") {
        hour = parseInt(parts[i].value, 10) % 24;
      } else if (parts[i].type === "minute") {
        minute = parseInt(parts[i].value, 10);
      }
    }
    return fill(pattern(hour < 12 ? "before-noon" : "from-noon"), {
      hour12: String(hour % 12 || 12),
      hour24: twoDigits(hour),
      minute: twoDigits(minute)
    });
  }

  function day(moment, zone) {
    return new Intl.DateTimeFormat(language, {
      weekday: "long",
      month: "long",
      day: "numeric",
      timeZone: zone
    }).format(moment);
  }

  // The reader's zone as people say it: "Central European Time", "Pacific
  // Time", not "Europe/Berlin". Browsers without the generic names fall
  // back to the place ("Berlin time"), as do zones known only by an offset.
  function zoneName(zone) {
    var name = "";
    try {
      var parts = new Intl.DateTimeFormat(language, {
        timeZone: zone,
        timeZoneName: "longGeneric"
      }).formatToParts(new Date());
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].type === "timeZoneName") {
          name = parts[i].value;
        }
      }
    } catch (error) {
      name = "";
    }
    if (name && !/^(GMT|UTC)[+\u2212-]/.test(name)) {
      return name;
    }
    var place = zone.split("/").pop().replace(/_/g, " ");
    return place === "UTC" ? "UTC" : fill(pattern("place-time"), { place: place });
  }

  function times(start, end, zone) {
    var text = clock(start, zone);
    if (end) {
      text = fill(pattern("time-span"), { start: text, end: clock(end, zone) });
    }
    return text;
  }

  function outputFor(element) {
    var sibling = element.nextElementSibling;
    while (sibling && !sibling.hasAttribute("data-local-time-output")) {
      sibling = sibling.nextElementSibling;
    }
    return sibling;
  }

  var readerName = zoneName(readerZone);
  var elements = document.querySelectorAll("time[data-local-time]");
  Array.prototype.forEach.call(elements, function (element) {
    var shownZone = element.getAttribute("data-zone");
    var output = outputFor(element);
    if (!output || !shownZone || shownZone === readerZone) {
      return;
    }
    var start = new Date(element.getAttribute("datetime"));
    if (isNaN(start.getTime())) {
      return;
    }
    var endText = element.getAttribute("data-end");
    var end = endText ? new Date(endText) : null;
    if (end && isNaN(end.getTime())) {
      end = null;
    }
    var text;
    try {
      text = times(start, end, readerZone);
      var sameText = text === times(start, end, shownZone);
      var sameDay = day(start, readerZone) === day(start, shownZone);
      if (sameText && sameDay) {
        return; // another name for the same clock: nothing new to say
      }
      if (!sameDay) {
        text = day(start, readerZone) + ", " + text;
      }
    } catch (error) {
      return; // a zone this browser doesn't know
    }
    output.textContent = fill(pattern("your-time"), { time: text, zone: readerName });
    output.hidden = false;
  });
})();
