// Behaviour that would otherwise need inline script (forbidden by our Content Security Policy).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // A form refused with errors opens with its error summary focused, so that a screen reader
  // announces it and a keyboard user starts from the list of links to each field.
  // A file picker shows the chosen file's name in place of "No file chosen".
  document.querySelectorAll("[data-file-picker]").forEach((input) => {
    const name = input.parentElement.querySelector("[data-file-name]");
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      name.textContent = file ? file.name : name.dataset.empty;
    });
  });

  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
