// Stacked bar chart of spending by category and month (data from json_script "spending-data").
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("spending-chart");
  const source = document.getElementById("spending-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  // Colour-blind-safe palette (Okabe-Ito), repeated if there are more categories.
  const palette = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#7F3C8D", "#11A579", "#3969AC", "#F2B701", "#E73F74", "#80BA5A", "#A5AA99",
  ];
  const datasets = data.datasets.map((set, index) => ({
    label: set.label,
    data: set.data.map(Number),
    backgroundColor: palette[index % palette.length],
  }));
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      plugins: { legend: { position: "bottom" } },
    },
  });
});
