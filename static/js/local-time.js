/* Almanac: show an event's time in the reader's own time zone, beside the
   time in the zone the page shows, when the two differ.

   Markup: <time datetime="2025-10-21T14:00:00-04:00" data-local-time
   data-end="..." data-zone="America/New_York">, followed (as a later
   sibling) by an empty <span data-local-time-output hidden>. Without this
   script, or without Intl, nothing changes on the page. */
(function () {
  "use strict";

  var readerZone;
  try {
    readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!readerZone || !document.querySelectorAll) {
    return;
  }

  function clock(moment, zone) {
    // "7:00 PM" -> "7:00pm", the way the rest of the page writes times.
    var text = new Intl.DateTimeFormat("en-US", {
      hour: "numeric",
      minute: "2-digit",
      hour12: true,
      timeZone: zone
    }).format(moment);
    return text.replace(/\s/g, "").toLowerCase();
  }

  function day(moment, zone) {
    return new Intl.DateTimeFormat("en-US", {
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
      var parts = new Intl.DateTimeFormat("en-US", {
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
    return place === "UTC" ? "UTC" : place + " time";
  }

  function outputFor(element) {
    var sibling = element.nextElementSibling;
    while (sibling && !sibling.hasAttribute("data-local-time-output")) {
      sibling = sibling.nextElementSibling;
    }
    return sibling;
  }

  var readerName = zoneName(readerZone);
  var times = document.querySelectorAll("time[data-local-time]");
  Array.prototype.forEach.call(times, function (element) {
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
    var text;
    try {
      text = clock(start, readerZone);
      if (end && !isNaN(end.getTime())) {
        text += " - " + clock(end, readerZone);
      }
      var sameText = text === clock(start, shownZone) +
        (end ? " - " + clock(end, shownZone) : "");
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
    output.textContent = "(" + text + " your time, " + readerName + ")";
    output.hidden = false;
  });
})();
