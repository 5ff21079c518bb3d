/* Almanac: after a refused form, take the reader to what needs fixing.

   Markup: the error summary (templates/bootstrap5/errors.html), a
   <div data-error-summary tabindex="-1"> holding links such as
   <a href="#id_email">. When the page loads, the focus moves to the summary,
   which scrolls it into view and has screen readers read it; each of its
   links moves the focus into the field it names (a plain link to the
   field only scrolls to it, and the reader would have to find it again).
   Without this script the links still scroll to their fields. */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field || typeof field.focus !== "function") {
      return;
    }
    event.preventDefault();
    // The field's label is above it: bring both into view, not the input
    // alone at the very top edge.
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });

  // After the page has loaded: the browser's own move to the address's
  // #fragment (the form posts to "...#register") comes first and would
  // otherwise take the focus back to the page.
  function focusSummary() {
    summary.focus();
  }
  if (document.readyState === "complete") {
    focusSummary();
  } else {
    window.addEventListener("load", focusSummary);
  }
})();
