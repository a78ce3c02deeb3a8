/* procgen form pages: small enhancements on top of plain HTML forms (everything works without
   this file). Loaded as a file, not inline, so the Content-Security-Policy can forbid inline
   scripts. */
(function () {
  "use strict";
  document.documentElement.classList.add("pg-js");

  /* After a failed submit the error summary is the first thing in <main>; move focus to it so
     screen readers announce it (the autofocus attribute does the same where it is supported). */
  function focusSummary() {
    var summary = document.querySelector("[data-pg-error-summary]");
    if (summary && document.activeElement !== summary && !summary.contains(document.activeElement)) {
      summary.focus();
    }
  }

  /* A link in the error summary moves focus to its field (not just scrolls), and shows the
     field's label or legend above it. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".pg-error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    var choice = target.type === "radio" || target.type === "checkbox";
    var fieldset = choice ? target.closest("fieldset") : null;
    var label = document.querySelector("label[for='" + CSS.escape(target.id) + "']");
    var anchor = (fieldset && fieldset.querySelector("legend")) || label || target;
    anchor.scrollIntoView();
    target.focus({ preventScroll: true });
  });

  /* Files travel with the page's own post, never with htmx's field requests. */
  document.addEventListener("htmx:configRequest", function (event) {
    var data = event.detail.formData;
    if (!data || !data.keys) {
      return;
    }
    Array.from(data.keys()).forEach(function (name) {
      if (name.indexOf("upload:") === 0) {
        data.delete(name);
      }
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
