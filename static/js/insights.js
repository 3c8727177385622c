// Delinquency over time: share of accounts 30+ days past due with and without a plan (data from
// json_script "trend-data"). The table under the chart holds the same figures.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("trend-chart");
  const source = document.getElementById("trend-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.series[0], data: data.with_plan, borderColor: "#0072B2", backgroundColor: "#0072B2" },
        { label: data.series[1], data: data.without_plan, borderColor: "#D55E00", backgroundColor: "#D55E00", borderDash: [6, 4] },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { callback: (v) => v + "%" } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
});
