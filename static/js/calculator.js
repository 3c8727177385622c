// The live repayment calculator (templates/plans/calculator.html). htmx posts the inputs and
// swaps in the results; this file does what htmx does not: show the inputs each plan type uses,
// switch options on and off, draw the balance chart, load a recommendation into an option,
// mark invalid inputs, and print. No inline script or handler: the CSP forbids them.
"use strict";

(() => {
  // The same colours and line styles as the swatches in calculator.css (contrast >= 3:1 on
  // white); the dashes tell the lines apart without colour.
  const LINE_STYLES = {
    a: { colour: "#0b4f6c", dash: [] },
    b: { colour: "#b5482a", dash: [10, 5] },
    c: { colour: "#5b2a86", dash: [3, 4] },
  };
  let chart = null;

  const language = () => document.documentElement.lang || "en";

  function drawChart() {
    if (chart) {
      chart.destroy();
      chart = null;
    }
    const source = document.getElementById("calculator-chart-data");
    // No id on the canvas: htmx would carry the old canvas's size attributes over to the new
    // one and take them off again after settling, blanking the freshly drawn chart.
    const canvas = document.querySelector("canvas[data-balance-chart]");
    if (!source || !canvas || typeof window.Chart === "undefined") return;
    const data = JSON.parse(source.textContent);
    const whole = new Intl.NumberFormat(language(), { maximumFractionDigits: 0 });
    const cents = new Intl.NumberFormat(language(), {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    chart = new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map((series) => ({
          label: series.label,
          // Floats only to draw: every figure shown as text comes from the server.
          data: series.data.map(Number),
          borderColor: LINE_STYLES[series.key].colour,
          backgroundColor: LINE_STYLES[series.key].colour,
          borderDash: LINE_STYLES[series.key].dash,
          borderWidth: 2.5,
          pointRadius: 0,
          pointHoverRadius: 4,
          tension: 0,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, pointStyle: "line" } },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${cents.format(item.parsed.y)}`,
            },
          },
        },
        scales: {
          x: { title: { display: true, text: data.xTitle }, ticks: { maxTicksLimit: 13 } },
          y: {
            beginAtZero: true,
            title: { display: true, text: data.yTitle },
            ticks: { callback: (value) => whole.format(value) },
          },
        },
      },
    });
  }

  // Only the inputs of the chosen plan type are shown (the server ignores the others).
  function showFieldsFor(select) {
    const option = select.closest("[data-option]");
    option.querySelectorAll("[data-plan-types]").forEach((wrapper) => {
      wrapper.hidden = !wrapper.dataset.planTypes.split(" ").includes(select.value);
    });
  }

  function showOption(toggle) {
    const fields = document.getElementById(toggle.getAttribute("aria-controls"));
    if (fields) fields.hidden = !toggle.checked;
  }

  // After each swap the message slots beside the inputs are new; mark their inputs to match.
  function markInvalidInputs() {
    document.querySelectorAll("[data-error-for]").forEach((slot) => {
      const input = document.getElementById(slot.dataset.errorFor);
      if (!input) return;
      const invalid = slot.textContent.trim() !== "";
      input.classList.toggle("is-invalid", invalid);
      if (invalid) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
    });
  }

  function setInput(id, value) {
    const input = document.getElementById(id);
    if (input) input.value = value;
  }

  function loadRecommendation(button) {
    const values = JSON.parse(document.getElementById(button.dataset.compareSource).textContent);
    const key = button.dataset.compareInto;
    Object.entries(values.amounts).forEach(([name, value]) => setInput(`id_${name}`, value));
    const toggle = document.getElementById(`id_${key}-enabled`);
    if (toggle) {
      toggle.checked = true;
      showOption(toggle);
    }
    Object.entries(values.option).forEach(([name, value]) => setInput(`id_${key}-${name}`, value));
    const select = document.getElementById(`id_${key}-plan_type`);
    // A bubbling change shows the right inputs and makes htmx recompute.
    select.dispatchEvent(new Event("change", { bubbles: true }));
    const status = document.getElementById("calculator-status");
    if (status) status.textContent = button.dataset.compareDone || "";
    const title = document.getElementById(`option-${key}-title`);
    if (title) {
      title.scrollIntoView({ block: "start" });
      title.focus({ preventScroll: true });
    }
  }

  function setUpPrinting() {
    const button = document.querySelector("[data-print]");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    }
    // Closed <details> print closed: open the schedules for printing, then close them again.
    let opened = [];
    window.addEventListener("beforeprint", () => {
      opened = Array.from(document.querySelectorAll("details.calc-schedule:not([open])"));
      opened.forEach((details) => {
        details.open = true;
      });
      if (chart) chart.resize();
    });
    window.addEventListener("afterprint", () => {
      opened.forEach((details) => {
        details.open = false;
      });
      opened = [];
      if (chart) chart.resize();
    });
  }

  // Someone tabbing through the results while they re-render keeps their place: the element
  // they were on is found again in the new results by its id or test id (WCAG 2.4.3).
  function focusKeyOf(element) {
    const results = document.getElementById("calculator-results");
    if (!element || !results || !results.contains(element)) return null;
    const keyed = element.closest("[id], [data-testid]");
    if (!keyed || !results.contains(keyed)) return { selector: null };
    const selector = keyed.id
      ? `#${CSS.escape(keyed.id)}`
      : `[data-testid="${CSS.escape(keyed.dataset.testid)}"]`;
    return { selector, summary: element.tagName === "SUMMARY" };
  }

  function restoreFocus(key) {
    if (!key) return;
    let target = key.selector ? document.querySelector(key.selector) : null;
    if (target && key.summary) target = target.querySelector("summary") || target;
    if (target && !target.matches("a, button, summary, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    (target || document.getElementById("comparison-heading")).focus({ preventScroll: true });
  }

  // One short, polite sentence per update, not the whole comparison.
  function announce() {
    const summary = document.querySelector("#calculator-results [data-results-summary]");
    const status = document.getElementById("calculator-status");
    if (summary && status) status.textContent = summary.content.textContent.trim();
  }

  function isResultsEvent(event) {
    return event.detail && event.detail.target && event.detail.target.id === "calculator-results";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("calculator-form");
    const results = document.getElementById("calculator-results");
    if (!form || !results) return;

    form.querySelectorAll("select[name$='-plan_type']").forEach(showFieldsFor);
    form.querySelectorAll("[role='switch'][aria-controls]").forEach(showOption);
    form.addEventListener("change", (event) => {
      if (event.target.matches("select[name$='-plan_type']")) showFieldsFor(event.target);
      if (event.target.matches("[role='switch'][aria-controls]")) showOption(event.target);
    });

    document.querySelectorAll("[data-compare-into]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => loadRecommendation(button));
    });

    document.body.addEventListener("htmx:beforeRequest", (event) => {
      if (isResultsEvent(event)) results.setAttribute("aria-busy", "true");
    });
    let openSchedules = [];
    let focusedKey = null;
    document.body.addEventListener("htmx:beforeSwap", (event) => {
      if (!isResultsEvent(event)) return;
      // A signed-out session answers with the login page: reload rather than show it here.
      const answeredBy = event.detail.xhr.responseURL || "";
      if (answeredBy && !answeredBy.includes(form.getAttribute("hx-post"))) {
        event.detail.shouldSwap = false;
        window.location.reload();
        return;
      }
      openSchedules = Array.from(results.querySelectorAll("details.calc-schedule[open]")).map(
        (details) => details.dataset.testid,
      );
      focusedKey = focusKeyOf(document.activeElement);
    });
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (!isResultsEvent(event)) return;
      // A schedule someone opened stays open while they change the inputs.
      results.querySelectorAll("details.calc-schedule").forEach((details) => {
        if (openSchedules.includes(details.dataset.testid)) details.open = true;
      });
      restoreFocus(focusedKey);
      focusedKey = null;
      drawChart();
      announce();
    });
    document.body.addEventListener("htmx:afterSettle", (event) => {
      if (!isResultsEvent(event)) return;
      markInvalidInputs();
      results.removeAttribute("aria-busy");
    });
    document.body.addEventListener("htmx:afterRequest", (event) => {
      if (isResultsEvent(event) && !event.detail.successful) results.removeAttribute("aria-busy");
    });

    setUpPrinting();
    drawChart();
  });
})();
