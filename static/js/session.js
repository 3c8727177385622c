// Warn before a signed-in session ends and let the person stay signed in with one button
// (WCAG 2.2.1). The server renews the session on every request; this script only counts down
// from the last page load or htmx request, and renews it on request.
"use strict";

(() => {
  const WARN_BEFORE_SECONDS = 120;

  document.addEventListener("DOMContentLoaded", () => {
    const warning = document.querySelector("[data-session-warning]");
    if (!warning) return;
    const button = warning.querySelector("[data-session-extend]");
    const endsAt = warning.querySelector("[data-session-ends]");
    const seconds = Number(warning.dataset.seconds);
    if (!seconds) return;
    let warnTimer = null;
    let endTimer = null;
    let returnFocusTo = null;

    const csrfToken = () => {
      try {
        return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
      } catch {
        return "";
      }
    };

    function show(endTime) {
      const clock = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
        hour: "2-digit",
        minute: "2-digit",
      }).format(endTime);
      endsAt.textContent = (warning.dataset.endsText || "").replace("%(time)s", clock);
      returnFocusTo = document.activeElement;
      warning.hidden = false;
      button.focus();
    }

    function hide() {
      warning.hidden = true;
      if (returnFocusTo && document.body.contains(returnFocusTo)) returnFocusTo.focus();
      returnFocusTo = null;
    }

    function schedule(remaining) {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      const endTime = new Date(Date.now() + remaining * 1000);
      warnTimer = window.setTimeout(
        () => show(endTime),
        Math.max(remaining - WARN_BEFORE_SECONDS, 0) * 1000,
      );
      endTimer = window.setTimeout(() => {
        const next = encodeURIComponent(window.location.pathname + window.location.search);
        window.location.assign(`${warning.dataset.loginUrl}?next=${next}`);
      }, remaining * 1000);
    }

    button.addEventListener("click", async () => {
      const response = await fetch(warning.dataset.extendUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      if (response.ok) {
        const data = await response.json();
        hide();
        schedule(data.seconds);
      }
    });
    // Any htmx request renews the session on the server too.
    document.body.addEventListener("htmx:afterRequest", () => {
      if (warning.hidden) schedule(seconds);
    });
    schedule(seconds);
  });
})();
