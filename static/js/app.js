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

  // A form with a plan-type select shows only the fields of the chosen type; the others are
  // hidden and disabled, so they are neither read out nor sent. Without script all are shown.
  document.querySelectorAll("[data-plan-type-select]").forEach((select) => {
    const groups = select.form.querySelectorAll("[data-plan-types]");
    const show = () => {
      groups.forEach((group) => {
        const on = group.dataset.planTypes.split(" ").includes(select.value);
        group.hidden = !on;
        group.querySelectorAll("input, select, textarea").forEach((input) => {
          input.disabled = !on;
        });
      });
    };
    select.addEventListener("change", show);
    show();
  });

  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
