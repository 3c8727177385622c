// Behaviour that would otherwise need inline script (forbidden by our Content Security Policy).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Selects marked data-autosubmit submit their form on change; the fallback button stays for
  // people without JavaScript and is hidden once we know the select will submit by itself.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
    const fallback = select.form.querySelector("[data-autosubmit-fallback]");
    if (fallback) fallback.classList.add("visually-hidden");
  });
});
