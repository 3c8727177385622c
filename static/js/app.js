// Behaviour that would otherwise need inline script (forbidden by our Content Security Policy).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // A form refused with errors opens with its error summary focused, so that a screen reader
  // announces it and a keyboard user starts from the list of links to each field.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
